"""The ``/sparql`` endpoint when a server evaluates the queries: jobs run in threads, at most ``size`` at once.

There is no worker process to kill: the server does the work. Each job runs in a thread
(:func:`.jobs.run_job`) that reads the server's answer while it arrives (``GraphStore.stream``) and

* stops reading after ``max_rows`` rows (the rest is never downloaded: the connection is
  closed, which also tells the server to stop);
* gives up at the time limit, checked on the wall clock at every chunk read, so a runaway query
  gets the same 503 as on the embedded store; the server is asked to stop too where it can be
  (Virtuoso's ``timeout`` parameter; Oxigraph server only has a server-wide ``--timeout-s``).

``ECOGRAPH_WORKERS`` bounds the queries sent to the server at once, as it bounds the worker
processes of the embedded store. Which graphs a query sees is the store's decision
(:mod:`ecograph.store.dataset`): published graphs only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable

from ecograph.store.errors import QueryTimedOut, StoreNotBuilt
from ecograph.store.graphstore import GraphStore
from ecograph.web.endpoint.jobs import TEXT, Job, Reply, run_job
from ecograph.web.endpoint.workers import Overloaded, QueryTimeout


class RemoteQueries:
    """Runs ``/sparql`` jobs in threads against a store a server answers for (the QueryPool of such stores)."""

    def __init__(self, get_store: Callable[[], GraphStore], size: int, *, max_waiting: int | None = None) -> None:
        self.get_store = get_store  # raises StoreNotBuilt
        self.size = max(1, size)
        self.max_waiting = max_waiting if max_waiting is not None else self.size * 8
        self.waiting = 0
        self.abandoned = 0  # queries answered 503 at the time limit
        self._slots: asyncio.Semaphore | None = None
        self._executor = concurrent.futures.ThreadPoolExecutor(self.size, thread_name_prefix="remote-query")

    @property
    def pids(self) -> list[int]:
        return []  # no processes: the server runs the queries

    async def start(self) -> None:
        self._slots = asyncio.Semaphore(self.size)

    def _run(self, job: Job, timeout: float) -> Reply:
        try:
            store = self.get_store()
        except StoreNotBuilt as exc:
            return Reply(503, TEXT, f"{exc}\n".encode())
        return run_job(store, job, timeout)

    async def run(self, job: Job, timeout: float, wait: float | None = None) -> Reply:
        """Run ``job`` on the server; raise QueryTimeout or Overloaded."""
        if self._slots is None:
            raise Overloaded("the query runner is not started")
        if self.waiting >= self.max_waiting:
            raise Overloaded("too many queries are waiting")
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), wait if wait is not None else timeout)
        except TimeoutError:
            raise Overloaded("no query slot became free in time") from None
        finally:
            self.waiting -= 1
        slots = self._slots
        future = asyncio.get_running_loop().run_in_executor(self._executor, self._run, job, timeout)
        # the slot is free when the thread is, not when the client stops waiting
        future.add_done_callback(lambda done: _release(slots, done))
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except (TimeoutError, QueryTimedOut):
            self.abandoned += 1
            raise QueryTimeout(timeout) from None

    async def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _release(slots: asyncio.Semaphore, done: asyncio.Future[Reply]) -> None:
    slots.release()
    if not done.cancelled():
        done.exception()  # retrieved, so an abandoned query's error is not logged as never retrieved
