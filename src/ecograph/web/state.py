"""What the web process keeps between requests: the store handle, the worker pool, caches, limits."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore, StoreNotBuilt, StoreUnavailable, current_generation
from ecograph.store.open import GraphStore
from ecograph.store.remote import ServerUnavailable
from ecograph.web.endpoint.remote_queries import RemoteQueries
from ecograph.web.endpoint.workers import QueryPool
from ecograph.web.registry import RegistryWatch

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


class StoreView:
    """A read-only handle on the published graph, reopened when a build publishes a new one.

    Used in the web process for bounded lookups (an entity's triples, graph statistics); open
    SPARQL queries never run here, they go to the worker pool (or, on the remote backend, to
    the server, see :mod:`.remote_queries`).

    The generation is the name of the current store folder (embedded backend) or the stamp of
    the server's registry graph (remote backend, see :mod:`.registry`).
    """

    #: How long the name of the current generation is trusted before the link is read again.
    RECHECK = 0.25

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = Path(settings.store)
        self.is_remote = settings.backend == "remote"
        self._store: EmbeddedStore | None = None
        self._watch = RegistryWatch(settings) if self.is_remote else None
        self._lock = threading.Lock()
        self._generation: tuple[float, str | None] = (-1.0, None)

    @property
    def where(self) -> str:
        """Where the graph lives, for messages."""
        return self.settings.sparql_query if self.is_remote else str(self.root)

    def generation(self) -> str | None:
        """Name of the published generation (cache keys include it, so a build invalidates them)."""
        if self._watch is not None:
            return self._watch.generation()
        checked, name = self._generation
        now = time.monotonic()
        if now - checked > self.RECHECK:
            path = current_generation(self.root)
            name = path.name if path is not None else None
            self._generation = (now, name)
        return name

    def current(self) -> str:
        """The published generation; raises StoreNotBuilt when nothing is published yet."""
        generation = self.generation()
        if generation is None:
            raise StoreNotBuilt(f"no graph published in {self.where}: run `ecograph build` first")
        return generation

    def get(self) -> GraphStore:
        """The open store; raises StoreNotBuilt when nothing is published yet."""
        if self._watch is not None:
            if self._watch.generation() is None:
                raise StoreNotBuilt(f"no graph published on {self.where}: run `ecograph build` first")
            assert self._watch.remote is not None
            return self._watch.remote
        store = self._store
        if store is None or store.is_stale():
            with self._lock:
                store = self._store
                if store is None or store.is_stale():
                    store = EmbeddedStore(self.root)
                    self._store = store
        return store

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()


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
    store: StoreView
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
    built = built_at(store)
    return GraphStats(store.generation, dict(sorted(counts.items())), built.isoformat(timespec="seconds"))


def built_at(store: Any) -> datetime:
    """When the published graph was built: its generation folder's time (embedded), or the time
    the build wrote into the server's registry (remote; now, for a registry without one)."""
    if store.path is not None:
        return datetime.fromtimestamp(store.path.stat().st_mtime, tz=UTC)
    stamp = store.published_at()
    if stamp:
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
    return datetime.now(UTC).replace(microsecond=0)


def get_state(request: Request) -> WebState:
    return request.app.state.ecograph  # type: ignore[no-any-return]
