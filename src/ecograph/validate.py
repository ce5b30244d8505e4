"""The SHACL gate: a staged source graph is published only if it conforms to ``ontology/shapes.ttl``.

The data graph handed to pySHACL is the staged source graph plus the ``rdf:type`` triples of
the graphs already in the new generation (so ``sh:class`` constraints on references to
municipalities, sectors or stages can be checked) plus the ontology graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate

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
    """Validates graphs of an Oxigraph store against one shapes file."""

    def __init__(self, shapes: Path) -> None:
        self.shapes = rdflib.Graph().parse(shapes, format="turtle")

    def check(self, store: ox.Store, graph: str, context: list[str]) -> Verdict:
        data = rdflib.Graph()
        data.parse(data=_dump(store, graph), format="nt")
        for ctx in context:
            types = store.query(
                "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c }", default_graph=[ox.NamedNode(ctx)]
            )
            data.parse(data=ox.serialize(types, format=ox.RdfFormat.N_TRIPLES), format="nt")
        return self.check_rdflib(data)

    def check_rdflib(self, data: rdflib.Graph, ontology: rdflib.Graph | None = None) -> Verdict:
        conforms, report, _ = shacl_validate(
            data, shacl_graph=self.shapes, ont_graph=ontology, inference="none", advanced=True,
            allow_warnings=True,
        )
        if conforms:
            return Verdict(True)
        messages: list[str] = []
        for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
            severity = report.value(result, SH.resultSeverity)
            if severity != SH.Violation:
                continue
            focus = report.value(result, SH.focusNode)
            path = report.value(result, SH.resultPath)
            msg = report.value(result, SH.resultMessage)
            messages.append(f"{focus} {path or ''}: {msg}")
        messages.sort()
        return Verdict(not messages, len(messages), messages)


def _dump(store: ox.Store, graph: str) -> bytes:
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
