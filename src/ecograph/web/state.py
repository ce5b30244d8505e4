"""What the web process keeps between requests: the store handle, the worker pool, caches, limits."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from ecograph.settings import Settings
from ecograph.store.errors import ServerUnavailable, StoreUnavailable
from ecograph.store.graphstore import GraphStore, StoreWatch
from ecograph.web.endpoint.remote_queries import RemoteQueries
from ecograph.web.endpoint.workers import QueryPool

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


class BytesLRU:
    """A least-recently-used cache bounded by the total size of its values."""

    def __init__(self, max_bytes: int, max_item: int) -> None:
        self.max_bytes = max_bytes
        self.max_item = max_item
        self._data: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._data.get(key)
            if item is None:
                return None
            self._data.move_to_end(key)
            return item[1]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_item:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= old[0]
            self._data[key] = (size, value)
            self._size += size
            while self._size > self.max_bytes and self._data:
                _, (old_size, _) = self._data.popitem(last=False)
                self._size -= old_size


class ClientLimiter:
    """Counts the queries each client address has running."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self._active: dict[str, int] = {}

    def acquire(self, client: str) -> bool:
        count = self._active.get(client, 0)
        if count >= self.limit:
            return False
        self._active[client] = count + 1
        return True

    def release(self, client: str) -> None:
        count = self._active.get(client, 1) - 1
        if count <= 0:
            self._active.pop(client, None)
        else:
            self._active[client] = count


@dataclass
class GraphStats:
    """Per-generation facts shown on the home page, in the service description and in VoID."""

    generation: str
    triples: dict[str, int]  # named graph → triples
    built: str  # ISO timestamp of the generation


@dataclass
class WebState:
    settings: Settings
    store: StoreWatch  # the published graph, followed (ecograph.store.open.watch_store)
    pool: QueryPool | RemoteQueries | None
    templates: Jinja2Templates
    results: BytesLRU = field(default_factory=lambda: BytesLRU(64 << 20, 4 << 20))
    docs: BytesLRU = field(default_factory=lambda: BytesLRU(32 << 20, 2 << 20))
    limiter: ClientLimiter = field(default_factory=lambda: ClientLimiter(4))
    memo: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    def memoised(self, name: str, build: Any) -> Any:
        """``build(store)`` once per generation (graph statistics, catalogue, service description)."""
        generation = self.store.current()
        key = (generation, name)
        value = self.memo.get(key)
        if value is None:
            with self._lock:
                value = self.memo.get(key)
                if value is None:
                    try:
                        value = build(self.store.get())
                    except ServerUnavailable as exc:
                        raise StoreUnavailable(f"the SPARQL server is unavailable: {exc}") from None
                    self.memo = {k: v for k, v in self.memo.items() if k[0] == generation}
                    self.memo[key] = value
        return value

    def stats(self) -> GraphStats:
        return self.memoised("stats", graph_stats)  # type: ignore[no-any-return]


def graph_stats(store: GraphStore) -> GraphStats:
    counts: dict[str, int] = {}
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        counts[row["g"].value] = int(row["n"].value)
    for graph in store.graphs():
        counts.setdefault(graph, 0)
    built = store.built_at()
    return GraphStats(store.generation, dict(sorted(counts.items())), built.isoformat(timespec="seconds"))


def get_state(request: Request) -> WebState:
    return request.app.state.ecograph  # type: ignore[no-any-return]
