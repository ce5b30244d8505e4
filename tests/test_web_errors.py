"""Before anything is built, every route answers 503 in its own voice, through one mapping (web/errors.py).

The routes are read from the app itself, so a new page that forgets to raise (or catches the
error and answers 200 or 500) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import make_settings
from servers import AppServer

from ecograph.web.app import create_app

#: a value for each path parameter the app's routes have
SAMPLE = {"name": "data-coverage", "key": "ku_leuven", "kind": "org", "fmt": "csv", "path": "x"}


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    app = create_app(make_settings(tmp_path_factory.mktemp("unbuilt")))
    with AppServer(app) as server:
        server.app = app  # type: ignore[attr-defined]
        yield server


@pytest.mark.parametrize("path", ["/", "/dashboard", "/network", "/questions/data-coverage"])
def test_viewer_pages_say_so_as_a_page(empty_app: AppServer, path: str) -> None:
    answer = httpx.get(empty_app.url + path)
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")
    assert "ecograph build" in answer.text and "Traceback" not in answer.text


@pytest.mark.parametrize("path", ["/network/data.json", "/network/around/ku_leuven.json"])
def test_data_routes_say_so_in_json(empty_app: AppServer, path: str) -> None:
    answer = httpx.get(empty_app.url + path)
    assert answer.status_code == 503 and answer.headers["content-type"] == "application/json"
    assert "ecograph build" in answer.json()["error"]


@pytest.mark.parametrize("path", ["/questions/data-coverage.csv", "/questions/data-coverage.json"])
def test_downloads_say_so_in_plain_text(empty_app: AppServer, path: str) -> None:
    answer = httpx.get(empty_app.url + path)
    assert answer.status_code == 503 and answer.headers["content-type"].startswith("text/plain")


def test_the_endpoint_asks_clients_to_retry(empty_app: AppServer) -> None:
    answer = httpx.get(empty_app.url + "/sparql", params={"query": "ASK {}"})
    assert answer.status_code == 503 and answer.headers["retry-after"] == "60"


def _routes(routes: list[Any]) -> Iterator[Any]:
    """The app's routes, with those of included routers (FastAPI keeps those behind a wrapper)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def test_no_route_fails_with_a_500(empty_app: AppServer) -> None:
    """Every GET route of the app, its path parameters filled in: 503 or a client error, never a crash."""
    paths = set()
    for route in _routes(empty_app.app.routes):  # type: ignore[attr-defined]
        if "GET" not in getattr(route, "methods", set()):
            continue
        path = route.path
        for name, value in SAMPLE.items():
            path = path.replace("{" + name + "}", value).replace("{" + name + ":path}", value)
        if "{" not in path:
            paths.add(path)
    assert len(paths) > 20
    crashed = {p: s for p in sorted(paths) if (s := httpx.get(empty_app.url + p).status_code) >= 500 and s != 503}
    assert not crashed, f"routes that crash before a build: {crashed}"
