"""Which graphs a query sees: decided here, once, for every caller and both backends.

A query sees the *published* graphs only. Without a dataset of its own its default graph is
their union and every published graph is a named graph. A protocol dataset
(``default-graph-uri`` / ``named-graph-uri``) replaces the query's ``FROM`` / ``FROM NAMED``,
which in turn replace the union; a graph named in either that is not published is empty.

The answer is a pair ``(default graphs, named graphs)``; ``(None, None)`` means "the published
union". Each store turns it into what its engine understands (pyoxigraph's
``use_default_graph_as_union``, or the protocol parameters of a SPARQL server, see
:meth:`ecograph.store.remote.RemoteStore.query`).
"""

from __future__ import annotations

from collections.abc import Iterable

#: ``(default graphs, named graphs)``; ``None`` for both: the union of the published graphs.
Dataset = tuple[list[str] | None, list[str] | None]

UNION: Dataset = (None, None)


def query_dataset(
    *,
    default_graphs: Iterable[str] | None = None,
    named_graphs: Iterable[str] | None = None,
    from_graphs: Iterable[str] = (),
    from_named: Iterable[str] = (),
) -> Dataset:
    """The dataset of a query: the protocol's, else the query text's ``FROM``, else the published union."""
    if default_graphs is not None or named_graphs is not None:
        return list(default_graphs or ()), list(named_graphs or ())
    from_graphs, from_named = list(from_graphs), list(from_named)
    if from_graphs or from_named:
        return from_graphs, from_named
    return UNION


def only_published(dataset: Dataset, published: Iterable[str]) -> Dataset:
    """The dataset with every graph that is not published left out (``None`` stays: the published union)."""
    held = set(published)
    default, named = dataset
    return ([g for g in default if g in held] if default is not None else None,
            [g for g in named if g in held] if named is not None else None)
