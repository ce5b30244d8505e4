"""The one way the questions read a store: ``GraphStore.query``'s convention over any store.

Two kinds of store answer SPARQL here: a ``GraphStore`` (``EmbeddedStore``, ``RemoteStore``; the
default graph is the union of the published graphs) and a bare ``pyoxigraph.Store`` (the build's
staging store, the tests). :func:`select` takes either with the same arguments: graph names as IRI
strings, substitutions by variable name; it is the store's own :func:`~ecograph.store.embedded.run_query`.
"""

from __future__ import annotations

from ecograph.store.embedded import run_query as select

__all__ = ["select"]
