"""The SPARQL endpoint with real clients (SPARQLWrapper, rdflib's SPARQLStore) and protocol details."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from w3c.support import BASE, LiveServer, live_server, serving, settings_for

N = ox.NamedNode
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ECO = "https://w3id.org/ecograph/ontology#"
CURATED = f"{BASE}/graph/curated"
ROR = f"{BASE}/graph/ror"
SELECT = f"SELECT ?org ?label WHERE {{ ?org <{LABEL}> ?label }} ORDER BY ?label"
CONSTRUCT = f"CONSTRUCT {{ ?org <{LABEL}> ?label }} WHERE {{ ?org <{LABEL}> ?label }}"


def quads() -> list[ox.Quad]:
    imec, kul = N(f"{BASE}/id/org/imec"), N(f"{BASE}/id/org/ku_leuven")
    return [
        ox.Quad(imec, N(LABEL), ox.Literal("imec"), N(CURATED)),
        ox.Quad(imec, N(TYPE), N(ECO + "ResearchCentre"), N(CURATED)),
        ox.Quad(kul, N(LABEL), ox.Literal("KU Leuven, \"the\" university", language="en"), N(CURATED)),
        ox.Quad(kul, N(TYPE), N(ECO + "University"), N(ROR)),
        ox.Quad(kul, N(ECO + "partnerOf"), imec, N(CURATED)),
    ]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving(tmp_path_factory, "sparql", quads()) as live:
        yield live


def endpoint(server: LiveServer) -> str:
    return server.url + "/sparql"


# --- SPARQLWrapper --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select(server: LiveServer, fmt: str, method: str) -> None:
    client = SPARQLWrapper(endpoint(server))
    client.setMethod(method)
    client.setQuery(SELECT)
    client.setReturnFormat(fmt)
    result = client.query().convert()
    if fmt == JSON:
        labels = [b["label"]["value"] for b in result["results"]["bindings"]]
        assert result["results"]["bindings"][0]["label"]["xml:lang"] == "en"
    elif fmt == XML:
        labels = [n.firstChild.data for n in result.getElementsByTagName("literal")]
    elif fmt == CSV:
        labels = [row["label"] for row in csv.DictReader(io.StringIO(result.decode()))]
    else:
        rows = result.decode().splitlines()
        assert rows[0] == "?org\t?label"
        labels = [row.split("\t")[1] for row in rows[1:]]
        assert labels[0] == '"KU Leuven, \\"the\\" university"@en'
        return
    assert labels == ['KU Leuven, "the" university', "imec"]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(server: LiveServer, fmt: str) -> None:
    client = SPARQLWrapper(endpoint(server))
    client.setQuery(f"ASK {{ ?s <{LABEL}> 'imec' }}")
    client.setReturnFormat(fmt)
    result = client.query().convert()
    value = result["boolean"] if fmt == JSON else result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert value is True


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, XML, JSONLD])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_sparqlwrapper_graph(server: LiveServer, fmt: str, form: str) -> None:
    client = SPARQLWrapper(endpoint(server))
    client.setQuery(CONSTRUCT if form == "CONSTRUCT" else f"DESCRIBE <{BASE}/id/org/imec>")
    client.setReturnFormat(fmt)
    result = client.query().convert()
    graph = result if isinstance(result, Graph) else Graph().parse(
        data=result, format={TURTLE: "turtle", N3: "turtle", JSONLD: "json-ld"}.get(fmt, "xml"))
    assert (URIRef(f"{BASE}/id/org/imec"), URIRef(LABEL), Literal("imec")) in graph


# --- rdflib SPARQLStore ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xml", "json", "csv", "tsv"])
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(server: LiveServer, fmt: str, method: str) -> None:
    store = SPARQLStore(endpoint(server), returnFormat=fmt, method=method)
    graph = Graph(store=store)
    rows = list(graph.query(SELECT))
    assert [str(r[1]) for r in rows] == ['KU Leuven, "the" university', "imec"]
    if fmt in ("xml", "json"):  # the CSV and TSV results formats have no boolean form
        assert graph.query(f"ASK {{ ?s <{LABEL}> 'imec' }}").askAnswer is True
    store.close()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_rdflib_sparqlstore_construct_and_triples(server: LiveServer, fmt: str) -> None:
    store = SPARQLStore(endpoint(server), returnFormat=fmt)
    graph = Graph(store=store)
    constructed = graph.query(CONSTRUCT).graph
    assert constructed is not None and len(constructed) == 2
    assert (URIRef(f"{BASE}/id/org/imec"), URIRef(LABEL), Literal("imec")) in graph
    assert len(list(graph.triples((None, URIRef(LABEL), None)))) == 2
    store.close()


# --- protocol details -----------------------------------------------------------------------------


@pytest.mark.parametrize("accept,ctype", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.8", "application/sparql-results+xml"),
])
def test_select_conneg(server: LiveServer, accept: str, ctype: str) -> None:
    r = httpx.get(endpoint(server), params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    assert "Accept" in r.headers["vary"]


@pytest.mark.parametrize("accept,ctype", [
    ("text/turtle", "text/turtle"), ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"), ("application/ld+json", "application/ld+json"),
    ("application/trig", "application/trig"), ("application/n-quads", "application/n-quads"),
])
def test_construct_conneg(server: LiveServer, accept: str, ctype: str) -> None:
    r = httpx.get(endpoint(server), params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    fmt = ox.RdfFormat.from_media_type(ctype)
    assert fmt is not None
    assert len(list(ox.parse(r.content, format=fmt))) == 2


def test_format_parameter_overrides_accept(server: LiveServer) -> None:
    r = httpx.get(endpoint(server), params={"query": SELECT, "format": "csv"},
                  headers={"Accept": "application/sparql-results+json"})
    assert r.headers["content-type"].startswith("text/csv")
    r = httpx.get(endpoint(server), params={"query": CONSTRUCT, "format": "jsonld"})
    assert r.headers["content-type"].startswith("application/ld+json")
    r = httpx.get(endpoint(server), params={"query": SELECT, "format": "ttl"})
    assert r.status_code == 400 and "format=ttl" in r.text


def test_not_acceptable(server: LiveServer) -> None:
    r = httpx.get(endpoint(server), params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


def test_errors_are_readable(server: LiveServer) -> None:
    cases = [
        httpx.get(endpoint(server), params={"query": "SELECT * WHERE { ?s ?p "}),
        httpx.get(endpoint(server) + "?query=ASK%20%7B%7D&query=ASK%20%7B%7D"),
        httpx.post(endpoint(server), content=b"ASK {}", headers={"Content-Type": "text/plain"}),
        httpx.post(endpoint(server), content="ASK {}".encode("utf-16"),
                   headers={"Content-Type": "application/sparql-query; charset=UTF-16"}),
        httpx.post(endpoint(server), content=b"ASK { ?s ?p '\xff' }",
                   headers={"Content-Type": "application/sparql-query"}),
        httpx.get(endpoint(server) + "?query=ASK%20%7B%3Fs%20%3Fp%20%27%FF%27%7D"),
        httpx.put(endpoint(server), params={"query": "ASK {}"}),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, response
        assert response.headers["content-type"].startswith(("text/plain", "application/json"))
        assert len(response.text.strip()) > 10


def test_cors(server: LiveServer) -> None:
    r = httpx.get(endpoint(server), params={"query": SELECT}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = httpx.options(endpoint(server), headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 200
    assert "POST" in pre.headers["access-control-allow-methods"]


def test_protocol_dataset_and_union_default_graph(server: LiveServer) -> None:
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{TYPE}> ?t }}"
    union = httpx.get(endpoint(server), params={"query": count, "format": "csv"})
    assert union.text.splitlines()[1] == "2"
    only_ror = httpx.get(endpoint(server), params={"query": count, "format": "csv", "default-graph-uri": ROR})
    assert only_ror.text.splitlines()[1] == "1"
    named = httpx.get(endpoint(server), params={
        "query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", "format": "csv",
        "named-graph-uri": CURATED})
    assert named.text.splitlines()[1:] == [CURATED]


def test_results_are_cached(server: LiveServer) -> None:
    state = server.app.state.ecograph
    query = SELECT + " # cache test"
    first = httpx.get(endpoint(server), params={"query": query})
    pool, state.pool = state.pool, None  # a cache hit never needs a worker
    try:
        second = httpx.get(endpoint(server), params={"query": query})
    finally:
        state.pool = pool
    assert second.status_code == 200 and second.content == first.content


def test_service_description_html_form_for_browsers(server: LiveServer) -> None:
    r = httpx.get(endpoint(server), headers={"Accept": "text/html"})
    assert r.status_code == 200 and "<form" in r.text
    assert CURATED in r.text


def test_app_starts_without_a_store(tmp_path: Path) -> None:
    with live_server(settings_for(tmp_path / "nothing")) as live:
        home = httpx.get(live.url + "/")
        assert home.status_code == 503 and "ecograph build" in home.text
        r = httpx.get(live.url + "/sparql", params={"query": "ASK {}"})
        assert r.status_code == 503 and "ecograph build" in r.text
        assert r.headers["retry-after"] == "60"  # each route answers "not built" in its own voice (web.errors)
        doc = httpx.get(live.url + "/id/org/imec")
        assert doc.status_code == 503 and doc.headers["content-type"].startswith("text/plain")
        assert "retry-after" not in doc.headers and doc.text.endswith("ecograph build` first\n")
        assert home.headers["content-type"].startswith("text/html")
        data = httpx.get(live.url + "/network/data.json")
        assert data.status_code == 503 and "ecograph build" in data.json()["error"]
        refused = httpx.get(live.url + "/sparql", params={"query": "ASK {}", "update": "x"})
        assert refused.status_code == 403 and "Accept" in refused.headers["vary"]
        assert httpx.get(live.url + "/openapi.json").status_code == 200
