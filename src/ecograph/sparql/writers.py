"""Serialise query results with a row and a byte cap.

pyoxigraph serialises a whole result iterator; the endpoint must stop after ``max_rows`` rows or
about ``max_bytes`` bytes, so results are read only as far as :func:`bounded` lets them, SELECT
results are written here (SPARQL 1.1 JSON, XML, CSV and TSV), and :func:`fit` checks the written
document against the byte cap. The CLI's CSV and TSV (``ecograph.sparql.results``) are these writers too, and
Turtle and TriG get the one prefix table, ``ecograph.model.namespaces.PREFIXES``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ecograph.model.namespaces import PREFIXES

XSD_STRING = PREFIXES["xsd"] + "string"


#: Bytes a binding or triple adds to a document beyond its terms' text (JSON keys and braces,
#: XML elements). The estimate only decides where to stop reading; the written body is checked.
_OVERHEAD = 48


def _term_size(term: Any) -> int:
    if term is None:
        return 0
    if isinstance(term, ox.Literal):
        return len(term.value) + len(term.datatype.value) + _OVERHEAD
    return len(str(term)) + _OVERHEAD


def solution_size(row: Any, variables: list[str]) -> int:
    """An upper estimate of the bytes one solution takes in any results format."""
    return sum(_term_size(row[v]) + len(v) for v in variables) + _OVERHEAD


def triple_size(triple: Any) -> int:
    """An upper estimate of the bytes one triple takes in any RDF format."""
    return _term_size(triple.subject) + _term_size(triple.predicate) + _term_size(triple.object)


def bounded(items: Iterable[Any], max_rows: int, max_bytes: int,
            size: Callable[[Any], int]) -> tuple[list[Any], bool, bool]:
    """The first items that fit ``max_rows`` and ``max_bytes``; (items, rows capped, bytes capped)."""
    taken: list[Any] = []
    total = 0
    for item in items:
        if len(taken) == max_rows:
            return taken, True, False
        total += size(item)
        if total > max_bytes:
            return taken, False, True
        taken.append(item)
    return taken, False, False


def fit(items: list[Any], max_bytes: int, write: Callable[[list[Any]], bytes]) -> tuple[bytes, bool]:
    """``write(items)``, with items dropped from the end until the document has at most ``max_bytes``."""
    body = write(items)
    dropped = False
    while len(body) > max_bytes and items:
        items = items[: int(len(items) * max_bytes / len(body) * 0.9)]
        body, dropped = write(items), True
    return body, dropped


# --- SELECT ----------------------------------------------------------------------------------------


def json_term(term: Any) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format (RDF-star triples included)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": json_term(term.subject),
                "predicate": json_term(term.predicate),
                "object": json_term(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"unexpected term {term!r}")


def _csv_field(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        value = "_:" + term.value
    elif isinstance(term, (ox.NamedNode, ox.Literal)):
        value = term.value
    else:
        value = str(term)
    if any(c in value for c in '",\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _tsv_field(term: Any) -> str:
    return "" if term is None else str(term)


def write_solutions(variables: list[str], rows: Iterator[Any] | list[Any], fmt: str) -> bytes:
    """A SELECT result in one of the four SPARQL results formats; a row is anything indexed by variable name
    (a ``pyoxigraph.QuerySolution`` or a dict)."""
    if fmt == "json":
        bindings = [
            {v: json_term(t) for v in variables if (t := row[v]) is not None} for row in rows
        ]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    out = io.StringIO()
    if fmt == "xml":
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">')
        out.write("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        out.write("</head><results>")
        for row in rows:
            out.write("<result>")
            for v in variables:
                term = row[v]
                if term is not None:
                    out.write(f"<binding name={quoteattr(v)}>{_xml_term(term)}</binding>")
            out.write("</result>")
        out.write("</results></sparql>\n")
    elif fmt == "csv":
        out.write(",".join(variables) + "\r\n")
        for row in rows:
            out.write(",".join(_csv_field(row[v]) for v in variables) + "\r\n")
    elif fmt == "tsv":
        out.write("\t".join("?" + v for v in variables) + "\n")
        for row in rows:
            out.write("\t".join(_tsv_field(row[v]) for v in variables) + "\n")
    else:
        raise ValueError(f"unknown results format {fmt!r}")
    return out.getvalue().encode()


_BOOLEAN_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def write_boolean(value: Any, fmt: str) -> bytes:
    """An ASK result."""
    data = value.serialize(format=_BOOLEAN_FORMATS[fmt])
    assert isinstance(data, bytes)
    return data


# --- CONSTRUCT / DESCRIBE --------------------------------------------------------------------------


def used_prefixes(items: Iterable[Any]) -> dict[str, str]:
    """The prefixes of ``PREFIXES`` whose namespace occurs in the items (so documents stay short)."""
    found: dict[str, str] = {}
    for item in items:
        for term in (item.subject, item.predicate, item.object):
            value = term.value if isinstance(term, ox.NamedNode) else (
                term.datatype.value if isinstance(term, ox.Literal) else "")
            if not value:
                continue
            for prefix, ns in PREFIXES.items():
                if prefix not in found and value.startswith(ns):
                    found[prefix] = ns
        if len(found) == len(PREFIXES):
            break
    return found


def write_triples(triples: list[ox.Triple], fmt: ox.RdfFormat) -> bytes:
    """Triples in any RDF format; quad formats put them in the default graph."""
    items: list[Any] = triples
    if fmt.supports_datasets:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = used_prefixes(triples) if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    data = ox.serialize(items, format=fmt, prefixes=prefixes)
    assert isinstance(data, bytes)
    return data


def write_quads(quads: Iterable[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    """Quads in TriG or N-Quads, or their triples (deduplicated) in any other format.

    JSON-LD could hold the named graphs too, but clients reading a document as one graph
    (rdflib, most JSON-LD tools) would then see nothing, so it gets the merged triples.
    """
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        items = list(quads)
        prefixes = used_prefixes(items) if fmt == ox.RdfFormat.TRIG else None
        data = ox.serialize(items, format=fmt, prefixes=prefixes)
    else:
        seen: dict[ox.Triple, None] = {}
        for q in quads:
            seen.setdefault(ox.Triple(q.subject, q.predicate, q.object), None)
        prefixes = used_prefixes(seen) if fmt == ox.RdfFormat.TURTLE else None
        data = ox.serialize(list(seen), format=fmt, prefixes=prefixes)
    assert isinstance(data, bytes)
    return data
