"""The public endpoint against hostile clients (issue 11), on a real server on loopback.

* a grammar-derived corpus of SERVICE/LOAD/FROM spellings over every transport: refused, with
  **0 connections** at a listener that would answer; each benign twin runs (so the odd spelling
  was parsed, not merely refused);
* query workers cannot open a TCP connection at all;
* one client's runaway queries do not starve another client;
* answers are bounded in bytes and in worker memory; deep nesting is a 400 that kills no worker;
* a megabyte of hostile text does not stall the other pages.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hostile import Case, Listener, Spelled, cases, spelled
from w3c.support import BASE, LiveServer, build_store, live_server, settings_for

from ecograph.web.endpoint import sandbox
from ecograph.web.endpoint.workers import Job, QueryPool

GRAPH = f"{BASE}/graph/curated"
P = f"{BASE}/id/prop/p"
NODES = 2000


def graph() -> list[ox.Quad]:
    g = ox.NamedNode(GRAPH)
    node = [ox.NamedNode(f"{BASE}/id/node/{i}") for i in range(NODES)]
    return [ox.Quad(node[i], ox.NamedNode(P), node[(i * 7 + 1) % NODES], g) for i in range(NODES)]


@pytest.fixture(scope="module")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "store"
    build_store(root, graph())
    return root


@pytest.fixture(scope="module")
def server(store_root: Path) -> Iterator[LiveServer]:
    settings = settings_for(store_root, query_timeout=3.0, max_rows=500, max_body=1_100_000, workers=2,
                            max_result_bytes=50_000, worker_memory=384)
    with live_server(settings) as live:
        yield live


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    live = Listener()
    yield live
    live.close()


def client_from(address: str) -> httpx.Client:
    """Connections from ``address``: Linux routes all of 127.0.0.0/8 to the loopback interface."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


def transports(server: LiveServer, query: str) -> list[tuple[str, httpx.Response]]:
    url = server.url + "/sparql"
    return [
        ("GET", httpx.get(url, params={"query": query}, timeout=30)),
        ("GET+dataset", httpx.get(url, params={"query": query, "default-graph-uri": GRAPH,
                                               "named-graph-uri": GRAPH}, timeout=30)),
        ("form POST", httpx.post(url, data={"query": query}, timeout=30)),
        ("direct POST", httpx.post(url, content=query.encode(), timeout=30,
                                   headers={"Content-Type": "application/sparql-query"})),
    ]


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_service_in_any_spelling_is_refused_and_its_twin_runs(
        server: LiveServer, listener: Listener, case: Case) -> None:
    before = listener.connections
    for how, response in transports(server, case.hostile(listener.url)):
        assert response.status_code == 403, (how, case.hostile(listener.url), response.text)
        assert "SERVICE" in response.text and "LEAKED" not in response.text
    benign = httpx.get(server.url + "/sparql", params={"query": case.benign(listener.url)}, timeout=30)
    assert benign.status_code == 200, (case.benign(listener.url), benign.text)
    assert listener.connections == before == 0


@pytest.mark.parametrize("case", spelled(), ids=lambda c: c.name)
def test_odd_spellings_of_outbound_requests_are_refused(
        server: LiveServer, listener: Listener, case: Spelled) -> None:
    for how, response in transports(server, case.hostile(listener.url)):
        assert response.status_code in (400, 403), (how, case.hostile(listener.url), response.text)
        assert "LEAKED" not in response.text
    assert listener.connections == 0


def test_codepoint_escapes_are_read_as_the_grammar_says(server: LiveServer) -> None:
    """\\u escapes stand for their character anywhere: a query spelled with them runs."""
    query = "\\u0053ELECT (\\u0022a\\u0022 AS ?x) WHERE \\u007B \\u007D"
    response = httpx.get(server.url + "/sparql", params={"query": query, "format": "csv"})
    assert response.status_code == 200, response.text
    assert response.text.splitlines() == ["x", "a"]


# --- defence in depth: the worker has no network --------------------------------------------------


