"""Publishing into a SPARQL server: staged uploads and a one-request swap per graph.

Two ways to stage a graph, both invisible to readers (they only see registered graphs):

* first publication (the graph is not registered): the triples are loaded straight into the
  graph's own name, after dropping any leftover of an interrupted build; the swap registers it
  together with its provenance;
* republication: the difference with the published version is staged, as two graphs
  ``…/staging/<name>/add`` and ``…/staging/<name>/remove``, and the swap applies both in the
  same request. A rebuild of unchanged data then writes almost nothing, and no server has to
  copy or drop a whole graph inside the swap (Oxigraph server takes seconds per ten thousand
  triples for ``MOVE`` and ``DROP``). Triples with blank nodes cannot be matched across
  requests, so when there are any, all of them are replaced.

A graph the server refuses (a batch it rejects) leaves its published version and provenance
exactly as they were. One build at a time per server: the protocol has no lock, so concurrent
builds into the same server and base must be prevented by whoever schedules them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import TracebackType

import pyoxigraph as ox

from ecograph.model.namespaces import DCTERMS, VOID, XSD
from ecograph.settings import Settings
from ecograph.store.publishers.base import PreviousGraph, PublishFailed, PublishRefused, Ready, Staging
from ecograph.store.publishers.difference import batches, difference
from ecograph.store.remote import RemoteError, RemoteStore, ServerUnavailable

BATCH = 50_000
AfterBatch = Callable[[str, int], None]
Progress = Callable[[str], None]


class RemotePublisher(Staging):
    """Staging, batched upload and the one-request swap, for one server and one build.

    As a build's ``Publisher`` the stage is an in-memory Oxigraph store that mirrors what the
    server publishes, as far as the build needs to know it.
    """

    def __init__(self, remote: RemoteStore, settings: Settings, *, batch: int = BATCH,
                 after_batch: AfterBatch | None = None, progress: Progress = print) -> None:
        self.remote = remote
        self.settings = settings
        self.batch = batch
        self.after_batch = after_batch
        self.progress = progress
        self.build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        self.step = 0
        self.registered = set(remote.published)
        self._before = list(remote.published)
        # what readers saw before this build, kept once read: the changeset compares against it
        # after the swaps, and the first swap of a graph diffs against the same bytes
        self._old: dict[str, PreviousGraph] = {}
        self._swapped: set[str] = set()
        self._stage: ox.Store | None = None
        self._owns_remote = False

    @classmethod
    def connect(cls, settings: Settings, *, batch: int = BATCH, after_batch: AfterBatch | None = None,
                progress: Progress = print) -> RemotePublisher:
        """A publisher on the server of ``settings``, which it closes on leaving its with block."""
        try:
            remote = RemoteStore.from_settings(settings, require_published=False)
        except ServerUnavailable as exc:
            raise PublishFailed(str(exc)) from None
        publisher = cls(remote, settings, batch=batch, after_batch=after_batch, progress=progress)
        publisher._owns_remote = True
        return publisher

    # --- the Publisher protocol ---

    def __enter__(self) -> RemotePublisher:
        self._stage = ox.Store()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stage = None
        if self._owns_remote:
            self.remote.close()

    @property
    def where(self) -> str:
        return f"on {self.settings.sparql_query}"

    def previous(self, graph: str) -> PreviousGraph | None:
        """The graph as published before this build (also after this build swapped it)."""
        if graph not in self._before:
            return None
        if graph not in self._old:
            if graph in self._swapped:
                raise RuntimeError(f"{graph} was swapped before its previous version was read")
            with self.server():
                data = self.remote.get_graph(graph)
                node, meta = ox.NamedNode(graph), ox.NamedNode(self.meta)
                record = self.remote.query(
                    f"CONSTRUCT {{ {node} ?p ?o }} WHERE {{ GRAPH {meta} {{ {node} ?p ?o }} }}", use_union=False)
            self._old[graph] = PreviousGraph(data, ox.serialize(record, format=ox.RdfFormat.N_TRIPLES))
        return self._old[graph]

    def staged(self, graph: str) -> None:
        """Nothing to do: a graph is uploaded when it is published."""

    def publish(self, name: str, graph: str, provenance: str | None = None) -> None:
        data = self.stage.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        t0 = time.perf_counter()
        with self.server():
            try:
                count = self.publish_graph(name, graph, data, provenance)
            except ServerUnavailable:
                raise
            except RemoteError as exc:
                raise PublishRefused(f"the server refused the upload: {exc}") from None
        self.progress(f"[{name}] uploaded in {count} batch(es) and swapped in ({time.perf_counter() - t0:.1f} s)")

    def finish(self, graphs: list[str], ready: Ready | None = None, *, activity: str = "build") -> int:
        """Register exactly ``graphs`` (and the meta graph) as published, withdrawing the others."""
        with self.server(activity):
            self.register_exactly(graphs if self.meta in graphs else [*graphs, self.meta], self._before)
            self.remote.refresh()
            triples = len(self.remote)
        if ready is not None:
            ready(self.remote)
        return triples

    @contextlib.contextmanager
    def server(self, activity: str = "build") -> Iterator[None]:
        """Turn a server gone away into ``PublishFailed`` (what was published before is kept)."""
        try:
            yield
        except ServerUnavailable as exc:
            raise PublishFailed(
                f"the server went away during the {activity}; what was published before is kept: {exc}") from None

    # --- staging and swapping one graph ---

    def _published_before(self, graph: str) -> bytes:
        previous = self.previous(graph)
        assert previous is not None
        return previous.data

    @property
    def meta(self) -> str:
        return self.settings.graph("meta")

    def _stamp(self) -> str:
        self.step += 1
        return f"{self.build_id}/{self.step}"

    def upload(self, name: str, graph: str, data: bytes) -> int:
        """Add N-Triples to ``graph`` in batches; returns the number of batches.

        Triples with blank nodes travel together in the last batch: a blank node label only
        means the same node within one request.
        """
        count = 0
        for chunk in batches(data, self.batch):
            self.remote.post_ntriples(graph, chunk)
            count += 1
            if self.after_batch is not None:
                self.after_batch(name, count)
        return count

    def publish_graph(self, name: str, graph: str, data: bytes, provenance: str | None = None) -> int:
        """Stage ``data`` as the new content of ``graph`` and swap it in; returns the batch count.

        On a refused request the staged data is dropped (best effort) and the error re-raised;
        the published graph is untouched either way.
        """
        add, remove = self.remote.staging(f"{name}/add"), self.remote.staging(f"{name}/remove")
        first = graph not in self.registered
        try:
            if first:
                self.remote.update(f"DROP SILENT GRAPH <{graph}>")
                count = self.upload(name, graph, data)
                ops: list[str] = []
            else:
                self.remote.update(f"DROP SILENT GRAPH <{add}> ;\nDROP SILENT GRAPH <{remove}>")
                published = self.remote.get_graph(graph) if graph in self._swapped or graph not in self._before \
                    else self._published_before(graph)
                plus, minus, blank = difference(published, data)
                count = self.upload(name, add, plus) + self.upload(name, remove, minus)
                ops = []
                if minus:
                    ops.append(f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
                               f" WHERE {{ GRAPH <{remove}> {{ ?s ?p ?o }} }}")
                if blank:
                    ops.append(f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
                               f" WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }} }}")
                if plus:
                    ops.append(f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{add}> {{ ?s ?p ?o }} }}")
            members = [graph]
            if provenance is not None:
                ops.append(f"DELETE WHERE {{ GRAPH <{self.meta}> {{ <{graph}> ?p ?o }} }}")
                ops.append(f"INSERT DATA {{ GRAPH <{self.meta}> {{\n{provenance}}} }}")
                members.append(self.meta)
            self.remote.update(" ;\n".join(ops + self._register(members)))
        except ServerUnavailable:
            raise
        except RemoteError:
            with contextlib.suppress(RemoteError):  # best effort: the next build drops it anyway
                leftovers = [graph] if first else [add, remove]
                self.remote.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in leftovers))
            raise
        self.registered.update(members)
        self._swapped.update(members)
        if not first:
            with contextlib.suppress(RemoteError):
                self.remote.update(f"DROP SILENT GRAPH <{add}> ;\nDROP SILENT GRAPH <{remove}>")
        return count

    def _register(self, members: list[str], *, exactly: bool = False) -> list[str]:
        reg = self.remote.registry
        ops = [f"DELETE WHERE {{ GRAPH <{reg}> {{ <{reg}> <{DCTERMS.identifier}> ?stamp }} }}",
               f"DELETE WHERE {{ GRAPH <{reg}> {{ <{reg}> <{DCTERMS.modified}> ?time }} }}"]
        if exactly:
            ops.append(f"DELETE WHERE {{ GRAPH <{reg}> {{ <{reg}> <{VOID.subset}> ?g }} }}")
        listed = " , ".join(f"<{g}>" for g in members)
        now = ox.Literal(datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                         datatype=ox.NamedNode(XSD.dateTime))
        ops.append(
            f"INSERT DATA {{ GRAPH <{reg}> {{ <{reg}> <{VOID.subset}> {listed} ;"
            f" <{DCTERMS.identifier}> {ox.Literal(self._stamp())} ; <{DCTERMS.modified}> {now} }} }}"
        )
        return ops

    def register_exactly(self, published: list[str], previous: list[str]) -> None:
        """Register exactly ``published``; graphs published before but not now are removed."""
        gone = [g for g in previous if g not in published and g != self.meta]
        ops = self._register(published, exactly=True)
        ops += [f"DELETE WHERE {{ GRAPH <{self.meta}> {{ <{g}> ?p ?o }} }}" for g in gone]
        self.remote.update(" ;\n".join(ops))
        for g in gone:  # unregistered above, so no reader sees them any more
            with contextlib.suppress(RemoteError):
                self.remote.update(f"DROP SILENT GRAPH <{g}>")
            self.progress(f"[registry] {g} is no longer published")
