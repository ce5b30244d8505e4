"""Real SPARQL servers for the remote-store tests: started on loopback in a temporary folder, stopped after.

* Oxigraph server: ``oxigraph serve --location DIR --bind 127.0.0.1:PORT`` (the ``oxigraph``
  command of the ``oxigraph`` package, a test extra). Endpoints ``/query``, ``/update``,
  ``/store``; no authentication.
* Virtuoso 7 open source: ``virtuoso-t -f -c virtuoso.ini`` with an ini written here (loopback
  ports, database files in the folder, ``DirsAllowed`` limited to it). Queries go to the
  anonymous ``/sparql``; updates and Graph Store requests to ``/sparql-auth`` and
  ``/sparql-graph-crud-auth`` with the default ``dba``/``dba`` account (HTTP Digest), which a
  fresh database allows to update.

Also usable from a script (``bench/backends.py``): ``with oxigraph_server(folder) as server: …``.

* The app itself: ``AppServer(app)`` serves an ASGI app with uvicorn in a thread on a free loopback
  port (the web, browser and remote-web tests, and ``bench/viewer.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ServerFailed(RuntimeError):
    """A server did not start; the message has the end of its log."""


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    folder: Path
    port: int
    query: str
    update: str
    graph_store: str
    user: str = ""
    password: str = ""
    log: Path | None = None
    argv: list[str] = field(default_factory=list)

    def settings(self, **overrides: object) -> dict[str, object]:
        """The ``Settings`` fields that point ecograph at this server."""
        values: dict[str, object] = {
            "backend": "remote",
            "sparql_query": self.query,
            "sparql_update": self.update,
            "sparql_graph_store": self.graph_store,
            "sparql_user": self.user,
            "sparql_password": self.password,
        }
        values.update(overrides)
        return values

    def kill(self) -> None:
        """Stop the server the hard way (SIGKILL): what a crash or a pulled plug looks like."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def restart(self, timeout: float = 60.0) -> None:
        """Start the same server again on the same folder and port."""
        self.stop()
        self.process = _spawn(self.argv, self.folder, self.log)
        _wait_ready(self, timeout)

    def log_tail(self, lines: int = 20) -> str:
        if self.log is None or not self.log.is_file():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """An ASGI app served by uvicorn in a thread on 127.0.0.1 (on ``port``, or a free one)."""

    def __init__(self, app: Any, port: int | None = None, *, lifespan: str = "auto") -> None:
        import uvicorn

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan=lifespan))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> AppServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the app did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def _spawn(argv: list[str], folder: Path, log: Path | None) -> subprocess.Popen[bytes]:
    out = (log or folder / "server.log").open("ab")
    try:
        return subprocess.Popen(argv, cwd=folder, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        out.close()


def _wait_ready(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    while True:
        if server.process.poll() is not None:
            raise ServerFailed(f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            request = urllib.request.Request(
                server.query, data=body, headers={"Accept": "application/sparql-results+json"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise ServerFailed(f"{server.name} not ready after {timeout:.0f} s:\n{server.log_tail()}")
        time.sleep(0.2)


def start_oxigraph(folder: Path, timeout: float = 60.0, query_seconds: int | None = None) -> Server:
    """Oxigraph server; ``query_seconds`` is its own limit on one query (``--timeout-s``)."""
    binary = oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("the `oxigraph` command is missing: pip install oxigraph==0.5.13")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    argv = [binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"]
    if query_seconds is not None:
        argv += ["--timeout-s", str(query_seconds)]
    root = f"http://127.0.0.1:{port}"
    log = folder / "oxigraph.log"
    server = Server("oxigraph", _spawn(argv, folder, log), folder, port,
                    f"{root}/query", f"{root}/update", f"{root}/store", log=log, argv=argv)
    _wait_ready(server, timeout)
    return server


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = ., {dir}
TransactionAfterImageLimit = 2000000000
ThreadCleanupInterval = 0
ResultSetMaxRows = 10000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = {max_query_seconds}
MaxQueryCostEstimationTime = 0
MaxSortedTopRows = 1000000
"""


def start_virtuoso(folder: Path, timeout: float = 90.0, buffers: int = 40000, max_query_seconds: int = 600) -> Server:
    """Virtuoso with ``buffers`` 8 KB pages of cache (40 000 ≈ 340 MB; the bench gives it more).

    ``max_query_seconds`` is the server's own limit on one query, so that a query a client gave
    up on does not keep the server busy.
    """
    binary = virtuoso_binary()
    if binary is None:
        raise FileNotFoundError("`virtuoso-t` is missing: scripts/setup-system.sh installs virtuoso-opensource-7-bin")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "www").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder.resolve(), sql_port=sql_port, http_port=http_port,
                                       buffers=buffers, dirty=buffers * 3 // 4,
                                       max_query_seconds=max_query_seconds))
    argv = [binary, "-f", "-c", str(ini)]
    root = f"http://127.0.0.1:{http_port}"
    log = folder / "virtuoso.out"
    server = Server(
        "virtuoso", _spawn(argv, folder, log), folder, http_port,
        f"{root}/sparql", f"{root}/sparql-auth", f"{root}/sparql-graph-crud-auth",
        user="dba", password="dba", log=log, argv=argv,
    )
    _wait_ready(server, timeout)
    return server


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def oxigraph_server(folder: Path) -> Iterator[Server]:
    with running(start_oxigraph(folder)) as server:
        yield server


@contextlib.contextmanager
def virtuoso_server(folder: Path, buffers: int = 40000, max_query_seconds: int = 600) -> Iterator[Server]:
    with running(start_virtuoso(folder, buffers=buffers, max_query_seconds=max_query_seconds)) as server:
        yield server


def isql(server: Server, sql: str) -> str:
    """Run SQL through ``isql-vt`` on the server's SQL port (bulk loads, diagnostics)."""
    sql_port = next(
        line.split(":")[-1].strip()
        for line in (server.folder / "virtuoso.ini").read_text().splitlines()
        if line.startswith("ServerPort") and "127.0.0.1" in line
    )
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{sql_port}", server.user, server.password, "VERBOSE=OFF", f"EXEC={sql}"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "LANG": "C"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"isql-vt failed: {done.stdout}{done.stderr}")
    return done.stdout
