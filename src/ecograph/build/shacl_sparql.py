"""SHACL Core shapes compiled to SPARQL, evaluated by Oxigraph — the gate for large graphs.

pySHACL walks every focus node in Python: minutes for a million-triple source. The shapes in
``ontology/shapes.ttl`` use only a small part of SHACL Core, so each (shape, constraint) pair is
translated here into one SPARQL query that returns the violating focus nodes. The translation
refuses anything it does not know (``Unsupported``), and the tests check that it reaches the same
verdicts as pySHACL on every valid/invalid example and on the real sources.

Semantics follow the gate in ``validate.py``: focus nodes are the subjects of the staged graph
that have one of a shape's target classes (in any of the graphs); property values and types come
from the staged graph, the ontology graph (``rdfs:subClassOf*``) and the context graphs.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = str(rdflib.RDF.type)
SUBCLASS = str(rdflib.RDFS.subClassOf)

_KNOWN_PROPERTY = {
    SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.flags,
    SH["in"], SH.languageIn, SH.uniqueLang, SH.minInclusive, SH.maxInclusive, SH.qualifiedValueShape,
    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.message, SH.name, SH.description, SH.severity,
    SH.deactivated, rdflib.RDF.type, rdflib.RDFS.comment, rdflib.RDFS.label,
}
_KNOWN_NODE = {SH.targetClass, SH.targetSubjectsOf, SH.nodeKind, SH["or"], SH.property, SH.message, SH.name,
               SH.description, SH.severity, SH.deactivated, rdflib.RDF.type, rdflib.RDFS.comment, rdflib.RDFS.label}


class Unsupported(ValueError):
    """The shapes use SHACL that this compiler does not translate."""


@dataclass(frozen=True)
class Check:
    shape: str  # IRI (or blank-node label) of the property or node shape
    path: str  # the property, "" for node-level checks
    query: str  # SELECT ?f — one row per violating focus node
    # the body binds ?f from a property value; the focus test can then follow it, which lets
    # Oxigraph start from the (selective) property instead of from every focus node
    binds_focus: bool = False


def _term(node: rdflib.term.Node) -> str:
    return node.n3()


def _list(graph: rdflib.Graph, node: rdflib.term.Node) -> list[rdflib.term.Node]:
    return list(Collection(graph, node))


_VALUE_PREDICATES = (SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"], SH.languageIn,
                     SH.minInclusive, SH.maxInclusive)


def _condition(graph: rdflib.Graph, shape: rdflib.term.Node, pred: rdflib.term.Node, obj: rdflib.term.Node,
               var: str) -> str:
    """A SPARQL boolean expression true when ``var`` meets one value constraint of ``shape``."""
    if pred == SH.languageIn:
        langs = " || ".join(f"LANGMATCHES(LANG({var}), {_term(lang)})" for lang in _list(graph, obj))
        return f"(isLiteral({var}) && ({langs or 'false'}))"
    if pred == SH.datatype:
        return f"(isLiteral({var}) && DATATYPE({var}) = {_term(obj)})"
    if pred == SH.nodeKind:
        return _node_kind(obj, var)
    if pred == SH["class"]:
        return f"EXISTS {{ {var} <{RDF_TYPE}> ?vc . ?vc <{SUBCLASS}>* {_term(obj)} }}"
    if pred == SH.pattern:
        flags = graph.value(shape, SH.flags)
        flag_arg = f", {_term(flags)}" if flags is not None else ""
        return f"(!isBlank({var}) && REGEX(STR({var}), {_term(obj)}{flag_arg}))"
    if pred == SH["in"]:
        return f"({var} IN ({', '.join(_term(v) for v in _list(graph, obj))}))"
    if pred == SH.minInclusive:
        return f"({var} >= {_term(obj)})"
    if pred == SH.maxInclusive:
        return f"({var} <= {_term(obj)})"
    raise Unsupported(f"value constraint {pred} in {shape}")


def _value_condition(graph: rdflib.Graph, shape: rdflib.term.Node, var: str) -> str:
    """True when ``var`` meets every value constraint of ``shape`` (a qualified value shape)."""
    parts: list[str] = []
    for pred, obj in graph.predicate_objects(shape):
        if pred in (SH.flags, SH.message, SH.name, SH.description, rdflib.RDF.type):
            continue
        parts.append(_condition(graph, shape, pred, obj, var))
    return " && ".join(parts) if parts else "true"


def _node_kind(kind: rdflib.term.Node, var: str) -> str:
    table = {
        SH.IRI: f"isIRI({var})",
        SH.Literal: f"isLiteral({var})",
        SH.BlankNode: f"isBlank({var})",
        SH.BlankNodeOrIRI: f"(isBlank({var}) || isIRI({var}))",
        SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
        SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
    }
    if kind not in table:
        raise Unsupported(f"sh:nodeKind {kind}")
    return table[kind]


Target = tuple[str, list[str]]  # ("class" | "subjectsOf", IRIs)


def compile_shapes(shapes: rdflib.Graph) -> list[tuple[Target, Check]]:
    """(target, check) for every constraint of every node shape; the staged graph is ``__SRC__``."""
    compiled: list[tuple[Target, Check]] = []
    for kind in (SH.targetNode, SH.targetObjectsOf):
        if next(shapes.subjects(kind, None), None) is not None:
            raise Unsupported(f"{kind} is not compiled")
    shaped = set(shapes.subjects(SH.targetClass, None)) | set(shapes.subjects(SH.targetSubjectsOf, None))
    for node_shape in sorted(shaped):
        if (node_shape, SH.deactivated, rdflib.Literal(True)) in shapes:
            continue
        unknown = {p for p in shapes.predicates(node_shape, None)} - _KNOWN_NODE
        if unknown:
            raise Unsupported(f"{node_shape}: {sorted(unknown)}")
        by_class = sorted(str(t) for t in shapes.objects(node_shape, SH.targetClass))
        by_subject = sorted(str(t) for t in shapes.objects(node_shape, SH.targetSubjectsOf))
        if by_class and by_subject:
            raise Unsupported(f"{node_shape}: both sh:targetClass and sh:targetSubjectsOf")
        targets: Target = ("class", by_class) if by_class else ("subjectsOf", by_subject)
        name = str(node_shape)
        kind = shapes.value(node_shape, SH.nodeKind)
        if kind is not None:
            compiled.append((targets, Check(name, "", f"FILTER(!{_node_kind(kind, '?f')})")))
        for alternatives in shapes.objects(node_shape, SH["or"]):
            ors = []
            for member in _list(shapes, alternatives):
                path = shapes.value(member, SH.path)
                if path is None or shapes.value(member, SH.minCount) != rdflib.Literal(1):
                    raise Unsupported(f"sh:or member of {node_shape} other than [sh:path p; sh:minCount 1]")
                ors.append(f"EXISTS {{ ?f {_term(path)} ?any }}")
            compiled.append((targets, Check(name, "", f"FILTER(!({' || '.join(ors)}))")))
        for prop in shapes.objects(node_shape, SH.property):
            compiled.extend((targets, check) for check in _property_checks(shapes, prop))
    return compiled


def _property_checks(shapes: rdflib.Graph, prop: rdflib.term.Node) -> list[Check]:
    unknown = {p for p in shapes.predicates(prop, None)} - _KNOWN_PROPERTY
    if unknown:
        raise Unsupported(f"{prop}: {sorted(unknown)}")
    path = shapes.value(prop, SH.path)
    if not isinstance(path, rdflib.URIRef):
        raise Unsupported(f"{prop}: only IRI paths are compiled")
    p, name = _term(path), str(prop)
    values = f"?f {p} ?v"
    checks: list[Check] = []
    lo, hi = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
    if lo is not None and int(lo) > 0:
        checks.append(Check(name, str(path), f"FILTER NOT EXISTS {{ {values} }}" if int(lo) == 1 else
                            f"{{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) {{ __FOCUS__ OPTIONAL {{ {values} }} }}"
                            f" GROUP BY ?f }} FILTER(?n < {int(lo)})"))
    if hi is not None:
        checks.append(Check(name, str(path), f"{{ SELECT ?f (COUNT(DISTINCT ?v) AS ?n) {{ {values} }} GROUP BY ?f }}"
                                             f" FILTER(?n > {int(hi)})", binds_focus=True))
    for pred in _VALUE_PREDICATES:
        for obj in shapes.objects(prop, pred):
            cond = _condition(shapes, prop, pred, obj, "?v")
            checks.append(Check(name, str(path), f"{values} FILTER(!({cond}))", binds_focus=True))
    if shapes.value(prop, SH.uniqueLang) == rdflib.Literal(True):
        checks.append(Check(name, str(path), f"?f {p} ?v, ?w FILTER(isLiteral(?v) && isLiteral(?w)"
                                             " && LANG(?v) != \"\" && LANG(?v) = LANG(?w) && ?v != ?w)",
                                             binds_focus=True))
    qshape = shapes.value(prop, SH.qualifiedValueShape)
    if qshape is not None:
        cond = _value_condition(shapes, qshape, "?v")
        count = (f"{{ SELECT ?f (SUM(IF(BOUND(?v) && ({cond}), 1, 0)) AS ?n) {{ __FOCUS__ "
                 f"OPTIONAL {{ {values} }} }} GROUP BY ?f }}")
        qmin, qmax = shapes.value(prop, SH.qualifiedMinCount), shapes.value(prop, SH.qualifiedMaxCount)
        if qmin is not None:
            checks.append(Check(name, str(path), f"{count} FILTER(?n < {int(qmin)})"))
        if qmax is not None:
            checks.append(Check(name, str(path), f"{count} FILTER(?n > {int(qmax)})"))
    return checks


def _focus(target: Target, graph: str, after: bool = False) -> str:
    kind, iris = target
    values = " ".join(f"<{t}>" for t in iris)
    if after:  # ?f is bound already: test it
        if kind == "class":
            return (f"?f <{RDF_TYPE}> ?t VALUES ?t {{ {values} }} "
                    f"FILTER EXISTS {{ GRAPH <{graph}> {{ ?f ?sp ?so }} }}")
        return f"FILTER EXISTS {{ GRAPH <{graph}> {{ ?f ?tp ?any }} VALUES ?tp {{ {values} }} }}"
    if kind == "class":
        return (f"{{ SELECT DISTINCT ?f {{ ?f <{RDF_TYPE}> ?t VALUES ?t {{ {values} }} "
                f"FILTER EXISTS {{ GRAPH <{graph}> {{ ?f ?sp ?so }} }} }} }}")
    return f"{{ SELECT DISTINCT ?f {{ GRAPH <{graph}> {{ ?f ?tp ?any }} VALUES ?tp {{ {values} }} }} }}"


def violations(
    store: ox.Store, compiled: list[tuple[Target, Check]], graph: str, context: list[str], limit: int = 50
) -> list[tuple[Check, str]]:
    """Violations as (check, focus node IRI), in check order; at most ``limit`` per check.

    The checks are independent read queries; Oxigraph runs them without holding the GIL, so
    they are spread over the machine's cores.
    """
    default = [ox.NamedNode(g) for g in [graph, *context]]

    def run(item: tuple[Target, Check]) -> list[tuple[Check, str]]:
        targets, check = item
        focus = _focus(targets, graph)
        body = check.query.replace("__FOCUS__", focus).replace("__SRC__", f"<{graph}>")
        where = f"{body} {_focus(targets, graph, after=True)}" if check.binds_focus else f"{focus} {body}"
        query = f"SELECT DISTINCT ?f WHERE {{ {where} }} ORDER BY ?f LIMIT {limit}"
        rows = store.query(query, default_graph=default, named_graphs=[ox.NamedNode(graph)])
        return [(check, row["f"].value) for row in rows]

    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        return [found for batch in pool.map(run, compiled) for found in batch]
