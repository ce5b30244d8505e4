"""Linked Open Data: /id → 303 → /doc with content negotiation, the ontology, home and API docs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from w3c.support import BASE, LiveServer, serving

REPO = Path(__file__).resolve().parents[1]
N = ox.NamedNode
ECO = "https://w3id.org/ecograph/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SOURCE = "http://purl.org/dc/terms/source"
IMEC = f"{BASE}/id/org/imec"
KUL = f"{BASE}/id/org/ku_leuven"


def sample_quads() -> list[ox.Quad]:
    curated, ror, inferred = (N(f"{BASE}/graph/{g}") for g in ("curated", "ror", "inferred"))
    ontology = N(f"{BASE}/graph/ontology")
    quads = [ox.Quad(q.subject, q.predicate, q.object, ontology)
             for q in ox.parse(path=str(REPO / "ontology" / "ecograph.ttl"))]
    quads += [
        ox.Quad(N(IMEC), N(LABEL), ox.Literal("imec <script>alert(1)</script>"), curated),
        ox.Quad(N(IMEC), N(TYPE), N(ECO + "ResearchCentre"), curated),
        ox.Quad(N(IMEC), N(TYPE), N(ECO + "ResearchCentre"), ror),
        ox.Quad(N(IMEC), N(ECO + "ror"), N("https://ror.org/02kcbn207"), ror),
        ox.Quad(N(IMEC), N(SOURCE), N("https://www.imec-int.com/en/about-us"), curated),
        ox.Quad(N(IMEC), N(ECO + "locatedIn"), N(f"{BASE}/id/municipality/24062"), curated),
        ox.Quad(N(f"{BASE}/id/municipality/24062"), N("http://www.w3.org/2004/02/skos/core#prefLabel"),
                ox.Literal("Leuven", language="nl"), curated),
        ox.Quad(N(KUL), N(LABEL), ox.Literal("KU Leuven"), curated),
        ox.Quad(N(KUL), N(ECO + "partnerOf"), N(IMEC), curated),
        ox.Quad(N(IMEC), N(ECO + "partnerOf"), N(KUL), inferred),
        ox.Quad(N(f"{BASE}/id/capability/imec.medtech.research"), N(TYPE), N(ECO + "Capability"), curated),
    ]
    return quads


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving(tmp_path_factory, "lod", sample_quads()) as live:
        yield live


def test_entity_iri_redirects_303_to_its_document(server: LiveServer) -> None:
    r = httpx.get(server.url + "/id/org/imec", headers={"Accept": "text/turtle"})
    assert r.status_code == 303
    assert r.headers["location"] == "/doc/org/imec"
    followed = httpx.get(server.url + "/id/org/imec", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert followed.status_code == 200 and followed.headers["content-type"].startswith("text/turtle")


def test_keys_with_dots(server: LiveServer) -> None:
    r = httpx.get(server.url + "/id/capability/imec.medtech.research")
    assert r.status_code == 303 and r.headers["location"] == "/doc/capability/imec.medtech.research"
    doc = httpx.get(server.url + "/doc/capability/imec.medtech.research.nt")
    assert doc.status_code == 200 and "Capability" in doc.text


def test_unknown_iri_is_404(server: LiveServer) -> None:
    assert httpx.get(server.url + "/id/org/nope").status_code == 404
    assert httpx.get(server.url + "/doc/org/nope").status_code == 404
    assert httpx.get(server.url + "/doc/org/nope.ttl").status_code == 404


@pytest.mark.parametrize("accept,ctype,fmt", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_document_conneg(server: LiveServer, accept: str, ctype: str, fmt: str) -> None:
    r = httpx.get(server.url + "/doc/org/imec", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(ctype)
    assert "Accept" in r.headers["vary"]
    graph = Graph().parse(data=r.content, format=fmt)
    assert (URIRef(IMEC), URIRef(ECO + "ror"), URIRef("https://ror.org/02kcbn207")) in graph
    assert len(graph) == 6  # the type seen in two graphs counts once


@pytest.mark.parametrize("ext,fmt", [("ttl", "turtle"), ("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")])
def test_document_by_extension(server: LiveServer, ext: str, fmt: str) -> None:
    r = httpx.get(server.url + f"/doc/org/imec.{ext}", headers={"Accept": "text/html"})
    assert r.status_code == 200
    graph = Graph().parse(data=r.content, format=fmt)
    assert (URIRef(IMEC), URIRef(LABEL), Literal("imec <script>alert(1)</script>")) in graph


def test_html_page_shows_labels_facts_sources_and_links(server: LiveServer) -> None:
    r = httpx.get(server.url + "/doc/org/imec", headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<script>alert(1)</script>" not in html  # escaped
    assert "imec &lt;script&gt;" in html
    assert "Research centre" in html or "ResearchCentre" in html
    assert 'href="/doc/municipality/24062"' in html and "Leuven" in html
    assert "curated" in html and "ror" in html and "inferred" in html
    assert "CC BY 4.0" in html and "CC0" in html  # licences of the sources
    assert "https://www.imec-int.com/en/about-us" in html
    assert 'href="/doc/org/ku_leuven"' in html  # referenced by
    assert "/static/style.css" in html and "cdn" not in html.lower()


def test_ontology_dereferences(server: LiveServer) -> None:
    html = httpx.get(server.url + "/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and 'id="Capability"' in html.text
    ttl = httpx.get(server.url + "/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=ttl.text, format="turtle")
    assert (URIRef("https://w3id.org/ecograph/ontology"), None, None) in graph
    assert (URIRef(ECO + "Capability"), None, None) in graph
    assert httpx.get(server.url + "/ontology.ttl").headers["content-type"].startswith("text/turtle")
    term = httpx.get(server.url + "/ontology/Capability", headers={"Accept": "text/html"})
    assert term.status_code == 303 and term.headers["location"] == "/ontology#Capability"
    term = httpx.get(server.url + "/ontology/Capability", headers={"Accept": "text/turtle"})
    assert term.status_code == 303 and term.headers["location"] == "/ontology.ttl"
    assert httpx.get(server.url + "/ontology/NoSuchTerm").status_code == 404


def test_home_page_and_api_docs(server: LiveServer) -> None:
    home = httpx.get(server.url + "/")
    assert home.status_code == 200 and 'href="/sparql' in home.text
    # the home page links every way into the data
    for link in ("/sparql", "/dumps/", "/.well-known/void", "/catalog", "/docs", "/ontology"):
        assert f'href="{link}"' in home.text, link
    docs = httpx.get(server.url + "/docs")
    assert docs.status_code == 200 and "/sparql" in docs.text and "cdn" not in docs.text.lower()
    spec = httpx.get(server.url + "/openapi.json").json()
    assert "/sparql" in spec["paths"] and "/id/{kind}/{key}" in spec["paths"]
    assert httpx.get(server.url + "/static/style.css").status_code == 200
