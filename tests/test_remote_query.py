"""How the remote store sends a query: bound variables become VALUES blocks, with the engine's meaning.

No server here: the rewritten text is run by pyoxigraph itself and compared with pyoxigraph's
own substitutions, for every saved query and for hand-made corner cases.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from ecograph.questions.catalogue import bind_params, load_catalogue, query_base, to_result
from ecograph.sparql.values import bind_values, query_form
from ecograph.store.embedded import run_query
from ecograph.store.remote import prepare

try:
    from .queries_fixtures import BASE, fixture_store
except ImportError:  # tests/ is not a package
    from queries_fixtures import BASE, fixture_store  # type: ignore[no-redef]

CATALOGUE = load_catalogue()
A, B = ox.NamedNode("http://a"), ox.NamedNode("http://b")
P = ox.NamedNode("http://p")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return fixture_store("inferred")


def _both(store: ox.Store, text: str, bindings: dict[str, Any], base_iri: str | None = None) -> tuple[Any, Any]:
    engine = to_result(run_query(store, text, substitutions=bindings, base_iri=base_iri), hide=frozenset(bindings))
    sent = prepare(text, substitutions=bindings, base_iri=base_iri)
    rewritten = to_result(run_query(store, sent), hide=frozenset(bindings))
    return engine, rewritten


# defaults, except organisation-profile's (it names a real organisation the fixture lacks)
WITH_PARAMS = [name for name in sorted(CATALOGUE) if CATALOGUE[name].params and name != "organisation-profile"]
PARAM_CASES = [(name, {}) for name in WITH_PARAMS] + [
    ("value-chain-coverage", {"region": "vlaams-brabant"}),
    ("value-chain-coverage", {"region": "24107,24020"}),
    ("triple-helix-balance", {"region": "24107,24020"}),
    ("organisation-profile", {"organisation": "softco"}),
]


@pytest.mark.parametrize(("name", "params"), PARAM_CASES, ids=[f"{n}{'-' + '-'.join(p.values()) if p else ''}"
                                                              for n, p in PARAM_CASES])
def test_values_blocks_mean_what_engine_substitutions_mean(store: ox.Store, name: str, params: dict[str, str]) -> None:
    query = CATALOGUE[name]
    bindings = bind_params(store, query, params, BASE)
    engine, rewritten = _both(store, query.text, bindings, query_base(BASE))
    assert engine.kind == rewritten.kind
    assert sorted(map(repr, engine.values())) == sorted(map(repr, rewritten.values()))
    assert engine.rows, f"{name}: the comparison needs a non-empty answer"


def test_binding_reaches_sub_queries_and_union_branches() -> None:
    s = ox.Store()
    s.add(ox.Quad(A, P, B))
    s.add(ox.Quad(B, P, A))
    # a trailing VALUES would join after the grouping and lose the zero row; the filter in the
    # UNION branch would see ?x unbound
    text = """SELECT ?x ?n WHERE {
      OPTIONAL { SELECT ?x (COUNT(*) AS ?n) WHERE { { ?x <http://p> ?o } UNION { ?o <http://p> ?s FILTER(?s = ?x) } }
                 GROUP BY ?x } }"""
    for value in (A, ox.NamedNode("http://nothing")):
        engine, rewritten = _both(s, text, {"x": value})
        assert engine.values() == rewritten.values()


def test_only_group_patterns_get_values() -> None:
    text = (
        'CONSTRUCT { ?x <http://p> "{ ?x }" } WHERE { # a comment with { braces ?x }\n'
        ' VALUES ?y { 1 2 } ?x <http://p> ?y . FILTER NOT EXISTS { ?x <http://q> ?z } }'
    )
    sent = bind_values(text, {"x": A})
    assert sent.startswith('CONSTRUCT { ?x <http://p> "{ ?x }" } WHERE { VALUES ?x { <http://a> }')
    assert "VALUES ?y { 1 2 }" in sent  # the data block is left alone
    assert "NOT EXISTS { VALUES ?x { <http://a> } ?x <http://q> ?z }" in sent
    assert sent.count("VALUES ?x") == 2
    # a sub-select's own braces cannot hold VALUES; its WHERE group gets them
    sub = bind_values("SELECT * { { SELECT ?x WHERE { ?x ?p ?o } } }", {"x": A})
    assert sub == "SELECT * { VALUES ?x { <http://a> } { SELECT ?x WHERE { VALUES ?x { <http://a> } ?x ?p ?o } } }"


def test_terms_are_written_by_pyoxigraph_and_blank_nodes_refused() -> None:
    tricky = ox.Literal('a "quoted" } value\nwith { braces', language="en")
    sent = bind_values("SELECT ?s ?v { ?s ?p ?v }", {"v": tricky})
    s = ox.Store()
    s.add(ox.Quad(A, P, tricky))
    assert [r["s"] for r in s.query(sent, use_default_graph_as_union=True)] == [A]
    with pytest.raises(ValueError, match="only IRIs and literals"):
        bind_values("SELECT ?v { ?s ?p ?v }", {"v": ox.BlankNode()})


def test_base_and_form() -> None:
    sent = prepare("ASK { <id/x> ?p ?o }", base_iri="http://ecograph.test/")
    assert sent.startswith("BASE <http://ecograph.test/>\n")
    assert query_form("PREFIX select: <http://x#> # SELECT\nCONSTRUCT WHERE { ?s select:ASK ?o }") == "CONSTRUCT"
    with pytest.raises(SyntaxError):
        query_form("INSERT DATA { <a> <b> <c> }")