def _try_connect(port: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    sandbox.forbid_network()
    results = []
    for family, address in ((socket.AF_INET, ("127.0.0.1", port)), (socket.AF_INET6, ("::1", port))):
        try:
            with socket.socket(family, socket.SOCK_STREAM) as sock:
                sock.connect(address)
            results.append("connected")
        except OSError as exc:
            results.append(type(exc).__name__)
    out.put(results)


def test_a_sandboxed_process_cannot_open_a_tcp_connection(listener: Listener) -> None:
    ctx = multiprocessing.get_context("forkserver")
    out = ctx.Queue()
    process = ctx.Process(target=_try_connect, args=(listener.port, out))
    process.start()
    results = out.get(timeout=30)
    process.join(10)
    assert results == ["PermissionError", "PermissionError"]
    assert listener.connections == 0


def test_a_worker_given_service_directly_reaches_nobody(store_root: Path, listener: Listener) -> None:
    """The pool is below the guard: hand it a SERVICE query as if a parser bug had let one through."""
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?x ?y ?z }} }}"

    async def run() -> tuple[int, bytes]:
        pool = QueryPool(store_root, 1)
        await pool.start()
        try:
            reply = await pool.run(Job(query, "SELECT", "application/sparql-results+json", 10), 10)
            return reply.status, reply.body
        finally:
            await pool.close()

    out: list[tuple[int, bytes]] = []
    # its own thread: Playwright's sync API may hold an event loop in the main one
    thread = threading.Thread(target=lambda: out.append(asyncio.run(run())))
    thread.start()
    thread.join(60)
    status, body = out[0]
    assert status == 400 and b"LEAKED" not in body, body
    assert listener.connections == 0


