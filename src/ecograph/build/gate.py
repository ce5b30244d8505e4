"""The SHACL gate: a staged source graph is published only if it conforms to ``ontology/shapes.ttl``.

One engine for every size: pyshacl-turbo (a Rust SHACL engine with pySHACL's API and report),
run on an rdflib-turbo native dataset that shares its engine. The dataset is parsed from
N-Triples piece by piece as the ingester writes them (``DataGraph.add``), so the gate never holds
a source's whole text, and holds its triples in about 150 bytes each (the engine fed one text
held about 750 bytes a triple besides the text). No rdflib graph is built. ``bench/shacl.py`` holds it to
pySHACL's verdicts (conforms, focus nodes and paths) on every shape example and every real source,
and ``tests/test_gate.py`` does the same on every run.

The data graph is the staged source graph plus the ontology graph (SHACL's ``sh:class`` follows
``rdfs:subClassOf`` in the data graph) plus, from the graphs already in the new generation, the
description of every node the source mentions: a source may add facts to an organisation another
source described (ROR adds identifiers to curated organisations), and ``sh:class`` constraints on
references to municipalities, sectors or stages need their types (all ``rdf:type`` triples of
those graphs are added). Only results about subjects of the source graph count: nodes of other
graphs were checked when their own source was published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
import rdflib_turbo
from pyshacl_turbo import CompiledShapes

from ecograph.model import nt

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
_SUBJECT = re.compile(rb"^<([^>]*)>", re.MULTILINE)
PIECE = 16 << 20  # N-Triples parsed at a time


class DataGraph:
    """The gate's data graph for one source, built piece by piece: a native dataset, and the
    subjects of the source's own pieces (the only focus nodes whose results count).

    One thread at a time may add to it (``build.gating`` adds on its own thread, in order).
    """

    def __init__(self) -> None:
        self.dataset = rdflib_turbo.Dataset()
        self.only: set[str] = set()
        self.error: str = ""  # a piece that could not be parsed: the graph is incomplete

    def add(self, piece: bytes, *, context: bool = False) -> None:
        """Parse N-Triples into the dataset; unless ``context``, its subjects are the source's."""
        if not context:
            self.only |= ntriples_subjects(piece)
        if self.error:  # incomplete already: the verdict will say so
            return
        for part in nt.line_pieces(piece, PIECE):  # in slices: the parser holds one as text
            try:
                self.dataset.parse(data=part, format="nt")
            except (ValueError, SyntaxError) as exc:  # the stage's loader names the bad line too
                self.error = f"the gate could not read the triples: {exc}"
                return

    @classmethod
    def of(cls, source: bytes, context: bytes = b"") -> DataGraph:
        data = cls()
        data.add(source)
        data.add(context, context=True)
        return data


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
    """Validates graphs of an Oxigraph store against one shapes file (compiled once)."""

    def __init__(self, shapes: Path) -> None:
        self.shapes = rdflib.Graph().parse(shapes, format="turtle")
        self._compiled = CompiledShapes(self.shapes, advanced=True)

    def check(
        self, store: ox.Store, graph: str, context: list[str], ontology: str | None = None,
        staged: bytes | None = None,
    ) -> Verdict:
        """Validate ``graph``; results about nodes that are not its subjects are ignored.

        ``staged``, when given, is ``graph`` as N-Triples (what the caller loaded): reading a large
        graph back from the store costs more than validating it.
        """
        return self.validate(DataGraph.of(*_parts(store, graph, context, ontology, staged)))

    def validate(self, data: DataGraph) -> Verdict:
        """Run the engine on a data graph (thread-safe for one caller at a time); an incomplete one fails."""
        return self._validate(data, data.only)

    def check_ntriples(self, data: bytes, only: set[str] | None = None) -> Verdict:
        """Validate an N-Triples data graph; with ``only``, results about other focus nodes are ignored."""
        return self._validate(DataGraph.of(data), only)

    def _validate(self, data: DataGraph, only: set[str] | None) -> Verdict:
        if data.error:
            return Verdict(False, 1, [data.error])
        conforms, report, _ = self._compiled.validate(data.dataset, allow_warnings=True)
        if conforms:
            return Verdict(True)
        messages = sorted(_message(report, r) for r in report.subjects(rdflib.RDF.type, SH.ValidationResult)
                          if report.value(r, SH.resultSeverity) == SH.Violation
                          and (only is None or str(report.value(r, SH.focusNode)) in only))
        return Verdict(not messages, len(messages), messages)


