"""The generation on the remote backend: the stamp of the server's registry graph, read in the background.

Handlers ask for the generation on every request (cache keys include it), many of them in the
event loop. Reading the registry there would be an HTTP round trip per check, and a slow server
would then stall every request, cached answers included. So a daemon thread re-reads the
registry every ``RECHECK`` seconds (a build into the server is seen that much later) and the
handlers take the last value it read; only the very first read happens in the caller.
"""

from __future__ import annotations

import threading

from ecograph.settings import Settings
from ecograph.store.errors import ServerUnavailable, StoreNotBuilt, StoreUnavailable
from ecograph.store.graphstore import StoreWatch
from ecograph.store.remote.store import RemoteStore


class RegistryWatch(StoreWatch):
    """Keeps a :class:`RemoteStore` whose published graphs and stamp follow the server's registry."""

    #: Seconds between two reads of the registry.
    RECHECK = 2.0
    in_process = False  # the server evaluates the queries

    def __init__(self, settings: Settings) -> None:
        if not settings.sparql_query:
            raise ValueError("the remote backend needs ECOGRAPH_SPARQL_QUERY (the server's query endpoint)")
        self.settings = settings
        self.where = settings.sparql_query
        self.remote: RemoteStore | None = None
        self.error: str | None = None
        self._first = threading.Lock()
        self._started = False
        self._stop = threading.Event()

    def generation(self) -> str | None:
        """The stamp of the published graphs; None when nothing is published."""
        if not self._started:
            with self._first:
                if not self._started:
                    self._read()
                    threading.Thread(target=self._loop, daemon=True, name="registry-watch").start()
                    self._started = True
        if self.error is not None:
            raise StoreUnavailable(self.error)
        remote = self.remote
        return remote.stamp if remote is not None and remote.stamp and remote.published else None

    def get(self) -> RemoteStore:
        if self.generation() is None:
            raise StoreNotBuilt(f"no graph published on {self.where}: run `ecograph build` first")
        assert self.remote is not None
        return self.remote

    def _read(self) -> None:
        try:
            if self.remote is None:
                # every query of the web process (pages, saved questions) ends at the endpoint's time limit
                self.remote = RemoteStore.from_settings(
                    self.settings, require_published=False, timeout=self.settings.query_timeout)
            else:
                graphs, stamp = self.remote.read_registry()
                if stamp != self.remote.stamp or graphs != self.remote.published:
                    self.remote.published, self.remote.stamp = graphs, stamp
            self.error = None
        except ServerUnavailable as exc:
            self.error = f"the SPARQL server is unavailable: {exc}"

    def _loop(self) -> None:
        while not self._stop.wait(self.RECHECK):
            self._read()

    def close(self) -> None:
        self._stop.set()
        if self.remote is not None:
            self.remote.close()
