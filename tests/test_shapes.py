"""SHACL shapes with valid/invalid example pairs, and the SPARQL data-quality checks.

Each ``tests/data/shapes/invalid-*.ttl`` starts with a line ``# expect: <Shape> <path>`` naming
the one property shape (local name in ecosh:) it breaks and the sh:resultPath (``-`` for none).
Files are validated the way the publisher does it: pySHACL, inference "none", the data graph
being the file + the published context (``published.ttl``) + the ontology and the schemes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from ecograph.model.namespaces import PREFIXES
from ecograph.model.schemes import ontology_dir

DATA = Path(__file__).resolve().parent / "data" / "shapes"
BASE = "http://localhost:8000"
SH = Namespace("http://www.w3.org/ns/shacl#")
ECOSH = Namespace("https://w3id.org/ecograph/shapes#")
CHECKS = sorted((ontology_dir() / "checks").glob("*-violation.rq"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    """The ontology graph as published: ecograph.ttl + the schemes parsed with base <B>/id/."""
    graph = Graph().parse(ontology_dir() / "ecograph.ttl", format="turtle")
    for path in sorted((ontology_dir() / "schemes").glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=BASE + "/id/")
    return graph


@pytest.fixture(scope="module")
def published(ontology: Graph) -> Graph:
    return ontology + Graph().parse(DATA / "published.ttl", format="turtle")


def _results(data: Graph, shapes: Graph, **kwargs: object) -> tuple[bool, Graph]:
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=False, **kwargs)
    assert isinstance(report, Graph)
    return bool(conforms), report


def _expectation(path: Path) -> tuple[URIRef, URIRef | None]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            shape, result_path = line.split(":", 1)[1].split()
            if result_path == "-":
                return ECOSH[shape], None
            prefix, local = result_path.split(":")
            return ECOSH[shape], URIRef(PREFIXES[prefix] + local)
    raise AssertionError(f"{path.name} has no '# expect:' line")


def _files(kind: str) -> list[Path]:
    return sorted(DATA.glob(f"{kind}-*.ttl"))


def test_enough_examples() -> None:
    assert len(_files("valid")) >= 5
    assert len(_files("invalid")) >= 8


def test_context_and_ontology_conform(published: Graph, shapes: Graph) -> None:
    conforms, report = _results(published, shapes)
    assert conforms, report.serialize(format="turtle")


@pytest.mark.parametrize("path", _files("valid"), ids=lambda p: p.stem)
def test_valid(path: Path, published: Graph, shapes: Graph) -> None:
    conforms, report = _results(published + Graph().parse(path, format="turtle"), shapes)
    assert conforms, report.serialize(format="turtle")


@pytest.mark.parametrize("path", _files("invalid"), ids=lambda p: p.stem)
def test_invalid(path: Path, published: Graph, shapes: Graph) -> None:
    shape, result_path = _expectation(path)
    conforms, report = _results(published + Graph().parse(path, format="turtle"), shapes)
    assert not conforms
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    got = [(report.value(r, SH.sourceShape), report.value(r, SH.resultPath)) for r in results]
    assert got == [(shape, result_path)], report.serialize(format="turtle")


def test_ontology_as_ont_graph(shapes: Graph) -> None:
    """ecograph.ttl may be given as pySHACL's ont_graph (its axioms are mixed into the data).

    pySHACL copies only axioms from ont_graph, not the scheme concepts, so the schemes (sector
    and stage concepts that sh:class checks) must still be in the data graph.
    """
    data = Graph().parse(DATA / "published.ttl", format="turtle")
    for path in sorted((ontology_dir() / "schemes").glob("*.ttl")):
        data.parse(path, format="turtle", publicID=BASE + "/id/")
    data.parse(DATA / "valid-capability.ttl", format="turtle")
    ont = Graph().parse(ontology_dir() / "ecograph.ttl", format="turtle")
    conforms, report = _results(data, shapes, ont_graph=ont)
    assert conforms, report.serialize(format="turtle")


def test_targets_fire_without_ontology(shapes: Graph) -> None:
    """Targets name concrete classes, so a bad organisation is caught without any ontology."""
    data = Graph().parse(DATA / "invalid-org-ror-pattern.ttl", format="turtle")
    conforms, report = _results(data, shapes)
    assert not conforms
    assert ECOSH.OrganisationRor in set(report.objects(None, SH.sourceShape))


# --- SPARQL checks: must return no rows on good data, and find the fault they name -------------

BAD_FOR_CHECK = {
    "relation-unknown-organisation": """
        o:imec eco:partnerOf o:ghost .""",
    "relation-statement-without-triple": """
        rel:x a eco:RelationStatement ; rdf:subject o:imec ; rdf:predicate eco:fundedBy ;
            rdf:object o:ku_leuven .""",
    "capability-stage-not-in-scheme": """
        cap:x a eco:Capability ; eco:organisation o:imec ; eco:sector sector:software ;
            eco:stage sector:software .""",
    "capability-sector-not-in-scheme": """
        cap:x a eco:Capability ; eco:organisation o:imec ; eco:sector stage:market ;
            eco:stage stage:market .""",
    "capability-duplicate": """
        cap:x a eco:Capability ; eco:organisation o:imec ; eco:sector sector:software ;
            eco:stage stage:market .
        cap:y a eco:Capability ; eco:organisation o:imec ; eco:sector sector:software ;
            eco:stage stage:market .""",
    "organisation-two-kinds": """
        o:imec a eco:Company .""",
    "organisation-two-names": """
        o:imec rdfs:label "IMEC vzw" .""",
    "stage-order": """
        stage:market eco:nextStage stage:research .""",
    "sector-hierarchy": """
        sector:quantum a eco:Sector ; skos:broader sector:electronics .""",
    "provenance-rows": """
        <http://localhost:8000/graph/x> eco:rowsRead 3 ; eco:rowsRejected 4 .""",
    "organisation-place": """
        o:unplaced eco:placeDerivation "municipality from the park nowhere" .
        o:imec schema:addressCountry "NL" .""",
}


