"""The SPARQL reader: canonical text means what the client's text means, IRIs resolve as RFC 3986 says."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.sparql.cursor import resolve_iri
from ecograph.sparql.parser import QuerySyntaxError, parse_query

ROOT = Path(__file__).resolve().parents[1]
SAVED = sorted((ROOT / "queries").glob("*.rq")) + sorted((ROOT / "ontology" / "checks").glob("*.rq"))
BASE = "http://localhost:8000/"
N = ox.NamedNode


def store() -> ox.Store:
    s = ox.Store()
    skos = "http://www.w3.org/2004/02/skos/core#"
    s.add(ox.Quad(N(BASE + "id/sector/a"), N(skos + "broader"), N(BASE + "id/sector/b")))
    s.add(ox.Quad(N(BASE + "id/sector/a"), N(skos + "prefLabel"), ox.Literal("a\"b\n'c", language="en")))
    s.add(ox.Quad(N("http://e/x%41"), N("http://e/p"), ox.Literal("1", datatype=N("http://e/int"))))
    return s


@pytest.mark.parametrize("path", SAVED, ids=lambda p: p.stem)
def test_saved_queries_parse_and_mean_the_same(path: Path) -> None:
    text = path.read_text()
    canonical = parse_query(text, base_iri=BASE).canonical()
    s = store()
    assert list(map(str, s.query(text, base_iri=BASE))) == list(map(str, s.query(canonical, base_iri=BASE)))


@pytest.mark.parametrize("query", [
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE { ?s skos:broader* ?o ; skos:prefLabel ?l }",
    "BASE <http://localhost:8000/id/> PREFIX s: <sector/> SELECT * WHERE { s:a ?p ?o }",
    r"PREFIX e: <http://e/> SELECT * WHERE { e:x\%41 ?p ?o } # comment with SERVICE",
    r"""SELECT ?x WHERE { ?s ?p ?o FILTER(?o = 'a\"b\n\'c'@en) BIND('''x''y''' AS ?x) }""",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(STRLEN(STR(?o)) > -1 && ?o != +2.5e0) } GROUP BY ?s",
    "ASK { ?s ?p [] } ",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE <http://e/x%41>",
])
def test_canonical_text_gives_the_same_answer(query: str) -> None:
    s = store()
    canonical = parse_query(query, base_iri=BASE).canonical()
    assert "#" not in canonical.replace("core#", "")  # comments are gone
    first = s.query(query, base_iri=BASE)
    second = s.query(canonical, base_iri=BASE)
    if isinstance(first, ox.QueryBoolean):
        assert bool(first) == bool(second)
    else:
        assert sorted(map(str, first)) == sorted(map(str, second))


def test_resolution_keeps_empty_fragments() -> None:
    assert resolve_iri(BASE, "http://www.w3.org/2004/02/skos/core#") == "http://www.w3.org/2004/02/skos/core#"
    assert resolve_iri(BASE, "core#") == BASE + "core#"
    assert resolve_iri(BASE, "../x") == "http://localhost:8000/x"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o", "SELECT * WHERE { ?s ?p }", "SELECT WHERE { }", "SELECT * { } LIMIT -1",
    "SELECT * { FILTER(STR(?a, ?b)) }", "SELECT * { ?s ?p ?o } ORDER ?s", "SELECT * { x:y ?p ?o }",
    "SELECT * { BIND(1 AS ?x) } EXTRA", "SELECT * { ?s ?p ?o . . }", r"SELECT * { ?s ?p \u00 }",
])
def test_what_is_not_a_query_is_refused(query: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse_query(query)
