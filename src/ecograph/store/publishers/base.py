"""What a build publishes into: the ``Publisher`` protocol that the one build loop drives.

A build stages every graph in ``publisher.stage`` (an Oxigraph store no reader sees), validates
it there, and asks the publisher to make it visible; what "visible" means is the backend's:

* ``EmbeddedPublisher``: the stage is the next generation of the on-disk store; nothing is
  visible until ``finish`` makes that generation current in one atomic rename;
* ``RemotePublisher``: the stage is an in-memory mirror; ``publish`` uploads one graph to the
  SPARQL server and swaps it in with one request, ``finish`` registers exactly the graphs of
  the build.

Either way a graph that is not published keeps its previous version (``previous``), which the
build copies into the stage so that the later steps see what readers see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

import pyoxigraph as ox


class PublishFailed(RuntimeError):
    """Nothing more can be published (another build holds the store, the server is gone); what
    was published before is kept."""


class PublishRefused(RuntimeError):
    """The target refused one graph; its published version is kept and the build goes on."""


@dataclass(frozen=True)
class PreviousGraph:
    """The published version of a graph: its triples and its provenance record, as N-Triples."""

    data: bytes
    provenance: bytes


class PublishedGraphs(Protocol):
    """What a build step reads back once the graphs are final (the dumps): an ``EmbeddedStore``
    over the staged generation, or the server's ``RemoteStore``."""

    @property
    def generation(self) -> str: ...

    def graphs(self) -> list[str]: ...

    def quads(self, graph: str | None = None) -> Iterator[Any]: ...


Ready = Callable[[PublishedGraphs], None]


class Staging:
    """The stage of a publisher, once its with block is entered (what both publishers share)."""

    _stage: ox.Store | None = None

    @property
    def stage(self) -> ox.Store:
        assert self._stage is not None, "use the publisher in a with block, before finish"
        return self._stage


class Publisher(Protocol):
    """One build's target; a context manager (entering takes the store, leaving releases it and,
    if ``finish`` was not reached, throws the unfinished build away)."""

    @property
    def build_id(self) -> str:
        """The generation's name, or the server build's stamp."""

    @property
    def where(self) -> str:
        """Where the build is published, for messages."""

    @property
    def stage(self) -> ox.Store:
        """Where the build stages its graphs; no reader sees it."""

    def previous(self, graph: str) -> PreviousGraph | None:
        """The published version of ``graph`` with its provenance, or None if it is not published."""

    def staged(self, graph: str) -> None:
        """``graph`` is complete in the stage (for now: the build may still drop or replace it, and
        then says so again); the embedded publisher starts writing it to disk, unseen."""

    def publish(self, name: str, graph: str, provenance: str | None = None) -> None:
        """Publish the staged ``graph`` (and its provenance record, N-Triples, in the meta graph).

        Raises ``PublishRefused`` when the target refuses it (its previous version is kept)."""

    def finish(self, graphs: list[str], ready: Ready | None = None) -> int:
        """Make exactly ``graphs`` what readers see; returns their number of triples.

        ``ready`` gets the final graphs: before they become visible when that is one atomic step
        (embedded: the dumps of a published generation then always exist), else right after."""

    def __enter__(self) -> Publisher: ...

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...
