"""Bind variables of a query in its text: the protocol has no parameter for engine-bound variables.

A ``VALUES ?v { term }`` block is put at the start of every group graph pattern that mentions
``?v`` (and of the query's top group). That is what Oxigraph's substitutions (SEP-0007) mean — the
variable is bound everywhere, inside sub-queries and ``UNION`` branches too — whereas one
``VALUES`` block after the query would join only after grouping. The groups come from the parser,
so strings, IRIs and comments cannot be taken for braces; only terms serialised by pyoxigraph are
written into the text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ecograph.sparql.parser import ParsedQuery, parse_query


def term_text(term: Any) -> str:
    """SPARQL text of a bound term: IRIs and literals only (VALUES cannot hold a blank node)."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)  # N-Triples syntax, escaped by pyoxigraph; valid SPARQL
    raise ValueError(f"cannot bind {term!r} over the SPARQL protocol: only IRIs and literals")


def bind_values(sparql: str, bindings: Mapping[str, Any]) -> str:
    """The query (in canonical text) with each variable of ``bindings`` bound in every group that mentions it."""
    return bound_query(sparql, bindings)[0]


def bound_query(sparql: str, bindings: Mapping[str, Any]) -> tuple[str, str]:
    """(:func:`bind_values`'s text, the query form), from one parse."""
    parsed = parse_query(sparql)
    values = {name.lstrip("?$"): term_text(term) for name, term in bindings.items()}
    return _insert(parsed, sparql, values, keep_text=False), parsed.form


def insert_values(sparql: str, values: Mapping[str, str], *, keep_text: bool = False) -> str:
    """``VALUES`` blocks for ``values`` (variable name → SPARQL term text) in every group that mentions
    the variable (and the top group). The canonical text, or with ``keep_text`` the client's own text
    (comments and layout kept; only where it has no codepoint escapes, which move positions)."""
    return _insert(parse_query(sparql), sparql, values, keep_text=keep_text)


def _insert(parsed: ParsedQuery, sparql: str, values: Mapping[str, str], *, keep_text: bool) -> str:
    if not values:
        return parsed.canonical()
    if not parsed.groups:
        raise SyntaxError("cannot bind variables: the query has no group graph pattern")
    inserts: dict[int, str] = {}
    for index, group in enumerate(parsed.groups):
        names = [n for n in values if n in group.variables or index == 0]
        if names:
            inserts[group.open] = "".join(f" VALUES ?{n} {{ {values[n]} }}" for n in names)
    if keep_text and "\\u" not in sparql and "\\U" not in sparql:
        out = sparql
        for index in sorted(inserts, reverse=True):
            at = parsed.tokens[index].pos + 1  # just after the group's "{"
            out = out[:at] + inserts[index] + out[at:]
        return out
    return parsed.canonical(inserts)


def query_form(sparql: str) -> str:
    """SELECT, CONSTRUCT, ASK or DESCRIBE."""
    return parse_query(sparql).form
