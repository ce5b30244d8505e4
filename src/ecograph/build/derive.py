"""The graphs a build derives in its stage: the ontology graph, the inference, the coverage cube, the metadata."""

from __future__ import annotations

import time
from collections.abc import Iterable

import pyoxigraph as ox

from ecograph.build.cube.materialise import materialise
from ecograph.build.reasoning import infer
from ecograph.build.report import Phases, Progress
from ecograph.model import resources
from ecograph.settings import Settings

ONTOLOGY_DIR = resources.ontology_dir()
DERIVED = ("inferred", "cube", "meta")


def load_ontology(store: ox.Store, settings: Settings, progress: Progress) -> str:
    """The ontology and the concept schemes, in one graph.

    The ontology has blank nodes (OWL class expressions and lists); they are given canonical
    labels (RDFC-1.0) so that rebuilding from the same files gives the very same quads.
    """
    graph = settings.graph("ontology")
    target = ox.NamedNode(graph)
    dataset = ox.Dataset()
    files = [(ONTOLOGY_DIR / "ecograph.ttl", None)]
    files += [(path, f"{settings.base}/id/") for path in sorted((ONTOLOGY_DIR / "schemes").glob("*.ttl"))]
    for path, base in files:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base):
            dataset.add(ox.Quad(quad.subject, quad.predicate, quad.object, target))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    store.extend(dataset)
    progress(f"[ontology] {len(dataset):,} triples")
    return graph


def derive(store: ox.Store, settings: Settings, published: list[str], records: list[str], progress: Progress,
           phases: Phases) -> None:
    """(Re)write the inferred graph, the cube and the metadata graph of the stage.

    ``published`` are the graphs readers will see (ontology and sources), ``records`` their
    provenance records (N-Triples). Run again when what readers see changed after all.
    ``phases`` gets the seconds of each.
    """
    timed = phases.time
    for name in DERIVED:
        store.remove_graph(ox.NamedNode(settings.graph(name)))
    progress("[inferred] materialising inference …")
    t0 = time.perf_counter()
    with timed("inference"):
        store.bulk_load(infer(store, [ox.NamedNode(g) for g in published]), format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.NamedNode(settings.graph("inferred")))
    progress(f"[inferred] {_count(store, settings.graph('inferred')):,} triples ({time.perf_counter() - t0:.1f} s)")
    progress("[cube] materialising the coverage counts …")
    t0 = time.perf_counter()
    with timed("cube"):
        cube = materialise(store, settings.base, [ox.NamedNode(g) for g in (*published, settings.graph("inferred"))])
        _load(store, settings.graph("cube"), cube)
    progress(f"[cube] {len(cube):,} triples ({time.perf_counter() - t0:.1f} s)")
    with timed("meta"):
        store.bulk_load("".join(records), format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.NamedNode(settings.graph("meta")))


def _load(store: ox.Store, graph: str, triples: Iterable[ox.Triple]) -> None:
    store.bulk_load(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(graph))


def _count(store: ox.Store, graph: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))["n"].value)
