"""The SHACL gate (pyshacl-turbo on N-Triples out of Oxigraph) reaches pySHACL's verdicts.

pySHACL, the reference, validates the very same data graph (``gate.data_graph``) parsed by rdflib:
same conforms, same focus nodes and same paths (the shape, for node-level results) — on every
valid/invalid shape example and on every source graph of the real build.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import BASE, REPO
from pyshacl import validate

from ecograph.build.gate import ShaclGate, Verdict, data_graph, ntriples_subjects, staged_subjects
from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore

ONTOLOGY = REPO / "ontology"
SHAPES_DATA = REPO / "tests" / "data" / "shapes"
SRC, ONT = f"{BASE}/graph/staged", f"{BASE}/graph/ontology"
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SOURCES = ["refnis", "nace", "megatrends", "euroscivoc", "ror", "curated"]


@pytest.fixture(scope="module")
def gate() -> ShaclGate:
    return ShaclGate(ONTOLOGY / "shapes.ttl")


def _store(example: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(ONTOLOGY / "ecograph.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONT))
    for scheme in sorted((ONTOLOGY / "schemes").glob("*.ttl")):
        store.load(path=str(scheme), format=ox.RdfFormat.TURTLE, base_iri=f"{BASE}/id/", to_graph=ox.NamedNode(ONT))
    # the examples are written against "the example + the published context" as one data graph
    for path in (SHAPES_DATA / "published.ttl", example):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(SRC))
    return store


def _by_pyshacl(
    gate: ShaclGate, store: ox.Store, graph: str, context: list[str], ontology: str
) -> set[tuple[str, str]]:
    """(focus, path or shape) of pySHACL's violations about the subjects of ``graph``."""
    data = rdflib.Graph().parse(data=data_graph(store, graph, context, ontology), format="nt")
    _, report, _ = validate(data, shacl_graph=gate.shapes, inference="none", advanced=True, allow_warnings=True)
    only = staged_subjects(store, graph)
    found = set()
    for r in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = str(report.value(r, SH.focusNode))
        if report.value(r, SH.resultSeverity) == SH.Violation and focus in only:
            found.add((focus, str(report.value(r, SH.resultPath) or report.value(r, SH.sourceShape))))
    return found


def _by_gate(verdict: Verdict) -> set[tuple[str, str]]:
    found = set()
    for message in verdict.messages:
        focus, rest = message.split(" ", 1)
        found.add((focus, rest.split(": ", 1)[0]))
    return found


EXAMPLES = sorted(p for p in SHAPES_DATA.glob("*.ttl") if p.name != "published.ttl")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_gate_agrees_with_pyshacl_on_every_example(example: Path, gate: ShaclGate) -> None:
    store = _store(example)
    verdict = gate.check(store, SRC, [], ontology=ONT)
    reference = _by_pyshacl(gate, store, SRC, [], ONT)
    assert verdict.conforms == example.name.startswith("valid-"), verdict.summary()
    assert verdict.conforms == (not reference)
    assert _by_gate(verdict) == reference
    assert verdict.violations == len(verdict.messages)


@pytest.mark.parametrize("source", SOURCES)
def test_gate_agrees_with_pyshacl_on_the_real_sources(
    source: str, gate: ShaclGate, real_build: tuple[Settings, object]
) -> None:
    settings, _ = real_build
    store = EmbeddedStore(settings.store).oxigraph
    context = [settings.graph(n) for n in SOURCES if n != source]
    graph = settings.graph(source)
    verdict = gate.check(store, graph, context, ontology=settings.graph("ontology"))
    assert verdict.conforms, verdict.summary()
    assert _by_pyshacl(gate, store, graph, context, settings.graph("ontology")) == set()


def test_messages_name_focus_path_and_shape(gate: ShaclGate) -> None:
    named = gate.check(_store(SHAPES_DATA / "invalid-org-ror-pattern.ttl"), SRC, [], ontology=ONT)
    assert named.messages == [f"{BASE}/id/org/badror https://w3id.org/ecograph/ontology#ror: "
                              "eco:ror: at most one IRI https://ror.org/0xxxxxxxx."]
    nameless = gate.check(_store(SHAPES_DATA / "invalid-org-no-name.ttl"), SRC, [], ontology=ONT)
    shape = "https://w3id.org/ecograph/shapes#OrganisationShape"
    assert nameless.messages[0].startswith(f"{BASE}/id/org/nameless {shape}: ")
    assert "1 SHACL violation(s)" in nameless.summary()


def test_only_the_sources_own_subjects_count(gate: ShaclGate) -> None:
    """A broken node of an already published graph does not stop the next source."""
    store = _store(SHAPES_DATA / "invalid-org-no-name.ttl")
    data = data_graph(store, SRC, [], ontology=ONT)
    assert not gate.check_ntriples(data).conforms
    assert gate.check_ntriples(data, only={f"{BASE}/id/org/imec"}).conforms


def test_staged_ntriples_give_the_same_verdict_as_the_store(gate: ShaclGate) -> None:
    """The caller may hand over the N-Triples it loaded instead of having them read back."""
    for example in ("invalid-org-no-name.ttl", "invalid-relation-object-unknown.ttl", "valid-organisation.ttl"):
        store = _store(SHAPES_DATA / example)
        staged = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(SRC))
        assert ntriples_subjects(staged) == staged_subjects(store, SRC)
        assert gate.check(store, SRC, [], ontology=ONT, staged=staged) == gate.check(store, SRC, [], ontology=ONT)
    broken = _store(SHAPES_DATA / "valid-organisation.ttl")
    bad = b'<http://localhost:8000/id/org/imec> <http://www.w3.org/2000/01/rdf-schema#label> "second" .\n'
    staged = broken.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(SRC)) + bad
    assert not gate.check(broken, SRC, [], ontology=ONT, staged=staged).conforms  # the bytes are what is checked


def test_a_data_graph_parsed_in_slices_gets_the_same_verdict(gate: ShaclGate, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gate parses a large document a slice at a time (``gate.PIECE`` bytes, cut at line ends)."""
    verdicts = {}
    for size in (16 << 20, 150):
        monkeypatch.setattr("ecograph.build.gate.PIECE", size)
        verdicts[size] = [gate.check(_store(SHAPES_DATA / name), SRC, [], ontology=ONT)
                          for name in ("invalid-org-no-name.ttl", "valid-organisation.ttl")]
    assert verdicts[150] == verdicts[16 << 20]
    assert [v.conforms for v in verdicts[150]] == [False, True]


def test_a_data_graph_the_gate_cannot_read_does_not_conform(gate: ShaclGate) -> None:
    """An incomplete data graph must not pass as an empty, conforming one."""
    good = f'<{BASE}/id/org/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'.encode()
    bad = f"<{BASE}/id/org/with space> <http://example.org/p> <http://example.org/o> .\n".encode()
    verdict = gate.check_ntriples(good + bad)
    assert not verdict.conforms
    assert verdict.messages[0].startswith("the gate could not read the triples")
