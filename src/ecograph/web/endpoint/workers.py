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
import math
import multiprocessing
import signal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ecograph.store.errors import StoreNotBuilt
from ecograph.store.watch import GenerationWatch
from ecograph.web.endpoint import sandbox
from ecograph.web.endpoint.jobs import TEXT, Job, Reply, run_job

__all__ = ["Job", "Overloaded", "QueryPool", "QueryTimeout", "Reply", "WorkerDied"]

log = logging.getLogger(__name__)


class QueryTimeout(Exception):
    """The job did not finish in time; its worker was killed."""


class Overloaded(Exception):
    """No worker became free in time, or too many jobs are waiting."""


class WorkerDied(Exception):
    """The worker ended while running the job (out of memory, or killed from outside)."""


# --- inside the worker process ---------------------------------------------------------------------


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
    store = GenerationWatch(store_root)  # the current generation, reopened after a build
    while True:
        try:
            job: Job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = run_job(store.get(), job, math.inf)  # the parent kills this process at the time limit
        except StoreNotBuilt as exc:
            reply = Reply(503, TEXT, f"{exc}\n".encode())
        except Exception as exc:  # the generation could not be opened
            reply = Reply(400, TEXT, f"Query failed: {exc}\n".encode())
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
