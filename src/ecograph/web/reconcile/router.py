"""The reconciliation service's routes (Reconciliation Service API 0.2, as OpenRefine 3.x calls it).

``/reconcile`` answers everything OpenRefine sends to the service URL: without parameters the
service manifest; ``queries=`` (a JSON batch, form-encoded on POST or in the query string on
GET) the candidates; ``extend=`` the data extension; the older single ``query=`` too. The
suggest, flyout, preview and property-proposal services live under ``/reconcile/…`` and the
manifest points at them. Every JSON answer is JSONP when a ``callback`` is given.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ecograph.model.namespaces import ECO
from ecograph.questions.organisations import KINDS
from ecograph.web import errors
from ecograph.web.reconcile.extend import extend, propose
from ecograph.web.reconcile.index import Entity, Index, load_index
from ecograph.web.reconcile.scoring import BadQuery, reconcile_batch
from ecograph.web.reconcile.suggest import card, preview_page, suggest_entities, suggest_properties, suggest_types
from ecograph.web.state import WebState, get_state


def index_of(state: WebState) -> Index:
    """The index of the published generation, read once per generation (raises StoreNotBuilt)."""
    return state.memoised("reconcile-index", load_index)  # type: ignore[no-any-return]


def warm(state: WebState) -> None:
    """Read the index of the published generation, if there is one (in a thread when the app starts)."""
    with contextlib.suppress(Exception):  # nothing published, a server away: the first request reads it
        index_of(state)


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Merged into the app's lifespan by ``include_router``: the index is read before the first batch asks."""
    threading.Thread(target=warm, args=(app.state.ecograph,), daemon=True, name="warm-reconcile").start()
    yield


router = APIRouter(prefix="/reconcile", tags=["Reconciliation (OpenRefine)"], lifespan=lifespan)

#: Most queries one batch may hold (OpenRefine sends 10 at a time by default).
MAX_QUERIES = 1000
_CALLBACK = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


def answer(request: Request, payload: Any, status: int = 200) -> Response:
    """JSON, or JSONP when the request names a ``callback``."""
    callback = request.query_params.get("callback")
    if callback is None:
        return JSONResponse(payload, status_code=status)
    if not _CALLBACK.fullmatch(callback) or len(callback) > 100:
        return JSONResponse({"error": "the callback is not a JavaScript name"}, status_code=400)
    body = f"/**/{callback}({json.dumps(payload)});"
    return Response(body, status_code=status, media_type="application/javascript; charset=utf-8",
                    headers={"X-Content-Type-Options": "nosniff"})


def describer(index: Index) -> Callable[[Entity], dict[str, Any]]:
    """How a candidate or a suggestion shows an organisation: id, name, its types, a one-line description."""
    order = {kind: i for i, kind in enumerate(KINDS)}

    def describe(entity: Entity) -> dict[str, Any]:
        kinds = sorted((i for i in index.types if i.rsplit("#", 1)[-1] in entity.kinds),
                       key=lambda i: (i.rsplit("#", 1)[-1] != entity.kind, order.get(i.rsplit("#", 1)[-1], 99), i))
        types = [{"id": i, "name": index.types[i].label()} for i in kinds]
        place = index.concepts[entity.municipality].label() if entity.municipality in index.concepts else ""
        description = " · ".join(filter(None, [types[0]["name"] if types else "", place or (entity.country or "")]))
        return {"id": entity.key, "name": entity.name, "type": types, "description": description}

    return describe


def manifest(request: Request, state: WebState) -> dict[str, Any]:
    index = index_of(state)
    base, root = state.settings.base, str(request.base_url).rstrip("/")
    order = {kind: i for i, kind in enumerate(KINDS)}
    types = sorted(index.types.items(), key=lambda t: (order.get(t[0].rsplit("#", 1)[-1], 99), t[0]))

    def service(path: str, **extra: str) -> dict[str, str]:
        return {"service_url": root, "service_path": path, **extra}

    return {
        "versions": ["0.1", "0.2"],
        "name": "ecograph: organisations of the Leuven innovation region",
        "identifierSpace": f"{base}/id/org/",
        "schemaSpace": ECO.base,
        "documentation": f"{root}/docs",
        "defaultTypes": [{"id": iri, "name": concept.label()} for iri, concept in types],
        "view": {"url": f"{base}/doc/org/{{{{id}}}}"},
        "preview": {"url": f"{root}/reconcile/preview?id={{{{id}}}}", "width": 420, "height": 240},
        "suggest": {
            "entity": service("/reconcile/suggest/entity", flyout_service_path="/reconcile/flyout/entity?id=${id}"),
            "type": service("/reconcile/suggest/type"),
            "property": service("/reconcile/suggest/property"),
        },
        "extend": {"propose_properties": service("/reconcile/properties"), "property_settings": []},
        "batchSize": 50,
    }


