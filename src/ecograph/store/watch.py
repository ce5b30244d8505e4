"""The published generation of the embedded store, followed: reopened when a build publishes a new one.

Handlers ask for the generation on every request (cache keys include it), so the name of the
current generation is trusted for ``RECHECK`` seconds before the link is read again.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ecograph.store.embedded import EmbeddedStore, current_generation
from ecograph.store.graphstore import StoreWatch


class GenerationWatch(StoreWatch):
    """A read-only handle on the current generation of an embedded store folder."""

    #: How long the name of the current generation is trusted before the link is read again.
    RECHECK = 0.25
    in_process = True

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.where = str(self.root)
        self._store: EmbeddedStore | None = None
        self._lock = threading.Lock()
        self._generation: tuple[float, str | None] = (-1.0, None)

    def generation(self) -> str | None:
        checked, name = self._generation
        now = time.monotonic()
        if now - checked > self.RECHECK:
            path = current_generation(self.root)
            name = path.name if path is not None else None
            self._generation = (now, name)
        return name

    def get(self) -> EmbeddedStore:
        store = self._store
        if store is None or store.is_stale():
            with self._lock:
                store = self._store
                if store is None or store.is_stale():
                    store = EmbeddedStore(self.root)
                    self._store = store
        return store

    def close(self) -> None:
        self._store = None
