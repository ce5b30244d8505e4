"""The one way the questions read a store: ``GraphStore.query``'s convention over any store.

Two kinds of store answer SPARQL here: a ``GraphStore`` (``EmbeddedStore``, ``RemoteStore``; the
default graph is the union of the published graphs) and an object with ``pyoxigraph.Store.query``'s
keywords (a bare ``pyoxigraph.Store`` in the build and the tests). :func:`select` takes either and
always the same arguments: graph names as IRI strings, substitutions by variable name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecograph.store.embedded import run_query


def select(
    store: Any,
    sparql: str,
    *,
    substitutions: Mapping[str, Any] | None = None,
    base_iri: str | None = None,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> Any:
    """Run ``sparql`` on ``store``; without ``default_graph`` the default graph is the union of the graphs."""
    subs = dict(substitutions) if substitutions else None
    if hasattr(store, "generation"):  # a GraphStore: its query has this very signature
        return store.query(sparql, substitutions=subs, base_iri=base_iri, default_graph=default_graph,
                           named_graphs=named_graphs)
    return run_query(store, sparql, substitutions=subs, base_iri=base_iri, default_graph=default_graph,
                     named_graphs=named_graphs)
