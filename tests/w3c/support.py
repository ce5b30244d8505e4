"""Small stores and a live uvicorn server on loopback, for the web tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from builds import publish_fixture
from servers import AppServer, free_port

from ecograph.settings import Settings
from ecograph.web.app import create_app

BASE = "http://localhost:8000"


def build_store(root: Path, quads: Iterable[ox.Quad] | bytes) -> Path:
    """Publish a new generation holding ``quads`` (or N-Quads bytes) under ``root``."""
    return publish_fixture(root, quads)


def settings_for(root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"base": BASE, "store": root, "workers": 2, "query_timeout": 5.0}
    values.update(overrides)
    return replace(Settings(), **values)  # type: ignore[arg-type]


class LiveServer:
    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = settings
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.app = create_app(settings)


@contextmanager
def live_server(settings: Settings, *, use_base: bool = False) -> Iterator[LiveServer]:
    """Serve the app on 127.0.0.1 in a thread; with ``use_base`` the base is the server's URL."""
    port = free_port()
    if use_base:
        settings = replace(settings, base=f"http://127.0.0.1:{port}")
    live = LiveServer(settings, port)
    with AppServer(live.app, port, lifespan="on"):
        yield live


@contextmanager
def serving(tmp_path_factory: pytest.TempPathFactory, name: str, data: Iterable[ox.Quad] | bytes,
            **overrides: object) -> Iterator[LiveServer]:
    """A live server over a new store in a temporary folder ``name`` holding ``data`` (quads or N-Quads
    bytes), with :func:`settings_for` and ``overrides``: what most web tests' module fixture is."""
    root = tmp_path_factory.mktemp(name) / "store"
    build_store(root, data)
    with live_server(settings_for(root, **overrides)) as live:
        yield live
