"""The SHACL gate: a staged source graph is published only if it conforms to ``ontology/shapes.ttl``.

The data graph handed to pySHACL is the staged source graph plus the ontology graph (SHACL's
``sh:class`` follows ``rdfs:subClassOf`` in the data graph) plus, from the graphs already in the
new generation, the description of every node the source mentions: a source may add facts to an
organisation another source described (ROR adds identifiers to curated organisations), and
``sh:class`` constraints on references to municipalities, sectors or stages need their types
(all ``rdf:type`` triples of those graphs are added). Only results
about subjects of the source graph count: nodes of other graphs were checked when their own
source was published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate

from ecograph.build.shacl_sparql import Check, Target, compile_shapes, violations

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class Verdict:
    conforms: bool
    violations: int = 0
    messages: list[str] = field(default_factory=list)

    def summary(self, limit: int = 10) -> str:
        head = "\n  ".join(self.messages[:limit])
        more = f"\n  … and {self.violations - limit} more" if self.violations > limit else ""
        return f"{self.violations} SHACL violation(s):\n  {head}{more}"


class ShaclGate:
    """Validates graphs of an Oxigraph store against one shapes file.

    Graphs up to ``pyshacl_max`` triples are validated by pySHACL; larger ones by the same shapes
    compiled to SPARQL (``shacl_sparql``), which the tests hold to pySHACL's verdicts.
    """

    def __init__(self, shapes: Path, pyshacl_max: int = 200_000) -> None:
        self.shapes = rdflib.Graph().parse(shapes, format="turtle")
        self.pyshacl_max = pyshacl_max
        self._compiled: list[tuple[Target, Check]] | None = None

    def check(
        self, store: ox.Store, graph: str, context: list[str], ontology: str | None = None, size: int | None = None
    ) -> Verdict:
        """Validate ``graph``; ``size`` is its number of triples when the caller knows it already."""
        if size is None:
            size = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        if size > self.pyshacl_max:
            return self.check_sparql(store, graph, context, ontology)
        return self.check_pyshacl(store, graph, context, ontology)

    def check_sparql(
        self, store: ox.Store, graph: str, context: list[str], ontology: str | None = None
    ) -> Verdict:
        if self._compiled is None:
            self._compiled = compile_shapes(self.shapes)
        graphs = [g for g in [ontology, *context] if g]
        found = violations(store, self._compiled, graph, graphs)
        messages = sorted(f"{focus} {check.path}: violates {check.shape}" for check, focus in found)
        return Verdict(not messages, len(messages), messages)

    def check_pyshacl(
        self, store: ox.Store, graph: str, context: list[str], ontology: str | None = None
    ) -> Verdict:
        data = rdflib.Graph()
        data.parse(data=_dump(store, graph), format="nt")
        if ontology:  # the class hierarchy must be in the data graph for sh:class (see shapes.ttl)
            data.parse(data=_dump(store, ontology), format="nt")
        if context:
            graphs = " ".join(f"<{g}>" for g in context)
            neighbourhood = store.query(
                f"CONSTRUCT {{ ?n ?p ?o }} WHERE {{ {{ SELECT DISTINCT ?n {{ GRAPH <{graph}> "
                f"{{ {{ ?n ?x ?y }} UNION {{ ?y ?x ?n FILTER(isIRI(?n)) }} }} }} }}"
                f" GRAPH ?g {{ ?n ?p ?o }} VALUES ?g {{ {graphs} }} }}",
            )
            data.parse(data=ox.serialize(neighbourhood, format=ox.RdfFormat.N_TRIPLES), format="nt")
            types = store.query(f"CONSTRUCT {{ ?n a ?c }} WHERE {{ GRAPH ?g {{ ?n a ?c }} VALUES ?g {{ {graphs} }} }}")
            data.parse(data=ox.serialize(types, format=ox.RdfFormat.N_TRIPLES), format="nt")
        return self.check_rdflib(data, only=_subjects(store, graph))

    def check_rdflib(self, data: rdflib.Graph, only: set[rdflib.URIRef] | None = None) -> Verdict:
        """Validate; with ``only``, results about other focus nodes (context nodes) are ignored.

        (pySHACL's own ``focus_nodes`` option skips qualified-value-shape constraints, so the
        filter is applied to the report instead.)
        """
        conforms, report, _ = shacl_validate(
            data, shacl_graph=self.shapes, inference="none", advanced=True, allow_warnings=True,
        )
        if conforms:
            return Verdict(True)
        messages: list[str] = []
        for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
            severity = report.value(result, SH.resultSeverity)
            if severity != SH.Violation:
                continue
            focus = report.value(result, SH.focusNode)
            if only is not None and focus not in only:
                continue
            path = report.value(result, SH.resultPath)
            msg = report.value(result, SH.resultMessage)
            messages.append(f"{focus} {path or ''}: {msg}")
        messages.sort()
        return Verdict(not messages, len(messages), messages)


def _subjects(store: ox.Store, graph: str) -> set[rdflib.URIRef]:
    rows = store.query(f"SELECT DISTINCT ?s {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {rdflib.URIRef(r["s"].value) for r in rows if isinstance(r["s"], ox.NamedNode)}


def _dump(store: ox.Store, graph: str) -> bytes:
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
