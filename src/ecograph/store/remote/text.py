"""The query text sent to a server: the protocol has no parameter for substitutions or a base IRI.

Substitutions (engine-bound variables, SEP-0007) become ``VALUES`` blocks (:mod:`ecograph.sparql.values`,
the one SPARQL reading of the code base, finds the query form and the groups they go into); the
base IRI becomes a ``BASE`` declaration in front.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ecograph.sparql.values import bound_query


def prepare(sparql: str, *, substitutions: Mapping[str, Any] | None = None, base_iri: str | None = None) -> str:
    """The text sent to the server: base IRI declared, substitutions bound."""
    return prepared(sparql, substitutions=substitutions, base_iri=base_iri)[0]


def prepared(sparql: str, *, substitutions: Mapping[str, Any] | None = None,
             base_iri: str | None = None) -> tuple[str, str]:
    """(:func:`prepare`'s text, the query form), from one parse."""
    text, form = bound_query(sparql, substitutions or {})  # the canonical text, bound
    if base_iri:
        text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
    return text, form
