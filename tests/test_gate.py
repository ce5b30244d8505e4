"""The SHACL gate's two engines agree: pySHACL and the shapes compiled to SPARQL (used for large graphs)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE, REPO

from ecograph.build.gate import ShaclGate
from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore

ONTOLOGY = REPO / "ontology"
SHAPES_DATA = REPO / "tests" / "data" / "shapes"
SRC, ONT = f"{BASE}/graph/staged", f"{BASE}/graph/ontology"


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


def _focus(messages: list[str]) -> set[str]:
    return {m.split(" ", 1)[0] for m in messages}


EXAMPLES = sorted(p for p in SHAPES_DATA.glob("*.ttl") if p.name != "published.ttl")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_engines_agree_on_every_example(example: Path, gate: ShaclGate) -> None:
    store = _store(example)
    by_pyshacl = gate.check_pyshacl(store, SRC, [], ontology=ONT)
    by_sparql = gate.check_sparql(store, SRC, [], ontology=ONT)
    assert by_pyshacl.conforms == example.name.startswith("valid-"), by_pyshacl.summary()
    assert by_sparql.conforms == by_pyshacl.conforms, by_sparql.summary()
    assert _focus(by_sparql.messages) == _focus(by_pyshacl.messages)


@pytest.mark.parametrize("source", ["refnis", "megatrends", "euroscivoc", "ror", "curated"])
def test_engines_agree_on_the_real_sources(source: str, gate: ShaclGate, real_build: tuple[Settings, object]) -> None:
    settings, _ = real_build
    store = EmbeddedStore(settings.store).oxigraph
    context = [settings.graph(n) for n in ("refnis", "nace", "megatrends", "euroscivoc", "ror", "curated")]
    context.remove(settings.graph(source))
    graph = settings.graph(source)
    by_pyshacl = gate.check_pyshacl(store, graph, context, ontology=settings.graph("ontology"))
    by_sparql = gate.check_sparql(store, graph, context, ontology=settings.graph("ontology"))
    assert by_pyshacl.conforms and by_sparql.conforms, (by_pyshacl.summary(), by_sparql.summary())


def test_gate_switches_engine_by_size(gate: ShaclGate) -> None:
    store = _store(SHAPES_DATA / "invalid-org-no-name.ttl")
    small = ShaclGate(ONTOLOGY / "shapes.ttl", pyshacl_max=0)
    assert not small.check(store, SRC, [], ontology=ONT).conforms
    assert "violates" in small.check(store, SRC, [], ontology=ONT).messages[0]  # the SPARQL engine's wording
    assert "violates" not in gate.check(store, SRC, [], ontology=ONT).messages[0]
