"""Small stores and a live uvicorn server on loopback, for the web tests."""

from __future__ import annotations

import gc
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import uvicorn

from ecograph.settings import Settings
from ecograph.store.embedded import new_generation, publish_generation
from ecograph.web.app import create_app

BASE = "http://localhost:8000"


def build_store(root: Path, quads: Iterable[ox.Quad] | bytes) -> Path:
    """Publish a new generation holding ``quads`` (or N-Quads bytes) under ``root``."""
    generation = new_generation(root)
    store = ox.Store(str(generation))
    if isinstance(quads, bytes):
        store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_extend(list(quads))
    store.flush()
    del store
    gc.collect()
    publish_generation(root, generation)
    return generation


def settings_for(root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"base": BASE, "store": root, "workers": 2, "query_timeout": 5.0}
    values.update(overrides)
    return replace(Settings(), **values)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    config = uvicorn.Config(live.app, host="127.0.0.1", port=port, log_level="warning",
                            lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield live
    finally:
        server.should_exit = True
        thread.join(15)
