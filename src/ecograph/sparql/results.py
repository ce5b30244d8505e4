"""A query answer held in memory (``Result``), and the CLI's text forms of it: an aligned table, CSV, TSV,
SPARQL JSON or Turtle.

CSV and TSV are the endpoint's writers (``ecograph.sparql.writers``: "SPARQL 1.1 Query Results CSV and
TSV Formats"); JSON follows "SPARQL 1.1 Query Results JSON Format", indented for people.
The table is for people: IRIs shortened to CURIEs or to ``kind/key`` for our own data,
literals shown as their text, numbers aligned right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ecograph.model.namespaces import PREFIXES
from ecograph.sparql.writers import json_term, write_solutions

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryError(Exception):
    """A query, a parameter value or an answer format cannot be used; the message says which and why."""


@dataclass
class Result:
    """A query answer held in memory: SELECT rows, an ASK boolean or CONSTRUCT triples."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def records(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def values(self) -> list[tuple[Any, ...]]:
        """Rows as plain Python values (IRI and literal strings, ints for integers); for tests."""
        return [tuple(plain(t) for t in row) for row in self.rows]

    def as_rows(self) -> tuple[list[str], list[tuple[Term | None, ...]]]:
        """(variables, rows) of a SELECT, or of a graph answer as subject/predicate/object rows."""
        if self.kind == "graph":
            return ["subject", "predicate", "object"], [(t.subject, t.predicate, t.object) for t in self.triples]
        return list(self.variables), list(self.rows)


def plain(term: Term | None) -> Any:
    """A term as a plain value: None, IRI string, int, or the literal's lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def to_result(raw: Any, hide: frozenset[str] = frozenset()) -> Result:
    """Materialise a pyoxigraph answer; ``hide`` drops (parameter) columns."""
    if isinstance(raw, ox.QueryBoolean):
        return Result(kind="ask", boolean=bool(raw))
    if isinstance(raw, ox.QueryTriples):
        return Result(kind="graph", triples=list(raw))
    names = [v.value for v in raw.variables]
    keep = [i for i, n in enumerate(names) if n not in hide]
    rows = []
    for sol in raw:
        rows.append(tuple(sol[i] for i in keep))
    return Result(kind="select", variables=[names[i] for i in keep], rows=rows)


FORMATS = ("table", "csv", "tsv", "json", "turtle")
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
        variables, rows = result.as_rows()
        result = Result(kind="select", variables=variables, rows=rows)
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


def _written(result: Result, fmt: str) -> str:
    """CSV or TSV by the protocol's writers (``ecograph.sparql.writers``); an ASK answer gets a header."""
    if result.kind == "ask":
        header = "boolean" if fmt == "csv" else "?boolean"
        end = "\r\n" if fmt == "csv" else "\n"
        return header + end + ("true" if result.boolean else "false") + end
    variables, rows = result.as_rows()
    return write_solutions(variables, [dict(zip(variables, row, strict=True)) for row in rows], fmt).decode()


def to_csv(result: Result) -> str:
    return _written(result, "csv")


def to_tsv(result: Result) -> str:
    return _written(result, "tsv")


def to_json(result: Result) -> str:
    if result.kind == "ask":
        doc: dict[str, Any] = {"head": {}, "boolean": bool(result.boolean)}
    else:
        variables, rows = result.as_rows()
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
