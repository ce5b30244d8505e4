"""The endpoint cannot be abused: read-only, no outbound requests, bounded time, rows, bodies, load."""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from hostile import Listener
from w3c.support import BASE, LiveServer, build_store, serving

from ecograph.web.endpoint.workers import Job, Overloaded, QueryPool

P = f"{BASE}/id/prop/p"
Q = f"{BASE}/id/prop/q"
GRAPH = f"{BASE}/graph/curated"
NODES = 3000


def big_graph() -> list[ox.Quad]:
    """A few thousand nodes in one strongly connected component: closures explode."""
    rng = random.Random(7)
    node = [ox.NamedNode(f"{BASE}/id/node/{i}") for i in range(NODES)]
    g = ox.NamedNode(GRAPH)
    quads = [ox.Quad(node[i], ox.NamedNode(P), node[(i + 1) % NODES], g) for i in range(NODES)]
    quads += [ox.Quad(node[rng.randrange(NODES)], ox.NamedNode(Q), node[rng.randrange(NODES)], g)
              for _ in range(NODES * 2)]
    return quads


TRIPLES = len(set(big_graph()))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving(tmp_path_factory, "abuse", big_graph(), query_timeout=2.0, max_rows=500, max_body=20_000,
                 workers=2, max_concurrent=3) as live:
        yield live


def get(live: LiveServer, query: str, **params: str) -> httpx.Response:
    return httpx.get(live.url + "/sparql", params={"query": query, **params}, timeout=30)


