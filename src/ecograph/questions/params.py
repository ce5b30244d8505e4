"""Bind a saved query's parameters: the values a user typed, as engine terms checked against their types.

Values are bound by the engine (SEP-0007 substitutions), never pasted into the query text; see
``ecograph.questions.catalogue`` for the parameter types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ecograph.model.namespaces import ECO, PREFIXES
from ecograph.questions.regions import RegionNotFound, region_index, resolve
from ecograph.questions.saved import Param, SavedQuery, expand_curie
from ecograph.questions.source import select
from ecograph.sparql.results import QueryError, Term

_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _resolve_iri(param: Param, value: str, base: str, kind: str | None = None) -> str:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    expanded = expand_curie(value)
    if expanded != value:
        return expanded
    if _SCHEME_RE.match(value):
        return value
    kind = kind or param.kind
    if "/" not in value and kind:
        value = f"{kind}/{value}"
    return f"{base}/id/{value.lstrip('/')}"


def _node(param: Param, iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise QueryError(f"parameter {param.name!r}: {iri!r} is not a valid IRI") from None


_HAS_TYPE = """
ASK { { ?value a ?class } UNION { ?value a ?type . ?type rdfs:subClassOf+ ?class } }
"""


def _check_type(store: Any, param: Param, node: ox.NamedNode, cls: str) -> None:
    prefix = f"PREFIX rdfs: <{PREFIXES['rdfs']}>\n"
    found = select(
        store, prefix + _HAS_TYPE, substitutions={"value": node, "class": ox.NamedNode(cls)}
    )
    if not bool(found):
        label = next((f"{p}:{cls[len(i):]}" for p, i in PREFIXES.items() if cls.startswith(i)), cls)
        raise QueryError(f"parameter {param.name!r}: no {label} {node} in the graph")


def bind_param(store: Any, param: Param, value: str, base: str) -> Term:
    """The engine term for one parameter value, checked against its declared type."""
    if param.type == "integer":
        try:
            return ox.Literal(str(int(value.strip())), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
        except ValueError:
            raise QueryError(f"parameter {param.name!r}: {value!r} is not an integer") from None
    if param.type == "literal":
        return ox.Literal(value)
    if param.type == "region":
        items = [v.strip() for v in value.split(",") if v.strip()]
        if not items:
            raise QueryError(f"parameter {param.name!r}: empty value")
        try:  # a region by key, NIS code, NUTS code or name, or a list of municipalities
            found = resolve(region_index(store, base), value)
        except RegionNotFound:
            found = None  # the checks below name what is missing
        if found is not None and found.iri is not None:
            return ox.NamedNode(found.iri)
        if found is not None:
            return ox.Literal(" ".join(f"<{m}>" for m in sorted(found.municipalities)))
        if len(items) > 1 or items[0].isdigit():
            # an explicit set of municipalities
            nodes = []
            for item in items:
                node = _node(param, _resolve_iri(param, item, base, kind="municipality"))
                _check_type(store, param, node, ECO.Municipality)
                nodes.append(node)
            return ox.Literal(" ".join(str(n) for n in nodes))
    node = _node(param, _resolve_iri(param, value, base))
    if param.cls:
        _check_type(store, param, node, param.cls)
    return node


def bind_params(
    store: Any, query: SavedQuery, values: Mapping[str, str], base: str
) -> dict[str, Term]:
    """Engine bindings for ``values`` plus the defaults; unknown or missing names are errors."""
    known = {p.name: p for p in query.params}
    for name in values:
        if name not in known:
            names = ", ".join(known) or "none"
            raise QueryError(f"query {query.name!r} has no parameter {name!r} (parameters: {names})")
    bindings: dict[str, Term] = {}
    for p in query.params:
        value = values.get(p.name, p.default)
        if p.optional and (value is None or not str(value).strip()):
            # "" rather than unbound: engines substitute a bound variable everywhere, and
            # BOUND() of a substituted variable is false in Oxigraph
            bindings[p.name] = ox.Literal("")
            continue
        if value is None:
            raise QueryError(f"parameter {p.name!r} of query {query.name!r} needs a value")
        bindings[p.name] = bind_param(store, p, str(value), base)
    return bindings


