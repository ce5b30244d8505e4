"""The FastAPI application: ``create_app`` builds it, ``serve`` runs it with uvicorn."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ecograph.settings import Settings, get_settings
from ecograph.store.open import watch_store
from ecograph.web import errors, reconcile, templating
from ecograph.web import viewer as pages
from ecograph.web.deps import StateDep
from ecograph.web.endpoint import protocol as sparql
from ecograph.web.endpoint.remote_queries import RemoteQueries
from ecograph.web.endpoint.workers import QueryPool
from ecograph.web.lod import catalog, dumps
from ecograph.web.lod import resources as lod
from ecograph.web.state import STATIC_DIR, ClientLimiter, WebState

log = logging.getLogger(__name__)

DESCRIPTION = (
    "Knowledge graph of the Leuven innovation region. Read-only SPARQL 1.1 endpoint, "
    "dereferenceable entity IRIs with content negotiation, dumps, VoID and DCAT-AP metadata."
)


class BodyLimit:
    """Refuse a request whose declared body is larger than the limit, before reading it.

    Bodies without a Content-Length (chunked) are counted where they are read (``/sparql``).
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if not value.isdigit() or int(value) > self.limit:
                        response = Response(
                            f"The request body is larger than {self.limit} bytes.\n",
                            status_code=413, media_type="text/plain; charset=utf-8")
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)


class HeadAsGet:
    """Answer ``HEAD`` on every GET route: run the GET and send its status and headers only.

    FastAPI routes declared for GET do not answer HEAD (405); link checkers, harvesters and
    ``curl -I`` use it, on dumps above all.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web application; ``settings`` default to the environment's."""
    settings = settings or get_settings()
    store = watch_store(settings)  # raises ValueError for a backend it does not know, or one set up wrong
    state = WebState(
        settings=settings,
        store=store,
        pool=None,
        templates=templating.templates,
        limiter=ClientLimiter(settings.per_client),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool: QueryPool | RemoteQueries
        if store.in_process:  # queries that cannot be interrupted here run in killable processes
            pool = QueryPool(settings.store, settings.workers, memory_mb=settings.worker_memory)
        else:  # a server runs them
            pool = RemoteQueries(store.get, settings.workers)
        await pool.start()
        state.pool = pool
        # compute the viewer's per-build data (heatmaps, network layout) before the first visitor asks
        threading.Thread(target=pages.warm, args=(state,), daemon=True, name="warm-viewer").start()
        try:
            yield
        finally:
            state.pool = None
            await pool.close()
            store.close()

    app = FastAPI(
        title="ecograph",
        description=DESCRIPTION,
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ecograph = state
    errors.install(app)
    app.dependency_overrides[get_settings] = lambda: settings
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["Retry-After", "X-Ecograph-Rows-Capped", "Link", "Vary"],
        max_age=86400,
    )
    app.add_middleware(BodyLimit, limit=settings.max_body)
    app.add_middleware(HeadAsGet)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(sparql.router)
    app.include_router(lod.router)
    app.include_router(dumps.router)
    app.include_router(catalog.router)
    app.include_router(reconcile.router)  # the OpenRefine reconciliation service: /reconcile/…
    app.include_router(pages.router)  # the viewer: home, dashboard, network, questions, editor, entity pages
    lod.HTML_PAGES.update(pages.ENTITY_PAGES)  # /doc/org/… and /doc/municipality/… in HTML are viewer pages
    app.add_api_route("/docs", api_docs, methods=["GET"], response_class=HTMLResponse,
                      summary="This API's documentation (HTML view of /openapi.json)",
                      tags=["Pages"])
    return app


async def api_docs(request: Request, state: StateDep) -> Response:
    spec = request.app.openapi()
    operations = [
        {"path": path, "method": method.upper(), "summary": op.get("summary", ""),
         "parameters": op.get("parameters", []), "responses": op.get("responses", {})}
        for path, item in spec.get("paths", {}).items()
        for method, op in item.items()
    ]
    return state.templates.TemplateResponse(
        request, "api.html", {"spec": spec, "operations": operations})


def serve(host: str, port: int) -> None:
    """Run the web service (one event loop; queries run in the worker processes, or on the server)."""
    import uvicorn

    trusted = get_settings().forwarded_allow_ips.strip()
    uvicorn.run("ecograph.web.app:create_app", factory=True, host=host, port=port,
                proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None, log_level="info")