# --- fair sharing ---------------------------------------------------------------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_one_clients_runaways_do_not_starve_another(server: LiveServer) -> None:
    attacker, victim = client_from("127.0.0.2"), client_from("127.0.0.3")
    statuses: list[int] = []

    def runaway(i: int) -> None:
        # a different X-Forwarded-For each time: no proxy is trusted, so the key stays the address
        response = attacker.get(server.url + "/sparql", params={"query": f"{RUNAWAY} # {i}"},
                                headers={"X-Forwarded-For": f"198.51.100.{i}"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.headers["Retry-After"]

    threads = [threading.Thread(target=runaway, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    latencies = []
    n = 0
    while any(t.is_alive() for t in threads):
        n += 1
        started = time.monotonic()
        response = victim.get(server.url + "/sparql", params={"query": f"ASK {{ ?s ?p {n} }}"})  # uncached
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200, response.text
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [429, 503], statuses  # one ran to the time limit, one was turned away
    assert len(latencies) >= 20, latencies
    p99 = statistics.quantiles(latencies, n=100)[98]
    assert p99 < 0.5, (p99, max(latencies))


# --- bounded answers ------------------------------------------------------------------------------


def doubling(times: int) -> str:
    binds = "".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1}) " for i in range(times))
    return f'SELECT ?a{times} WHERE {{ BIND("0123456789" AS ?a0) {binds}}}'


def test_an_answer_past_the_byte_cap_is_cut_and_says_so(server: LiveServer) -> None:
    response = httpx.get(server.url + "/sparql", params={"query": doubling(15)}, timeout=30)  # one 327 kB row
    assert response.status_code == 200
    assert response.headers["X-Ecograph-Bytes-Capped"] == "50000"
    assert len(response.content) <= 50_000
    assert json.loads(response.content)["results"]["bindings"] == []
    many = httpx.get(server.url + "/sparql", params={"query": doubling(8) + " VALUES ?z { 1 2 3 4 5 6 7 8 9 10 "
                                                     "11 12 13 14 15 16 17 18 19 20 }", "format": "csv"})
    assert many.status_code == 200 and many.headers["X-Ecograph-Bytes-Capped"] == "50000"
    rows = many.text.splitlines()[1:]
    assert 0 < len(rows) < 20 and all(len(row) == 2560 for row in rows)
    assert len(many.content) <= 50_000
    small = httpx.get(server.url + "/sparql", params={"query": doubling(3)})
    assert "X-Ecograph-Bytes-Capped" not in small.headers


def test_a_query_past_the_worker_memory_fails_alone(server: LiveServer) -> None:
    pids = set(server.app.state.ecograph.pool.pids)
    response = httpx.get(server.url + "/sparql", params={"query": doubling(24)}, timeout=60)  # 560 MB at peak
    assert response.status_code == 503, response.text[:300]
    assert "memory" in response.text
    assert set(server.app.state.ecograph.pool.pids) != pids  # that worker was replaced
    after = httpx.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert after.status_code == 200


# --- parser limits --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
    "SELECT * WHERE { " + "{ SELECT * WHERE " * 2_000 + "{}" + " }" * 2_000 + " }",
    "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    "SELECT * WHERE { ?s ?p " + "[ ?p " * 5_000 + "1" + " ]" * 5_000 + " }",
    "SELECT * WHERE { ?s ?p " + "( " * 5_000 + "1" + " )" * 5_000 + " }",
    "SELECT * WHERE { ?s " + "(" * 5_000 + "<p>" + ")" * 5_000 + " ?o }",
], ids=["groups", "sub-selects", "parentheses", "blank-nodes", "collections", "paths"])
def test_deep_nesting_is_a_400_and_kills_no_worker(server: LiveServer, query: str) -> None:
    pids = set(server.app.state.ecograph.pool.pids)
    response = httpx.post(server.url + "/sparql", content=query.encode(),
                          headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400, response.text[:300]
    assert "nested" in response.text
    assert set(server.app.state.ecograph.pool.pids) == pids


def test_moderate_nesting_runs(server: LiveServer) -> None:
    query = "SELECT * WHERE " + "{ " * 30 + "?s ?p ?o" + " }" * 30 + " LIMIT 1"
    assert httpx.get(server.url + "/sparql", params={"query": query}).status_code == 200


def test_a_megabyte_of_hostile_text_does_not_stall_the_pages(server: LiveServer) -> None:
    bodies = ["<" * 1_000_000, "SELECT * WHERE { " + "?s " * 330_000 + "}", "'" * 1_000_000]
    stop = threading.Event()
    statuses: list[int] = []

    def attack() -> None:
        with client_from("127.0.0.4") as attacker:
            while not stop.is_set():
                for body in bodies:
                    statuses.append(attacker.post(server.url + "/sparql", content=body.encode(), headers={
                        "Content-Type": "application/sparql-query"}).status_code)

    thread = threading.Thread(target=attack)
    thread.start()
    latencies = []
    try:
        with client_from("127.0.0.5") as visitor:
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                started = time.monotonic()
                assert visitor.get(server.url + "/doc/node/1", headers={"Accept": "text/turtle"}).status_code == 200
                latencies.append(time.monotonic() - started)
    finally:
        stop.set()
        thread.join()
    assert statuses and set(statuses) == {400}, set(statuses)
    assert max(latencies) < 0.5, max(latencies)


# --- smaller findings -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/sparql", "/doc/node/1", "/dumps/", "/.well-known/void", "/ontology"])
def test_head_answers_like_get_without_a_body(server: LiveServer, path: str) -> None:
    get = httpx.get(server.url + path)
    head = httpx.head(server.url + path)
    assert head.status_code == get.status_code != 405
    assert head.content == b""
    assert head.headers.get("content-type") == get.headers.get("content-type")


@pytest.mark.parametrize("key", ["a%20b", "a%00b", "%FF", "%3Cx%3E", "a%22b", "x%7Bb%7D"])
def test_keys_that_are_no_iri_are_not_found(server: LiveServer, key: str) -> None:
    for prefix in ("/doc/org/", "/id/org/", "/ontology/"):
        response = httpx.get(server.url + prefix + key)
        assert response.status_code == 404, (prefix + key, response.status_code, response.text[:200])
