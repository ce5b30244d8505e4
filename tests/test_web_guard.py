"""The guard refuses updates, SERVICE, LOAD and FROM of graphs we do not hold, before any work."""

from __future__ import annotations

import pytest

from ecograph.sparql.guard import Refused, check_query
from ecograph.sparql.lexer import tokenize

HELD = {"http://localhost:8000/graph/curated", "http://localhost:8000/graph/ror"}


@pytest.mark.parametrize("query,form", [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX a: <http://a/> BASE <http://b/> ask { ?s a:p ?o }", "ASK"),
    ("construct where { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x>", "DESCRIBE"),
    ("# SERVICE in a comment\nSELECT ('SERVICE' AS ?x) (\"\"\"LOAD\nDELETE\"\"\" AS ?y) {}", "SELECT"),
    ("PREFIX ex: <http://x/> SELECT ?service WHERE { ?service <http://x/SERVICE> ex:service }", "SELECT"),
    ("SELECT * WHERE { ?s ?p 1. ?s ?q 2.5 }", "SELECT"),
])
def test_accepted(query: str, form: str) -> None:
    assert check_query(query, HELD).form == form


@pytest.mark.parametrize("query", [
    "INSERT DATA { <a> <b> <c> }",
    "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL", "DROP SILENT GRAPH <g>", "LOAD <http://example.org/x>", "CREATE GRAPH <g>",
    "WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * {} ; INSERT DATA { <a> <b> <c> }",
])
def test_updates_refused(query: str) -> None:
    with pytest.raises(Refused) as err:
        check_query(query, HELD)
    assert err.value.status == 403


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://x/> {} }",
    "SELECT * WHERE { ?s ?p ?o . SERVICE ?g { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE<http://x/>{} }",
])
def test_service_refused(query: str) -> None:
    with pytest.raises(Refused) as err:
        check_query(query, HELD)
    assert err.value.status == 403


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://evil/x.ttl> WHERE { ?s ?p ?o }",
    "PREFIX f: <file:///etc/> SELECT * FROM f:passwd WHERE { ?s ?p ?o }",
    "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
])
def test_from_unknown_graph_refused(query: str) -> None:
    with pytest.raises(Refused) as err:
        check_query(query, HELD)
    assert err.value.status == 403


def test_from_held_graph_accepted() -> None:
    checked = check_query(
        "PREFIX g: <http://localhost:8000/graph/> SELECT * FROM g:curated FROM NAMED <ror> WHERE {}",
        HELD, base_iri="http://localhost:8000/graph/")
    assert checked.from_graphs == ["http://localhost:8000/graph/curated"]
    assert checked.from_named == ["http://localhost:8000/graph/ror"]
    assert checked.has_dataset


def test_not_a_query() -> None:
    with pytest.raises(Refused) as err:
        check_query("HELLO", HELD)
    assert err.value.status == 400


def test_tokens() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("SELECT ?x <http://a#b> 'c' # d\n e:f a")]
    assert kinds == [("KEYWORD", "SELECT"), ("VAR", "?x"), ("IRIREF", "<http://a#b>"), ("STRING1", "'c'"),
                     ("PNAME_LN", "e:f"), ("A", "a")]


def test_unterminated_string_is_a_syntax_error() -> None:
    with pytest.raises(Refused) as err:
        check_query("SELECT * WHERE { ?s ?p 'unterminated SERVICE <http://x/> {} }", HELD)
    assert err.value.status == 400
