"""The ``/sparql`` endpoint on the remote backend: queries are forwarded to the SPARQL server.

There is no worker process to kill: the server does the work. Each query runs in a thread that
streams the server's answer and

* stops reading after ``max_rows`` rows (the rest is never downloaded: the connection is
  closed, which also tells the server to stop);
* gives up at the time limit, checked on the wall clock at every chunk read, so a runaway query
  gets the same 503 as on the embedded store; the server is asked to stop too where it can be
  (Virtuoso's ``timeout`` parameter, see :meth:`ecograph.store.remote.RemoteStore.open_query`;
  Oxigraph server only has a server-wide ``--timeout-s``).

``ECOGRAPH_WORKERS`` bounds the queries sent to the server at once, as it bounds the worker
processes of the embedded store.

Only published graphs are visible. Protocol graphs (``default-graph-uri``/``named-graph-uri``)
that are not published are left out (empty, as on the embedded store); a query's own ``FROM``
and ``FROM NAMED`` (which the guard has checked against the published graphs) are sent as the
protocol dataset, so that no server falls back to all its graphs, staging graphs included, for
the named graphs of a query that has only ``FROM``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import time
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox

from ecograph.store.embedded import StoreNotBuilt
from ecograph.store.remote import (
    JSON_ACCEPT,
    RDF_ACCEPT,
    RDF_FORMATS,
    QueryTimedOut,
    RemoteError,
    RemoteStore,
    ServerUnavailable,
    ask_answer,
    prepare,
)
from ecograph.web.endpoint.workers import Job, Overloaded, QueryTimeout, Reply, serialise

TEXT = "text/plain; charset=utf-8"
# Virtuoso labels blank nodes "nodeID://b123", which is not a blank node label; same length
# replacement, so it can be done on the byte stream (cf. remote._safe_bnodes).
_VIRTUOSO_BNODE = b'"bnode", "value": "nodeID://'
_SAFE_BNODE = b'"bnode", "value": "nodeID___'


class _Answer(io.RawIOBase):
    """The body of a streamed answer as a file, for pyoxigraph's streaming parsers.

    Raising here reaches the caller only as a parse error, so the reason is kept in
    ``timed_out``.
    """

    def __init__(self, chunks: Iterator[bytes], deadline: float) -> None:
        self.chunks = chunks
        self.deadline = deadline
        self.timed_out = False
        self.ended = False
        self.buffer = b""
        self.carry = b""

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        if time.monotonic() > self.deadline:
            self.timed_out = True
            raise TimeoutError("time limit")
        try:
            chunk = next(self.chunks, None)
        except Exception as exc:  # httpx read time-out or a broken connection
            self.timed_out = "timeout" in type(exc).__name__.lower()
            raise
        if chunk is None:
            self.buffer, self.carry, self.ended = self.carry, b"", True
            return
        data = (self.carry + chunk).replace(_VIRTUOSO_BNODE, _SAFE_BNODE)
        keep = len(_VIRTUOSO_BNODE) - 1  # the start of a label cut by the chunk boundary
        self.buffer, self.carry = data[:-keep], data[-keep:]

    def readinto(self, b: Any) -> int:
        while not self.buffer and not self.ended:
            self._fill()
        n = min(len(b), len(self.buffer))
        b[:n] = self.buffer[:n]
        self.buffer = self.buffer[n:]
        return n


def dataset(job: Job, published: set[str]) -> tuple[list[str] | None, list[str] | None]:
    """(default graphs, named graphs) to send for a job; (None, None): the published graphs."""
    if job.default_graphs is not None or job.named_graphs is not None:
        return ([g for g in job.default_graphs or () if g in published],
                [g for g in job.named_graphs or () if g in published])
    if job.from_graphs or job.from_named:
        return ([g for g in job.from_graphs if g in published],
                [g for g in job.from_named if g in published])
    return None, None


def run_remote(remote: RemoteStore, job: Job, timeout: float) -> Reply:
    """Run one job on the server and serialise its (capped) answer; raises QueryTimedOut."""
    deadline = time.monotonic() + timeout
    generation = remote.stamp
    default, named = dataset(job, set(remote.published))
    graph = job.form in ("CONSTRUCT", "DESCRIBE")
    text = prepare(job.query, base_iri=job.base_iri)
    try:
        response = remote.open_query(text, accept=RDF_ACCEPT if graph else JSON_ACCEPT,
                                     default_graph=default, named_graphs=named, timeout=timeout)
    except SyntaxError as exc:
        return Reply(400, TEXT, f"Syntax error: {exc}\n".encode())
    except QueryTimedOut:
        raise
    except ServerUnavailable as exc:
        return Reply(503, TEXT, f"The SPARQL server is unavailable: {exc}\n".encode(), {"Retry-After": "10"})
    except RemoteError as exc:
        return Reply(502, TEXT, f"The SPARQL server failed: {exc}\n".encode())
    try:
        media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        answer = _Answer(response.iter_bytes(), deadline)
        reader = io.BufferedReader(answer, 1 << 16)
        try:
            if graph:
                fmt = RDF_FORMATS.get(media)
                if fmt is None:
                    return Reply(502, TEXT, f"The SPARQL server answered a {job.form} with {media!r}.\n".encode())
                result: Any = (quad.triple for quad in ox.parse(reader, format=fmt))
            elif media in ("application/sparql-results+json", "application/json"):
                result = ox.parse_query_results(reader, format=ox.QueryResultsFormat.JSON)
                if job.form == "ASK":
                    result = ask_answer(result)
            else:
                return Reply(502, TEXT, f"The SPARQL server answered a {job.form} with {media!r}.\n".encode())
            reply = serialise(job, result)
        except (SyntaxError, OSError, ValueError) as exc:
            if answer.timed_out:
                raise QueryTimedOut(f"the query timed out after {timeout:g} s") from None
            return Reply(502, TEXT, f"The SPARQL server's answer could not be read: {exc}\n".encode())
    finally:
        response.close()  # before the end of a capped answer: the rest is never downloaded
    reply.generation = generation
    return reply


class RemoteQueries:
    """Runs ``/sparql`` jobs on the server, at most ``size`` at a time (the QueryPool of the remote backend)."""

    def __init__(self, get_store: Any, size: int, *, max_waiting: int | None = None) -> None:
        self.get_store = get_store  # () -> RemoteStore; raises StoreNotBuilt
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
            remote = self.get_store()
        except StoreNotBuilt as exc:
            return Reply(503, TEXT, f"{exc}\n".encode())
        return run_remote(remote, job, timeout)

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
