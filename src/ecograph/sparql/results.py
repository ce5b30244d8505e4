"""Write a query ``Result`` as an aligned text table, CSV, TSV, SPARQL JSON or Turtle.

CSV and TSV follow "SPARQL 1.1 Query Results CSV and TSV Formats" (CSV: plain values; TSV:
terms in Turtle/N-Triples syntax); JSON follows "SPARQL 1.1 Query Results JSON Format".
The table is for people: IRIs shortened to CURIEs or to ``kind/key`` for our own data,
literals shown as their text, numbers aligned right.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pyoxigraph as ox

from ecograph.model.namespaces import PREFIXES
from ecograph.questions.catalogue import QueryError, Result, Term

FORMATS = ("table", "csv", "tsv", "json", "turtle")
_XSD_STRING = PREFIXES["xsd"] + "string"
_NUMERIC = ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")


def short_iri(iri: str, base: str | None = None) -> str:
    """A readable form of an IRI: ``org/imec`` for our data, ``eco:Company`` for vocabularies."""
    if base:
        root = base.rstrip("/")
        for part in ("/id/", "/"):
            if iri.startswith(root + part):
                return iri[len(root) + len(part):]
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, short = ns, f"{prefix}:{iri[len(ns):]}"
    return short if best else iri


def readable(term: Term | None, base: str | None = None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return short_iri(term.value, base)
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _is_number(term: Term | None) -> bool:
    return (
        isinstance(term, ox.Literal)
        and term.datatype is not None
        and term.datatype.value.startswith(PREFIXES["xsd"])
        and term.datatype.value[len(PREFIXES["xsd"]):] in _NUMERIC
    )


def to_table(result: Result, base: str | None = None) -> str:
    if result.kind == "ask":
        return "true\n" if result.boolean else "false\n"
    if result.kind == "graph":
        result = Result(
            kind="select",
            variables=["subject", "predicate", "object"],
            rows=[(t.subject, t.predicate, t.object) for t in result.triples],
        )
    header = list(result.variables)
    cells = [[readable(t, base).replace("\n", " ") for t in row] for row in result.rows]
    widths = [len(h) for h in header]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))
    numeric = [
        bool(result.rows) and all(_is_number(r[i]) or r[i] is None for r in result.rows)
        for i in range(len(header))
    ]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    n = len(result.rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out) + "\n"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def to_csv(result: Result) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    elif result.kind == "graph":
        writer.writerow(["subject", "predicate", "object"])
        for t in result.triples:
            writer.writerow([_csv_value(t.subject), _csv_value(t.predicate), _csv_value(t.object)])
    else:
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([_csv_value(t) for t in row])
    return buf.getvalue()


def to_tsv(result: Result) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    if result.kind == "graph":
        rows = [(t.subject, t.predicate, t.object) for t in result.triples]
        header = ["?subject", "?predicate", "?object"]
    else:
        rows = result.rows
        header = ["?" + v for v in result.variables]
    out = ["\t".join(header)]
    out.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return "\n".join(out) + "\n"


def json_term(term: Term) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format (RDF-star triples included)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype.value != _XSD_STRING:
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


def to_json(result: Result) -> str:
    if result.kind == "ask":
        doc: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        if result.kind == "graph":
            variables = ["subject", "predicate", "object"]
            rows: list[tuple[Term | None, ...]] = [
                (t.subject, t.predicate, t.object) for t in result.triples
            ]
        else:
            variables, rows = result.variables, result.rows
        bindings = [
            {v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows
        ]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def to_turtle(result: Result) -> str:
    if result.kind != "graph":
        raise QueryError("format 'turtle' needs a CONSTRUCT or DESCRIBE query")
    data = ox.serialize(result.triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    return data.decode("utf-8") if data else ""


def render(result: Result, fmt: str, base: str | None = None) -> str:
    """``result`` in format ``fmt`` (one of ``FORMATS``)."""
    if fmt == "table":
        return to_table(result, base)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "json":
        return to_json(result)
    if fmt == "turtle":
        return to_turtle(result)
    raise QueryError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