def _message(report: rdflib.Graph, result: rdflib.term.Node) -> str:
    """``focus path: message``; a node-level result (no path) names its shape instead."""
    where = report.value(result, SH.resultPath) or report.value(result, SH.sourceShape)
    if isinstance(where, rdflib.BNode):
        where = None
    return f"{report.value(result, SH.focusNode)} {where or ''}: {report.value(result, SH.resultMessage)}"


def data_graph(
    store: ox.Store, graph: str, context: list[str], ontology: str | None = None, staged: bytes | None = None
) -> bytes:
    """The data graph of the gate as N-Triples: the staged graph, the ontology and what it refers to.

    (A triple may come twice, from two parts: SHACL counts distinct values, so that is harmless.)
    """
    return b"".join(_parts(store, graph, context, ontology, staged))


def _parts(store: ox.Store, graph: str, context: list[str], ontology: str | None,
           staged: bytes | None) -> tuple[bytes, bytes]:
    """The staged graph as N-Triples and its context, as ``ShaclGate.check`` validates them."""
    source = _dump(store, graph) if staged is None else staged
    return source, context_graph(store, graph, context, ontology, source.count(b"\n"))  # one triple a line


def context_graph(store: ox.Store, graph: str, context: list[str], ontology: str | None = None,
                  size: int | None = None) -> bytes:
    """What the data graph holds besides the staged graph: the ontology (the class hierarchy must be
    in the data graph for sh:class, see shapes.ttl), the description of every node the staged graph
    mentions in the ``context`` graphs, and every type those graphs state.

    With ``size`` (about how many triples the staged graph has), context graphs no larger than
    that are taken whole instead: finding the nodes a million-triple graph mentions costs seconds,
    dumping a few thousand triples nothing. The verdict is the same, because the shapes are SHACL
    Core with predicate paths: a focus node's results depend on its own triples and the types of
    its values, which both ways include; the extra nodes are not subjects of the staged graph, so
    their results do not count.
    """
    parts = [_dump(store, ontology)] if ontology else []
    if context and size is not None and _at_most(store, context, size):
        parts += [_dump(store, g) for g in context]
    elif context:
        graphs = " ".join(f"<{g}>" for g in context)
        neighbourhood = store.query(
            f"CONSTRUCT {{ ?n ?p ?o }} WHERE {{ {{ SELECT DISTINCT ?n {{ GRAPH <{graph}> "
            f"{{ {{ ?n ?x ?y }} UNION {{ ?y ?x ?n FILTER(isIRI(?n)) }} }} }} }}"
            f" GRAPH ?g {{ ?n ?p ?o }} VALUES ?g {{ {graphs} }} }}",
        )
        parts.append(ox.serialize(neighbourhood, format=ox.RdfFormat.N_TRIPLES))
        types = store.query(f"CONSTRUCT {{ ?n a ?c }} WHERE {{ GRAPH ?g {{ ?n a ?c }} VALUES ?g {{ {graphs} }} }}")
        parts.append(ox.serialize(types, format=ox.RdfFormat.N_TRIPLES))
    return b"".join(parts)


def _at_most(store: ox.Store, graphs: list[str], size: int) -> bool:
    """Whether ``graphs`` hold at most ``size`` triples together (counting stops past ``size``)."""
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.query(f"SELECT (COUNT(*) AS ?n) {{ SELECT * {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {values} }} }}"
                       f" LIMIT {size + 1} }}")
    return int(next(iter(rows))["n"].value) <= size


def staged_subjects(store: ox.Store, graph: str) -> set[str]:
    """IRIs of the subjects of ``graph``: the only focus nodes whose results count."""
    rows = store.query(f"SELECT DISTINCT ?s {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return {r["s"].value for r in rows if isinstance(r["s"], ox.NamedNode)}


def ntriples_subjects(data: bytes) -> set[str]:
    """IRIs of the subjects of an N-Triples document as Oxigraph writes it (one triple a line)."""
    return {m.group(1).decode() for m in _SUBJECT.finditer(data)}


def _dump(store: ox.Store, graph: str) -> bytes:
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
