"""The dumps over HTTP: ``/dumps/`` lists them (HTML or JSON), ``/dumps/<name>`` serves one file.

The build writes them (``build.dumps``); this module only reads the folder of the current generation.
"""

from __future__ import annotations

import base64
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response

from ecograph.build.dumps import MANIFEST, dumps_dir, read_dumps
from ecograph.sparql.formats import negotiate
from ecograph.web.deps import StateDep
from ecograph.web.errors import text

router = APIRouter(prefix="/dumps", tags=["Dumps"])


def _missing() -> Response:
    return text("The dumps of this build are not written yet (the build writes them after publishing).", 503,
                {"Retry-After": "60"})


@router.get("/", summary="List of dumps with size and checksum (HTML, or JSON by Accept)",
            response_class=Response)
async def list_dumps(request: Request, state: StateDep) -> Response:
    infos = read_dumps(state.settings.store, state.store.current())  # StoreNotBuilt: web.errors answers
    if infos is None:
        return _missing()
    if negotiate(request.headers.get("accept"), ("text/html", "application/json")) == "application/json":
        return JSONResponse([asdict(i) for i in infos], headers={"Vary": "Accept"})
    return state.templates.TemplateResponse(request, "dumps.html", {"dumps": infos},
                                            headers={"Vary": "Accept"})


@router.get("/{name}", summary="One dump file (gzip), SHA256SUMS or manifest.json",
            response_class=Response)
async def get_dump(name: Annotated[str, PathParam(pattern=r"^[A-Za-z0-9._-]+$")],
                   state: StateDep) -> Response:
    generation = state.store.current()  # StoreNotBuilt: web.errors answers
    folder = dumps_dir(state.settings.store, generation)
    infos = read_dumps(state.settings.store, generation)
    if infos is None:
        return _missing()
    if name == "SHA256SUMS":
        return FileResponse(folder / name, media_type="text/plain; charset=utf-8")
    if name == MANIFEST:
        return FileResponse(folder / name, media_type="application/json")
    info = next((i for i in infos if i.name == name), None)
    if info is None or name.startswith("."):
        return text(f"No dump named {name}.", 404)
    return FileResponse(folder / name, media_type="application/gzip", filename=name,
                        headers={"Digest": f"sha-256={_b64(info.sha256)}",
                                 "X-Checksum-SHA256": info.sha256})


def _b64(hexdigest: str) -> str:
    return base64.b64encode(bytes.fromhex(hexdigest)).decode()
