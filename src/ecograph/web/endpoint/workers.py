"""Killable query workers.

pyoxigraph evaluates a query in Rust without checking for Python signals, so a thread running a
runaway query cannot be stopped. Each query therefore runs in a worker process (started from a
``forkserver``, so a fresh one is ready in milliseconds) that opens the store read-only, runs
one job at a time, serialises the result itself (at most ``max_rows`` rows and about
``max_bytes`` bytes) and sends back a small header and the body as raw bytes (no pickling of
the answer). The time limit covers the whole exchange, the answer's transfer included: when a
job outlives it the parent kills the process (SIGKILL really ends the work) and starts a new one;
the web process never blocks on a query and keeps answering other requests meanwhile.

Each worker has no network and a bounded heap (:mod:`.sandbox`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ecograph.sparql import writers as results
from ecograph.sparql.formats import RDF, RDF_MEDIA, RESULTS, RESULTS_MEDIA
from ecograph.store.embedded import EmbeddedStore, StoreNotBuilt
from ecograph.web.endpoint import sandbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One query, with everything the worker needs to run and serialise it."""

    query: str
    form: str  # SELECT, CONSTRUCT, DESCRIBE, ASK (from the guard)
    media_type: str  # negotiated; a key of formats.RESULTS or formats.RDF
    max_rows: int
    max_bytes: int = 32_000_000
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None  # protocol default-graph-uri
    named_graphs: tuple[str, ...] | None = None  # protocol named-graph-uri
    query_has_dataset: bool = False  # FROM / FROM NAMED in the query text
    from_graphs: tuple[str, ...] = ()  # the query's FROM graphs (as the guard read them)
    from_named: tuple[str, ...] = ()  # the query's FROM NAMED graphs


@dataclass
class Reply:
    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    generation: str = ""


class QueryTimeout(Exception):
    """The job did not finish in time; its worker was killed."""


class Overloaded(Exception):
    """No worker became free in time, or too many jobs are waiting."""


class WorkerDied(Exception):
    """The worker ended while running the job (out of memory, or killed from outside)."""


# --- inside the worker process ---------------------------------------------------------------------


def run_job(store: ox.Store, job: Job) -> Reply:
    """Run and serialise one job against an open store (also usable in-process in tests)."""
    kwargs: dict[str, Any] = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        # The protocol dataset replaces any FROM / FROM NAMED of the query.
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif not job.query_has_dataset:
        kwargs["use_default_graph_as_union"] = True
    return serialise(job, store.query(job.query, **kwargs))


def serialise(job: Job, result: Any) -> Reply:
    """The reply for a query answer: solutions, a boolean, or any iterable of triples."""
    headers: dict[str, str] = {}
    rows_capped = bytes_capped = False
    if isinstance(result, ox.QuerySolutions):
        fmt = RESULTS[job.media_type]
        variables = [v.value for v in result.variables]
        body, rows_capped, bytes_capped = _bounded(
            job, result, lambda row: results.solution_size(row, variables),
            lambda rows: results.write_solutions(variables, rows, fmt))
        media = RESULTS_MEDIA[fmt]
    elif isinstance(result, ox.QueryBoolean):
        fmt = RESULTS[job.media_type]
        body, media = results.write_boolean(result, fmt), RESULTS_MEDIA[fmt]
    else:
        rdf = RDF[job.media_type]
        body, rows_capped, bytes_capped = _bounded(
            job, result, results.triple_size, lambda triples: results.write_triples(triples, rdf))
        media = RDF_MEDIA[rdf]
    if rows_capped:
        headers["X-Ecograph-Rows-Capped"] = str(job.max_rows)
    if bytes_capped:
        headers["X-Ecograph-Bytes-Capped"] = str(job.max_bytes)
    return Reply(200, media, body, headers)


def _bounded(job: Job, items: Any, size: Callable[[Any], int],
             write: Callable[[list[Any]], bytes]) -> tuple[bytes, bool, bool]:
    """The document of the items that fit the job's row and byte caps; (body, rows capped, bytes capped)."""
    taken, rows_capped, bytes_capped = results.bounded(items, job.max_rows, job.max_bytes, size)
    body, trimmed = results.fit(taken, job.max_bytes, write)
    return body, rows_capped, bytes_capped or trimmed


def _send(conn: Connection, reply: Reply) -> None:
    conn.send((reply.status, reply.media_type, reply.headers, reply.generation))
    conn.send_bytes(reply.body)