async def _params(request: Request) -> dict[str, str]:
    """The query string's parameters, and on POST the form's (form-encoded or multipart)."""
    params = dict(request.query_params)
    if request.method == "POST":
        if request.headers.get("content-type", "").startswith("application/json"):
            body = json.loads(await request.body() or b"{}")
            params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
        else:
            form = await request.form()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _run(state: WebState, params: dict[str, str], request: Request) -> Any:
    """What ``/reconcile`` answers for these parameters (runs in a thread: the index may be read first)."""
    if "queries" in params:
        queries = json.loads(params["queries"])
        if not isinstance(queries, dict):
            raise BadQuery("'queries' is a JSON object of queries by id")
        if len(queries) > MAX_QUERIES:
            raise BadQuery(f"at most {MAX_QUERIES} queries in one batch")
        index = index_of(state)
        return reconcile_batch(index, queries, describer(index))
    if "extend" in params:
        return extend(index_of(state), json.loads(params["extend"]))
    if "query" in params:  # the original single-query form: a name, or one query object
        text = params["query"]
        raw = json.loads(text) if text.lstrip().startswith("{") else text
        index = index_of(state)
        return reconcile_batch(index, {"q": raw}, describer(index))["q"]
    return manifest(request, state)


@router.api_route("", methods=["GET", "POST"], summary="Reconciliation service: manifest, queries, extend")
@errors.not_built_as(errors.json_error)
async def reconcile(request: Request) -> Response:
    state = get_state(request)
    try:
        params = await _params(request)
        payload = await run_in_threadpool(_run, state, params, request)
    except json.JSONDecodeError as exc:
        return answer(request, {"error": f"not JSON: {exc}"}, 400)
    except BadQuery as exc:
        return answer(request, {"error": str(exc)}, 400)
    return answer(request, payload)


def _int(value: str | None, default: int, top: int) -> int:
    try:
        return max(0, min(int(value or default), top))
    except ValueError:
        return default


@router.get("/suggest/entity", summary="Suggest organisations by name prefix")
@errors.not_built_as(errors.json_error)
def suggest_entity(request: Request, prefix: str = "", cursor: str = "0", type: str = "") -> Response:
    index = index_of(get_state(request))
    kind = index.type_iri(type) if type else None
    found = suggest_entities(index, prefix, describer(index), _int(cursor, 0, 10_000),
                             kind=kind.rsplit("#", 1)[-1] if kind else None)
    return answer(request, {"code": "/api/status/ok", "status": "200 OK", "prefix": prefix, "result": found})


@router.get("/suggest/type", summary="Suggest kinds of organisation by prefix")
@errors.not_built_as(errors.json_error)
def suggest_type(request: Request, prefix: str = "") -> Response:
    return answer(request, {"prefix": prefix, "result": suggest_types(index_of(get_state(request)), prefix)})


@router.get("/suggest/property", summary="Suggest properties (query and extension) by prefix")
def suggest_property(request: Request, prefix: str = "") -> Response:
    return answer(request, {"prefix": prefix, "result": suggest_properties(prefix)})


@router.get("/properties", summary="Properties proposed for data extension")
def propose_properties(request: Request, type: str = "", limit: str = "10") -> Response:
    return answer(request, propose(type or None, _int(limit, 10, 50)))


@router.get("/flyout/entity", summary="A small HTML card for the suggest flyout")
@errors.not_built_as(errors.json_error)
def flyout(request: Request, id: str = "") -> Response:
    state = get_state(request)
    index = index_of(state)
    entity = index.entities.get(id)
    if entity is None:
        return answer(request, {"error": f"no organisation {id!r}"}, 404)
    return answer(request, {"id": id, "html": card(index, entity, f"{state.settings.base}/doc/org/{id}")})


@router.get("/preview", response_class=HTMLResponse, summary="Preview of an organisation (HTML, no scripts)")
@errors.not_built_as(errors.json_error)
def preview(request: Request, id: str = "") -> Response:
    state = get_state(request)
    index = index_of(state)
    entity = index.entities.get(id)
    headers = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *",
               "X-Content-Type-Options": "nosniff"}
    if entity is None:
        return HTMLResponse("<!DOCTYPE html><p>No such organisation.</p>", status_code=404, headers=headers)
    return HTMLResponse(preview_page(index, entity, f"{state.settings.base}/doc/org/{id}"), headers=headers)