def _good_graph(published: Graph) -> Graph:
    graph = published + Graph()
    for path in _files("valid"):
        graph.parse(path, format="turtle")
    return graph


def _prefix_block() -> str:
    ours = {
        "o": "org/", "cap": "capability/", "rel": "relation/", "sector": "sector/",
        "stage": "stage/",
    }  # fmt: skip
    lines = [f"@prefix {p}: <{iri}> ." for p, iri in PREFIXES.items()]
    lines += [f"@prefix {p}: <{BASE}/id/{path}> ." for p, path in ours.items()]
    return "\n".join(lines) + "\n"


def test_every_check_has_a_bad_example() -> None:
    assert {p.name.removesuffix("-violation.rq") for p in CHECKS} == set(BAD_FOR_CHECK)


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.stem)
def test_check_passes_on_good_data(path: Path, published: Graph) -> None:
    rows = list(_good_graph(published).query(path.read_text(encoding="utf-8")))
    assert rows == []


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.stem)
def test_check_finds_its_fault(path: Path, published: Graph) -> None:
    graph = _good_graph(published)
    bad = BAD_FOR_CHECK[path.name.removesuffix("-violation.rq")]
    graph.parse(data=_prefix_block() + bad, format="turtle")
    rows = list(graph.query(path.read_text(encoding="utf-8")))
    assert len(rows) >= 1


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.stem)
def test_check_passes_on_the_real_build(path: Path, real_store) -> None:  # type: ignore[no-untyped-def]
    """The quality checks hold on the graph built from the shared data (all graphs as one default graph)."""
    rows = list(real_store.oxigraph.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True))
    assert rows == [], [str(r) for r in rows[:5]]
