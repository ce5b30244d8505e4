"""What every store offers (:class:`GraphStore`), and what follows the published one (:class:`StoreWatch`).

Answers are pyoxigraph's types on every backend (``QuerySolutions``, ``QueryBoolean``, an
iterable of triples; ``Quad``), so callers never ask which backend they talk to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, TypedDict, Unpack

import pyoxigraph as ox

from ecograph.store.dataset import UNION, Dataset
from ecograph.store.errors import StoreNotBuilt


class QueryOptions(TypedDict, total=False):
    """The keywords of ``query`` on every store (and of ``embedded.run_query``), each optional."""

    #: values bound to variables, by name (without ``?``)
    substitutions: Mapping[str, Any] | None
    base_iri: str | None
    #: the dataset ``(default_graph, named_graphs)`` of :mod:`.dataset`; both None: the published union
    default_graph: list[str] | None
    named_graphs: list[str] | None


class _StreamTimeout(TypedDict):
    #: seconds: bounds the wait where the store can (a server)
    timeout: float


class StreamOptions(_StreamTimeout, total=False):
    """The keywords of ``stream`` on every store: ``timeout``, and optionally these.

    (``timeout`` is required through a base class, not ``Required[...]``: with postponed annotations
    Python 3.11 does not see ``Required`` at run time, and ``_check`` reads the required keys.)"""

    base_iri: str | None
    #: the dataset of :mod:`.dataset`; default the published union
    dataset: Dataset


def _check(method: str, options: Any, keys: type) -> None:
    """A keyword that is not one of ``keys`` (a TypedDict), or a required one missing, is a ``TypeError``,
    as a misspelt or forgotten keyword argument is."""
    unknown, missing = set(options) - set(keys.__annotations__), keys.__required_keys__ - set(options)
    if unknown or missing:
        raise TypeError(f"{method}() got unexpected keyword arguments {sorted(unknown)} or misses {sorted(missing)}")


def unpacked(options: QueryOptions) -> tuple[Mapping[str, Any] | None, str | None, list[str] | None, list[str] | None]:
    """``(substitutions, base_iri, default_graph, named_graphs)``, None where not given."""
    _check("query", options, QueryOptions)
    return (options.get("substitutions"), options.get("base_iri"), options.get("default_graph"),
            options.get("named_graphs"))


def unpacked_stream(options: StreamOptions) -> tuple[str | None, Dataset, float]:
    """``(base_iri, dataset, timeout)``, the defaults where not given."""
    _check("stream", options, StreamOptions)
    return options.get("base_iri"), options.get("dataset", UNION), options["timeout"]


class GraphStore(Protocol):
    """One published state of the graph: what ``EmbeddedStore`` and ``RemoteStore`` both offer."""

    @property
    def generation(self) -> str:
        """The name of this publication (cache keys include it)."""

    def is_stale(self) -> bool:
        """True when something newer was published since this store was opened."""

    def built_at(self) -> datetime:
        """When this publication was built (UTC)."""

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> Any:
        """Run a query over the dataset ``(default_graph, named_graphs)`` (see :mod:`.dataset`;
        both None: the published union); ``substitutions`` bind variables (names without ``?``)."""

    def stream(self, sparql: str, **options: Unpack[StreamOptions]) -> AbstractContextManager[Any]:
        """The answer of a query over ``dataset`` (:mod:`.dataset`), read lazily while the context is
        open (the endpoint caps it).

        ``timeout`` bounds the wait where the store can (a server); raises ``SyntaxError``,
        ``QueryTimedOut``, ``ServerUnavailable`` or ``RemoteError``."""

    def graphs(self) -> list[str]:
        """The published named graphs."""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every published quad, or those of one graph."""

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,  # noqa: A002 - pyoxigraph's name
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """The published quads matching a pattern of pyoxigraph terms (``None`` matches anything)."""

    def dump(self, output: Any, fmt: ox.RdfFormat, graph: str | None = None) -> bytes | None:
        """Serialise the dataset (quad formats) or one graph (triple formats); ``output`` None: return bytes."""

    def __len__(self) -> int: ...


class StoreWatch(Protocol):
    """The published graph as it changes: reopened (or re-read) when a build publishes a new one."""

    #: Where the graph lives, for messages.
    where: str
    #: True when queries are evaluated in this process (and cannot be interrupted there), so an
    #: open endpoint must run them in worker processes; False when a server evaluates them.
    in_process: bool

    def generation(self) -> str | None:
        """The published generation, cheaply (no round trip); None when nothing is published."""

    def current(self) -> str:
        """The published generation; raises ``StoreNotBuilt`` when nothing is published."""
        generation = self.generation()
        if generation is None:
            raise StoreNotBuilt(f"no graph published in {self.where}: run `ecograph build` first")
        return generation

    def get(self) -> GraphStore:
        """The open store of the published generation; raises ``StoreNotBuilt``."""

    def close(self) -> None: ...
