"""Browser files served by the app itself: the viewer's own, and a whitelist of vendored libraries.

No page loads anything from another host. Vendored libraries come from the npm packages pinned in
``package.json`` (installed into ``node_modules/`` next to the repository root by ``npm ci``) or,
for vis-network, from inside the pyvis package. Only the files listed here are reachable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyvis
from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from ecograph.model import resources

router = APIRouter(include_in_schema=False)

NODE_MODULES = resources.node_modules()
PYVIS_LIB = Path(pyvis.__file__).resolve().parent / "lib"
VIEWER_STATIC = Path(__file__).resolve().parents[1] / "static" / "viewer"

#: public name → file (relative to node_modules or to pyvis's lib folder)
VENDOR: dict[str, Path] = {
    "vis-network.min.js": PYVIS_LIB / "vis-9.1.2" / "vis-network.min.js",
    "vis-network.css": PYVIS_LIB / "vis-9.1.2" / "vis-network.css",
    "yasgui.min.js": NODE_MODULES / "@zazuko" / "yasgui" / "build" / "yasgui.min.js",
    "yasgui.min.css": NODE_MODULES / "@zazuko" / "yasgui" / "build" / "yasgui.min.css",
    "chart.umd.min.js": NODE_MODULES / "chart.js" / "dist" / "chart.umd.min.js",
    "leaflet.js": NODE_MODULES / "leaflet" / "dist" / "leaflet.js",
    "leaflet.css": NODE_MODULES / "leaflet" / "dist" / "leaflet.css",
}
_MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".svg": "image/svg+xml"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.(js|css|svg)$")
CACHE = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}


def _file(path: Path) -> Response:
    if not path.is_file():
        return Response(f"{path.name} is not installed: run `make setup` (npm ci).\n", status_code=404,
                        media_type="text/plain; charset=utf-8")
    return FileResponse(path, media_type=_MEDIA.get(path.suffix, "application/octet-stream"), headers=CACHE)


@router.get("/assets/vendor/{name}")
def vendor(name: str) -> Response:
    path = VENDOR.get(name)
    if path is None:
        return Response("not a vendored file\n", status_code=404, media_type="text/plain; charset=utf-8")
    return _file(path)


@router.get("/assets/viewer/{name}")
def viewer(name: str) -> Response:
    if not _NAME.match(name):
        return Response("not found\n", status_code=404, media_type="text/plain; charset=utf-8")
    return _file(VIEWER_STATIC / name)