def _receive(conn: Connection) -> Reply:
    status, media, headers, generation = conn.recv()
    return Reply(status, media, conn.recv_bytes(), headers, generation)


def worker_main(conn: Connection, store_root: str, memory_mb: int = 0) -> None:
    """Serve jobs from ``conn`` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        sandbox.forbid_network()
    except sandbox.SandboxError as exc:  # only the guard stands between SERVICE and the network
        log.error("query worker runs WITH network access: %s", exc)
    sandbox.limit_memory(memory_mb)
    store: EmbeddedStore | None = None
    root = Path(store_root)
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if store is None or store.is_stale():
                store = EmbeddedStore(root)
            reply = run_job(store.oxigraph, job)
            reply.generation = store.generation
        except StoreNotBuilt as exc:
            reply = Reply(503, "text/plain; charset=utf-8", f"{exc}\n".encode())
        except SyntaxError as exc:
            reply = Reply(400, "text/plain; charset=utf-8", f"Syntax error: {exc}\n".encode())
        except MemoryError:
            reply = Reply(503, "text/plain; charset=utf-8", b"The query needed more memory than a query "
                          b"worker may use (ECOGRAPH_WORKER_MEMORY); narrow it down.\n")
        except Exception as exc:  # an evaluation error is the query's, not the server's
            reply = Reply(400, "text/plain; charset=utf-8", f"Query failed: {exc}\n".encode())
        try:
            _send(conn, reply)
        except (BrokenPipeError, OSError):
            return


# --- in the web process ----------------------------------------------------------------------------


class _Worker:
    def __init__(self, ctx: Any, store_root: str, memory_mb: int) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=worker_main, args=(child, store_root, memory_mb), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()


class QueryPool:
    """A fixed number of worker processes; a job waits for an idle one."""

    def __init__(self, store_root: Path | str, size: int, *, max_waiting: int | None = None,
                 memory_mb: int = 0) -> None:
        self.store_root = str(Path(store_root).resolve())
        self.memory_mb = memory_mb
        self.size = max(1, size)
        self.max_waiting = max_waiting if max_waiting is not None else self.size * 8
        self.waiting = 0
        self.killed = 0
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(["ecograph.web.endpoint.workers"])
        self._closed = False

    async def start(self) -> None:
        workers = await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.store_root, self.memory_mb)
        self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        """Take the worker out of the pool now; kill it and start its successor in the background
        (the client's answer does not wait for a new process)."""
        self._all.discard(worker)
        asyncio.ensure_future(self._replace(worker))

    async def _replace(self, worker: _Worker) -> None:
        self._all.discard(worker)
        await asyncio.to_thread(worker.kill)
        if self._closed:
            return
        new = await asyncio.to_thread(self._spawn)
        self._idle.put_nowait(new)

    async def run(self, job: Job, timeout: float, wait: float | None = None) -> Reply:
        """Run ``job`` in a worker; raise QueryTimeout or Overloaded."""
        if self.waiting >= self.max_waiting:
            raise Overloaded("too many queries are waiting")
        self.waiting += 1
        try:
            worker = await asyncio.wait_for(self._idle.get(), wait if wait is not None else timeout)
        except TimeoutError:
            raise Overloaded("no query worker became free in time") from None
        finally:
            self.waiting -= 1
        exchange = asyncio.ensure_future(asyncio.to_thread(self._exchange, worker, job))
        try:
            reply = await asyncio.wait_for(asyncio.shield(exchange), timeout)
        except TimeoutError:
            self.killed += 1
            log.warning("query exceeded %.1f s; killing worker pid %s", timeout, worker.process.pid)
            self._retire(worker)
            with contextlib.suppress(BaseException):
                await exchange  # its blocked read ends when the worker is killed
            raise QueryTimeout(timeout) from None
        except (EOFError, OSError):
            self._retire(worker)
            raise WorkerDied("the query worker ended while running the query") from None
        except BaseException:
            # A cancelled request: never reuse a worker in an unknown state.
            self._retire(worker)
            raise
        self._idle.put_nowait(worker)
        return reply

    @staticmethod
    def _exchange(worker: _Worker, job: Job) -> Reply:
        worker.conn.send(job)
        return _receive(worker.conn)

    @property
    def pids(self) -> list[int]:
        return [w.process.pid for w in self._all if w.process.pid is not None]

    async def close(self) -> None:
        self._closed = True
        workers = list(self._all)
        self._all.clear()
        await asyncio.gather(*(asyncio.to_thread(w.kill) for w in workers))