def client_from(address: str) -> httpx.Client:
    """An HTTP client whose connections come from ``address`` (Linux routes all of 127/8 to lo)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=30)


# --- read-only ------------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP GRAPH <http://localhost:8000/graph/curated>",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "PREFIX x: <http://x/> WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_update_refused_every_way(server: LiveServer, update: str) -> None:
    attempts = [
        httpx.post(server.url + "/sparql", content=update.encode(),
                   headers={"Content-Type": "application/sparql-update"}),
        httpx.post(server.url + "/sparql", data={"update": update}),
        httpx.get(server.url + "/sparql", params={"update": update}),
        httpx.post(server.url + "/sparql", data={"query": update}),
        httpx.post(server.url + "/sparql", content=update.encode(),
                   headers={"Content-Type": "application/sparql-query"}),
        httpx.get(server.url + "/sparql", params={"query": update}),
    ]
    for response in attempts:
        assert 400 <= response.status_code < 500, (response.status_code, response.text)
        assert "read-only" in response.text or "Syntax" in response.text
    count = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", format="csv")
    assert count.text.splitlines()[1] == str(TRIPLES)


# --- no outbound requests -------------------------------------------------------------------------


def test_service_refused_and_no_connection_arrives(server: LiveServer) -> None:
    listener = Listener()
    url = f"http://127.0.0.1:{listener.port}/sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SeRvIcE # comment\n <{url}> {{ ?s ?p ?x }} }} }} LIMIT 1",
        f"PREFIX r: <http://127.0.0.1:{listener.port}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
    ]
    try:
        for query in queries:
            for response in (
                get(server, query),
                httpx.post(server.url + "/sparql", data={"query": query}),
                httpx.post(server.url + "/sparql", content=query.encode(),
                           headers={"Content-Type": "application/sparql-query"}),
            ):
                assert response.status_code == 403, (query, response.text)
                assert "SERVICE" in response.text
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()


def test_service_inside_strings_and_iris_is_not_a_keyword(server: LiveServer) -> None:
    response = get(server, 'SELECT ("SERVICE" AS ?x) ?y WHERE { BIND(<http://x/SERVICE> AS ?y) }')
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("clause", ["FROM <file:///etc/passwd>", "FROM NAMED <file:///etc/passwd>",
                                    "FROM <http://127.0.0.1:9/remote.ttl>", "FROM <passwd>"])
def test_from_graphs_we_do_not_hold_are_refused(server: LiveServer, clause: str) -> None:
    response = get(server, f"SELECT * {clause} WHERE {{ ?s ?p ?o }}")
    assert response.status_code == 403, response.text
    assert "root:" not in response.text


def test_from_a_graph_we_hold_works(server: LiveServer) -> None:
    response = get(server, f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}", format="csv")
    assert response.status_code == 200
    assert response.text.splitlines()[1] == str(TRIPLES)
    response = get(server, "SELECT (COUNT(*) AS ?n) FROM NAMED <" + GRAPH + "> WHERE { ?s ?p ?o }",
                   format="csv")
    assert response.text.splitlines()[1] == "0"  # FROM NAMED alone: the default graph is empty


# --- runaway queries ------------------------------------------------------------------------------

CLOSURE = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s (<{P}>|!<{P}>)* ?o }}"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.parametrize("query", [CLOSURE, CARTESIAN], ids=["closure", "cartesian"])
def test_runaway_query_is_killed_and_others_are_served(server: LiveServer, query: str) -> None:
    timeout = server.settings.query_timeout
    state = server.app.state.ecograph
    pids_before = set(state.pool.pids)
    result: dict[str, object] = {}

    def runaway() -> None:
        started = time.monotonic()
        response = get(server, query)
        result["status"] = response.status_code
        result["text"] = response.text
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    latencies = []
    other = client_from("127.0.0.2")  # another client: the runaway's owner may hold only half the workers
    while thread.is_alive():
        started = time.monotonic()
        assert other.get(server.url + "/doc/node/1", headers={"Accept": "text/turtle"}).status_code == 200
        ask = other.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert ask.status_code == 200  # the other worker, or the cache
        latencies.append(time.monotonic() - started)
        time.sleep(0.05)
    thread.join()
    assert result["status"] == 503, result
    assert "time limit" in str(result["text"])
    assert float(result["elapsed"]) <= timeout + 1.0  # type: ignore[arg-type]
    assert latencies and max(latencies) < 1.0, latencies
    killed = pids_before - set(state.pool.pids)
    assert killed, "the worker that ran the query was replaced"
    deadline = time.monotonic() + 5
    while len(state.pool.pids) < state.pool.size and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(state.pool.pids) == state.pool.size
    for pid in killed:
        with pytest.raises(ProcessLookupError):
            import os

            os.kill(pid, 0)
    fresh = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # fresh", format="csv")
    assert fresh.status_code == 200


def test_rows_are_capped(server: LiveServer) -> None:
    response = get(server, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", format="csv")
    assert response.status_code == 200
    assert len(response.text.splitlines()) == 1 + server.settings.max_rows
    assert response.headers["X-Ecograph-Rows-Capped"] == str(server.settings.max_rows)
    graph = get(server, "CONSTRUCT { ?a ?b ?c } WHERE { ?a ?b ?c }", format="nt")
    assert len(graph.text.splitlines()) == server.settings.max_rows


# --- bodies and load --------------------------------------------------------------------------------


def test_oversized_body_is_refused(server: LiveServer) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * server.settings.max_body
    response = httpx.post(server.url + "/sparql", content=big.encode(),
                          headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    response = httpx.post(server.url + "/sparql", data={"query": big})
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while reading
        for _ in range(10):
            yield b"#" + b"y" * (server.settings.max_body // 5)

    response = httpx.post(server.url + "/sparql", content=chunks(),
                          headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413


def test_concurrent_queries_per_client_are_limited(server: LiveServer) -> None:
    limit = server.settings.per_client
    responses: list[httpx.Response] = []

    def slow(i: int) -> None:
        responses.append(get(server, f"{CARTESIAN} # {i}"))

    threads = [threading.Thread(target=slow, args=(i,)) for i in range(limit + 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in responses)
    assert 429 in statuses, statuses
    for r in responses:
        if r.status_code == 429:
            assert int(r.headers["Retry-After"]) >= 1


def test_overloaded_pool_answers_overloaded(tmp_path: Path) -> None:
    root = tmp_path / "store"
    build_store(root, b"")

    async def scenario() -> None:
        pool = QueryPool(root, 1, max_waiting=0)
        await pool.start()
        try:
            with pytest.raises(Overloaded):
                await pool.run(Job("ASK {}", "ASK", "application/sparql-results+json", 10), 5)
        finally:
            await pool.close()

    # in a thread of its own: a session-wide Playwright (sync API) may hold this thread's event loop
    with concurrent.futures.ThreadPoolExecutor(1) as executor:
        executor.submit(asyncio.run, scenario()).result()
