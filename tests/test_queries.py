"""The saved-query catalogue: headers, parameter binding and checks, result formats, the CLI."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from builds import publish_fixture

from ecograph.cli import queries as cli_queries
from ecograph.questions.catalogue import (
    QUERIES_DIR,
    QueryError,
    get_query,
    load_catalogue,
    load_query,
    parse_header,
    run_saved,
    run_sparql,
)
from ecograph.settings import get_settings
from ecograph.sparql.results import FORMATS, render, short_iri

try:
    from .queries_fixtures import BASE, fixture_store
except ImportError:  # tests/ is not a package
    from queries_fixtures import BASE, fixture_store  # type: ignore[no-redef]

CATALOGUE = load_catalogue()
QUESTIONS = {
    "value-chain-coverage", "megatrend-coverage", "broken-chains", "research-without-production",
    "single-points-of-failure", "room-outside-leuven", "spin-offs-that-left",
    "unanswered-megatrends", "cross-cluster-bridges", "bridge-pairs", "triple-helix-balance",
    "collaboration-gaps", "organisation-profile", "data-coverage",
}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return fixture_store("inferred")


# --- catalogue ------------------------------------------------------------------------------------


def test_catalogue_holds_every_question() -> None:
    assert set(CATALOGUE) >= QUESTIONS


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_query_is_documented_parsed_and_run(name: str, store: ox.Store) -> None:
    q = CATALOGUE[name]
    assert q.summary and q.summary != name
    assert len(q.description) > 150, "a paragraph on how to read the answer"
    assert q.tags
    assert "ORDER BY" in q.text
    for p in q.params:
        assert (p.default is not None or p.optional) and p.description
    params = {"organisation": "softco"} if name == "organisation-profile" else {}
    result = run_saved(store, q, params, base=BASE)
    assert result.kind == "select" and result.rows
    # parameters are projected only so that the engine can bind them; they are not shown
    assert not {p.name for p in q.params} & set(result.variables)
    # a label column for every IRI column that names a thing (readable results)
    for var in result.variables:
        if any(isinstance(row[result.variables.index(var)], ox.NamedNode) for row in result.rows):
            assert f"{var}Label" in result.variables or var in {"property", "value", "graph", "firstMissing"}


def test_region_parameter_everywhere_it_matters() -> None:
    for name in QUESTIONS - {"organisation-profile", "data-coverage"}:
        params = {p.name: p for p in CATALOGUE[name].params}
        assert params["region"].type == "region"
        assert params["region"].default == "region/arrondissement-leuven"


def test_header_parser() -> None:
    header = parse_header(
        "#+ summary: One line\n"
        "#+ description: >\n"
        "#+   folded\n"
        "#+   text\n"
        "#+ tags: [a, 'b c']\n"
        "#+ params:\n"
        "#+   n:\n"
        "#+     type: integer\n"
        "#+ defaults:\n"
        "#+   - n: 3\n"
        "SELECT * WHERE { ?s ?p ?o }\n"
    )
    assert header == {
        "summary": "One line",
        "description": "folded text",
        "tags": ["a", "b c"],
        "params": {"n": {"type": "integer"}},
        "defaults": [{"n": "3"}],
    }


def test_bad_headers_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ params:\n#+   x:\n#+     type: float\nSELECT ?x WHERE {}\n")
    with pytest.raises(QueryError, match="unknown type 'float'"):
        load_query(bad)
    bad.write_text("#+ params:\n#+   y:\n#+     type: literal\nSELECT ?x WHERE {}\n")
    with pytest.raises(QueryError, match="'y' is not a variable"):
        load_query(bad)
    bad.write_text("# a query\n#+ summary: fine\n#+ tags: [a, b\n#+ params:\nSELECT ?x WHERE {}\n")
    with pytest.raises(QueryError, match=r"^bad\.rq:[34]: header not understood"):
        load_query(bad)
    bad.write_text("#+ summary: x\n#+ params:\n#+   x:\n#+     type: float\nSELECT ?x WHERE {}\n")
    with pytest.raises(QueryError, match=r"^bad\.rq:3: parameter 'x' has unknown type 'float'"):
        load_query(bad)
    with pytest.raises(QueryError, match="no saved query named 'nope'"):
        get_query("nope")
    with pytest.raises(QueryError, match="no saved query"):
        get_query("../etc/passwd")


# --- parameters -----------------------------------------------------------------------------------


def _one(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "q.rq"
    path.write_text(text)
    return load_query(path)


def test_integer_and_literal_params_are_bound_by_the_engine(tmp_path: Path, store: ox.Store) -> None:
    q = _one(
        tmp_path,
        "#+ summary: s\n#+ params:\n#+   n:\n#+     type: integer\n#+   word:\n#+     type: literal\n"
        "#+ defaults:\n#+   - n: 2\n"
        'SELECT ?n ?word ?twice WHERE { BIND(?n * 2 AS ?twice) } ORDER BY ?twice\n',
    )
    r = run_saved(store, q, {"word": 'x" } DELETE {'}, base=BASE)
    assert r.values() == [(4,)]
    r = run_saved(store, q, {"n": " 5 ", "word": "y"}, base=BASE)
    assert r.values() == [(10,)]
    with pytest.raises(QueryError, match="parameter 'n': 'five' is not an integer"):
        run_saved(store, q, {"n": "five", "word": "y"}, base=BASE)
    with pytest.raises(QueryError, match="parameter 'word' of query 'q' needs a value"):
        run_saved(store, q, {}, base=BASE)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"region": "atlantis"}, "parameter 'region': no eco:Region <http://ecograph.test/id/region/atlantis>"),
        ({"region": "org/univ"}, "parameter 'region': no eco:Region"),
        ({"region": "24062,99999"}, "parameter 'region': no eco:Municipality <http://ecograph.test/id/municipality/99999>"),
        ({"city": "region/vlaams-brabant"}, "parameter 'city': no eco:Municipality"),
        ({"city": "<not an iri>"}, "parameter 'city'"),
        ({"town": "24062"}, "has no parameter 'town' (parameters: region, city)"),
    ],
)
def test_wrong_params_name_the_parameter(params: dict[str, str], message: str, store: ox.Store) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run_saved(store, "room-outside-leuven", params, base=BASE)


def test_iri_param_forms(store: ox.Store) -> None:
    """A key, a path under <base>/id/, a full IRI and <IRI> all name the same region."""
    answers = {
        str(run_saved(store, "broken-chains", {"region": value}, base=BASE).values())
        for value in (
            "vlaams-brabant",
            "region/vlaams-brabant",
            f"{BASE}/id/region/vlaams-brabant",
            f"<{BASE}/id/region/vlaams-brabant>",
        )
    }
    assert len(answers) == 1


def test_type_checked_through_the_class_hierarchy(store: ox.Store) -> None:
    # softco is an eco:StartUp; org:Organization is reached through rdfs:subClassOf
    plain = fixture_store("plain")
    assert run_saved(plain, "organisation-profile", {"organisation": "softco"}, base=BASE).rows
    with pytest.raises(QueryError, match="parameter 'organisation': no org:Organization"):
        run_saved(plain, "organisation-profile", {"organisation": "municipality/24062"}, base=BASE)


def test_raw_sparql_over_all_graphs(store: ox.Store) -> None:
    r = run_sparql(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", base=BASE)
    assert r.values() == [(7,)]  # the fixture graphs and the coverage cube
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    r = run_sparql(store, f"SELECT ?x WHERE {{ <id/org/univ> {label} ?x }}", base=BASE)
    assert r.values() == [("Univ Leuven",)]
    with pytest.raises(QueryError, match="SPARQL error"):
        run_sparql(store, "SELECT WHERE", base=BASE)


# --- formats --------------------------------------------------------------------------------------


def test_formats_of_a_select(store: ox.Store) -> None:
    r = run_saved(store, "spin-offs-that-left", {}, base=BASE)
    table = render(r, "table", base=BASE)
    lines = table.splitlines()
    assert lines[0].split() == r.variables
    assert "org/vilco" in lines[2] and "Vil Tech" in lines[2] and "Vilvoorde" in lines[2]
    assert lines[-1] == "(2 rows)"
    rows = list(csv.reader(io.StringIO(render(r, "csv"))))
    assert rows[0] == r.variables
    assert rows[1][:2] == [f"{BASE}/id/org/vilco", "Vil Tech"]
    assert rows[2][r.variables.index("year")] == ""
    tsv = render(r, "tsv").splitlines()
    assert tsv[0].split("\t") == ["?" + v for v in r.variables]
    assert tsv[1].split("\t")[0] == f"<{BASE}/id/org/vilco>"
    assert '"Vil Tech"' in tsv[1].split("\t")
    doc = json.loads(render(r, "json"))
    assert doc["head"]["vars"] == r.variables
    first = doc["results"]["bindings"][0]
    assert first["spinOff"] == {"type": "uri", "value": f"{BASE}/id/org/vilco"}
    assert first["spinOffLabel"] == {"type": "literal", "value": "Vil Tech"}
    assert "founded" not in first  # unbound
    with pytest.raises(QueryError, match="CONSTRUCT"):
        render(r, "turtle")


def test_numbers_align_right(store: ox.Store) -> None:
    lines = render(run_saved(store, "bridge-pairs", {}, base=BASE), "table", base=BASE).splitlines()
    assert lines[0].endswith("bridges") and lines[2].endswith("      1")


def test_construct_and_ask(store: ox.Store) -> None:
    g = run_sparql(
        store,
        "PREFIX eco: <https://w3id.org/ecograph/ontology#> "
        "CONSTRUCT { ?o eco:locatedIn ?m } "
        "WHERE { ?o eco:locatedIn <id/municipality/24020> BIND(<id/municipality/24020> AS ?m) }",
        base=BASE,
    )
    ttl = render(g, "turtle")
    assert "@prefix eco:" in ttl and "eco:locatedIn" in ttl
    back = {(q.subject, q.predicate, q.object) for q in ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE)}
    assert back == {(t.subject, t.predicate, t.object) for t in g.triples}
    assert "subject" in render(g, "table", base=BASE)
    a = run_sparql(store, "ASK { ?s ?p ?o }", base=BASE)
    assert render(a, "table") == "true\n"
    assert json.loads(render(a, "json")) == {"head": {}, "boolean": True}
    assert render(a, "csv").splitlines() == ["boolean", "true"]
    assert set(FORMATS) == {"table", "csv", "tsv", "json", "turtle"}


def test_short_iri() -> None:
    assert short_iri(f"{BASE}/id/org/imec", BASE) == "org/imec"
    assert short_iri("https://w3id.org/ecograph/ontology#Company") == "eco:Company"
    assert short_iri("https://ror.org/00") == "https://ror.org/00"


# --- CLI ------------------------------------------------------------------------------------------


@pytest.fixture
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "store"
    publish_fixture(root, fixture_store("inferred"))
    monkeypatch.setenv("ECOGRAPH_STORE", str(root))
    monkeypatch.setenv("ECOGRAPH_BASE", BASE)
    get_settings.cache_clear()
    yield root
    get_settings.cache_clear()


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="ecograph")
    cli_queries.add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_saved_query_runs_on_a_graph_store_as_on_pyoxigraph(cli_store: Path, store: ox.Store) -> None:
    """``run_saved`` takes a GraphStore (union default graph, substitutions by name) or a pyoxigraph Store."""
    from ecograph.store.embedded import EmbeddedStore

    on_disk = EmbeddedStore(cli_store)
    for name in ("spin-offs-that-left", "value-chain-coverage"):
        assert run_saved(on_disk, name, {}, base=BASE).values() == run_saved(store, name, {}, base=BASE).values()


def test_cli_lists_and_describes(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("queries") == 0
    out = capsys.readouterr().out
    assert all(name in out for name in QUESTIONS)
    assert _cli("queries", "broken-chains") == 0
    out = capsys.readouterr().out
    assert "first missing" in out.lower() and "region: region (default: region/arrondissement-leuven)" in out


def test_cli_runs_saved_and_raw_queries(cli_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("query", "spin-offs-that-left", "--param", "region=vlaams-brabant", "--format", "csv") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith(f"{BASE}/id/org/gone,Gone Bio")
    sparql = "SELECT ?l WHERE { <id/org/univ> <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    assert _cli("query", sparql, "-f", "json") == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"][0]["l"]["value"] == "Univ Leuven"


@pytest.mark.parametrize(
    "argv, message",
    [
        (("query", "no-such-query"), "no saved query named 'no-such-query'"),
        (("query", "broken-chains", "-p", "region=atlantis"), "parameter 'region'"),
        (("query", "broken-chains", "-p", "region"), "expected KEY=VALUE"),
        (("query", "SELECT * WHERE {", "-f", "csv"), "SPARQL error"),
        (("query", "SELECT * WHERE {}", "-p", "a=b"), "saved queries only"),
        (("query", "broken-chains", "-f", "turtle"), "CONSTRUCT"),
    ],
)
def test_cli_errors_are_one_line_with_exit_2(
    argv: tuple[str, ...], message: str, cli_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _cli(*argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_cli_without_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ECOGRAPH_STORE", str(tmp_path / "none"))
    get_settings.cache_clear()
    try:
        assert _cli("query", "broken-chains") == 2
        assert "ecograph build" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


def test_queries_folder_is_the_catalogue() -> None:
    assert QUERIES_DIR.name == "queries" and (QUERIES_DIR / "README.md").is_file()


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_editor_example_passes_the_guard_and_gives_the_saved_answer(name: str, store: ox.Store) -> None:
    """The SPARQL editor's example of each question (defaults bound by VALUES in every group that uses
    them) is one query the public endpoint accepts, and answers what the saved question answers."""
    from ecograph.sparql.guard import check_query
    from ecograph.web.viewer.editor import example_text

    query = CATALOGUE[name]
    text = example_text(query, BASE)
    assert "#+ summary" in text  # the client's text, comments kept
    checked = check_query(text, set(), base_iri=BASE + "/sparql")
    rows = list(store.query(checked.text, base_iri=BASE + "/sparql", use_default_graph_as_union=True))
    try:
        answer = run_saved(store, query, {}, base=BASE)
    except QueryError as exc:  # a default the fixture does not hold (organisation-profile's ku_leuven)
        assert "in the graph" in str(exc) and rows == []
        return
    if checked.form == "SELECT":
        got = sorted(tuple(str(row[v]) if row[v] is not None else None for v in answer.variables) for row in rows)
        want = sorted(tuple(str(t) if t is not None else None for t in row) for row in answer.rows)
        assert got == want
