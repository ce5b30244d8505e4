"""Build into a SPARQL server: the publishing protocol of ``publish.py``, over HTTP.

Per source:

1. the ingester runs and the SHACL gate validates **locally**, in an in-memory Oxigraph store
   that mirrors what the server publishes (the same functions as the embedded build:
   ``publish._publish_source``, so the same statuses, counts, errors and carry-over rules);
2. the validated triples are uploaded in batches (Graph Store Protocol POST, or ``INSERT DATA``
   without a graph-store endpoint) where no reader sees them: straight into the graph's own
   name the first time (a graph is visible only once registered), otherwise into the staging
   graphs ``<base>/graph/staging/<source>/add`` and ``…/remove`` that hold the difference with
   the published version (see :class:`RemotePublisher`);
3. **one** SPARQL Update request swaps it in: applies the staged difference, replaces the
   source's provenance record in the metadata graph and registers the graph, so a reader sees
   the old version or the new one, never half of either;
4. a source that fails (ingest, gate, or upload: a batch the server refuses) leaves the
   published graph and its provenance exactly as they were, and that version is read back into
   the local mirror so that the later sources and the inference see what readers see.

The ontology and the inference graph go through the same staging and swap. A server that
cannot be reached at all stops the build (``BuildError``); nothing published changes.

One build at a time per server: the protocol has no lock, so concurrent builds into the same
server and base must be prevented by whoever schedules them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox

from ecograph.build.cube.materialise import materialise
from ecograph.build.gate import ShaclGate
from ecograph.build.publish import (
    ONTOLOGY_DIR,
    BuildError,
    BuildReport,
    Progress,
    _carry_over,
    _identity,
    _load_ontology,
    _publish_source,
)
from ecograph.build.reasoning import infer
from ecograph.model.namespaces import DCTERMS, VOID, XSD
from ecograph.model.sources import SOURCES, Source
from ecograph.settings import Settings
from ecograph.store.remote import RemoteError, RemoteStore, ServerUnavailable

BATCH = 50_000
AfterBatch = Callable[[str, int], None]


class _RemotePrevious:
    """The previously published graphs on the server, with the methods ``_carry_over`` uses."""

    def __init__(self, remote: RemoteStore, graphs: list[str]) -> None:
        self.remote = remote
        self.graphs = set(graphs)

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return graph.value in self.graphs

    def dump(self, *, format: ox.RdfFormat, from_graph: ox.NamedNode) -> bytes:  # noqa: A002 - pyoxigraph's name
        assert format == ox.RdfFormat.N_TRIPLES
        return self.remote.get_graph(from_graph.value)

    def quads_for_pattern(self, subject: Any, _p: Any, _o: Any, graph: ox.NamedNode) -> list[ox.Quad]:
        triples = self.remote.query(
            f"CONSTRUCT {{ {subject} ?p ?o }} WHERE {{ GRAPH {graph} {{ {subject} ?p ?o }} }}", use_union=False
        )
        return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


class RemotePublisher:
    """Staging, batched upload and the one-request swap, for one server and one build.

    Two ways to stage a graph, both invisible to readers (they only see registered graphs):

    * first publication (the graph is not registered): the triples are loaded straight into
      the graph's own name, after dropping any leftover of an interrupted build; the swap
      registers it together with its provenance;
    * republication: the difference with the published version is staged, as two graphs
      ``…/staging/<name>/add`` and ``…/staging/<name>/remove``, and the swap applies both in
      the same request. A rebuild of unchanged data then writes almost nothing, and no server
      has to copy or drop a whole graph inside the swap (Oxigraph server takes seconds per
      ten thousand triples for ``MOVE`` and ``DROP``). Triples with blank nodes cannot be
      matched across requests, so when there are any, all of them are replaced.
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
        for chunk in _batches(data, self.batch):
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
                batches = self.upload(name, graph, data)
                ops: list[str] = []
            else:
                self.remote.update(f"DROP SILENT GRAPH <{add}> ;\nDROP SILENT GRAPH <{remove}>")
                plus, minus, blank = _difference(self.remote.get_graph(graph), data)
                batches = self.upload(name, add, plus) + self.upload(name, remove, minus)
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
        if not first:
            with contextlib.suppress(RemoteError):
                self.remote.update(f"DROP SILENT GRAPH <{add}> ;\nDROP SILENT GRAPH <{remove}>")
        return batches

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

    def finish(self, published: list[str], previous: list[str]) -> None:
        """Register exactly ``published``; graphs published before but not now are removed."""
        gone = [g for g in previous if g not in published and g != self.meta]
        ops = self._register(published, exactly=True)
        ops += [f"DELETE WHERE {{ GRAPH <{self.meta}> {{ <{g}> ?p ?o }} }}" for g in gone]
        self.remote.update(" ;\n".join(ops))
        for g in gone:  # unregistered above, so no reader sees them any more
            with contextlib.suppress(RemoteError):
                self.remote.update(f"DROP SILENT GRAPH <{g}>")
            self.progress(f"[registry] {g} is no longer published")


def _difference(published: bytes, new: bytes) -> tuple[bytes, bytes, bool]:
    """(N-Triples to add, N-Triples to remove, whether blank-node triples are replaced)."""
    old_plain, old_blank = _split_triples(published)
    new_plain, new_blank = _split_triples(new)
    blank = bool(old_blank or new_blank)
    plus = sorted(new_plain - old_plain, key=str) + (new_blank if blank else [])
    minus = sorted(old_plain - new_plain, key=str)
    return _ntriples(plus), _ntriples(minus), blank


def _split_triples(data: bytes) -> tuple[set[ox.Triple], list[ox.Triple]]:
    plain: set[ox.Triple] = set()
    blank: list[ox.Triple] = []
    for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        t = quad.triple
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            blank.append(t)
        else:
            plain.add(t)
    return plain, blank


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""


def _batches(data: bytes, size: int) -> Iterator[bytes]:
    plain: list[bytes] = []
    with_bnodes: list[bytes] = []
    for line in data.splitlines(keepends=True):
        if not line.strip():
            continue
        (with_bnodes if b"_:" in line else plain).append(line)
        if len(plain) >= size:
            yield b"".join(plain)
            plain = []
    if plain:
        yield b"".join(plain)
    if with_bnodes:
        yield b"".join(with_bnodes)


def _graph_ntriples(store: ox.Store, graph: str) -> bytes:
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))


def build(
    settings: Settings,
    *,
    sources: tuple[Source, ...] | None = None,
    progress: Progress = print,
    batch: int = BATCH,
    after_batch: AfterBatch | None = None,
) -> BuildReport:
    """Build ``sources`` (default: every source) into the server of ``settings``; see the module docstring.

    ``after_batch(name, n)`` is called after each uploaded batch (progress, tests).
    """
    sources = SOURCES if sources is None else sources
    try:
        remote = RemoteStore.from_settings(settings, require_published=False)
    except ServerUnavailable as exc:
        raise BuildError(str(exc)) from None
    try:
        return _build(remote, settings, sources, progress, batch, after_batch)
    except ServerUnavailable as exc:
        raise BuildError(f"the server went away during the build; what was published before is kept: {exc}") from None
    finally:
        remote.close()


def _build(
    remote: RemoteStore,
    settings: Settings,
    sources: tuple[Source, ...],
    progress: Progress,
    batch: int,
    after_batch: AfterBatch | None,
) -> BuildReport:
    started = time.perf_counter()
    previous_graphs = list(remote.published)
    previous = _RemotePrevious(remote, previous_graphs)
    pub = RemotePublisher(remote, settings, batch=batch, after_batch=after_batch, progress=progress)
    report = BuildReport(generation=pub.build_id)
    local = ox.Store()  # what the server publishes, as far as this build needs to know it

    ontology = _load_ontology(local, settings, progress)
    pub.publish_graph("ontology", ontology, _graph_ntriples(local, ontology))
    published: list[str] = [ontology]
    meta_parts: list[str] = []
    gate = ShaclGate(ONTOLOGY_DIR / "shapes.ttl")
    identity = _identity(settings)
    for source in sources:
        rep = _publish_source(local, previous, settings, source, gate, published, identity, meta_parts,  # type: ignore[arg-type]
                              progress)
        report.sources.append(rep)
        if rep.status != "published":
            continue  # nothing sent: the server keeps the previous version, if any
        graph = settings.graph(source.name)
        t0 = time.perf_counter()
        try:
            batches = pub.publish_graph(source.name, graph, _graph_ntriples(local, graph), meta_parts[-1])
        except ServerUnavailable:
            raise
        except RemoteError as exc:
            rep.error = f"{source.name}: the server refused the upload: {exc}"
            meta_parts.pop()
            published.remove(graph)
            local.remove_graph(ox.NamedNode(graph))
            if _carry_over(local, previous, settings, source.name, []):  # type: ignore[arg-type]
                published.append(graph)
                rep.status = "kept-previous"
                progress(f"[{source.name}] NOT PUBLISHED: {rep.error}; the previously published graph is kept")
            else:
                rep.status = "not-published"
                progress(f"[{source.name}] NOT PUBLISHED: {rep.error}")
            continue
        progress(f"[{source.name}] uploaded in {batches} batch(es) and swapped in ({time.perf_counter() - t0:.1f} s)")

    progress("[inferred] materialising inference …")
    t0 = time.perf_counter()
    inferred_graph = settings.graph("inferred")
    inferred = infer(local, [ox.NamedNode(g) for g in published])
    pub.publish_graph("inferred", inferred_graph, ox.serialize(inferred, format=ox.RdfFormat.N_TRIPLES))
    progress(f"[inferred] {len(inferred):,} triples ({time.perf_counter() - t0:.1f} s)")

    # the coverage cube, as in the embedded build; the inferred triples are not in the local
    # staging store, but the cube's counting does not need them (eco:organisation is stated
    # and the sector closure is taken with skos:broader*)
    progress("[cube] materialising the coverage counts …")
    t0 = time.perf_counter()
    cube_graph = settings.graph("cube")
    cube = materialise(local, settings.base, [ox.NamedNode(g) for g in published])
    pub.publish_graph("cube", cube_graph, ox.serialize(cube, format=ox.RdfFormat.N_TRIPLES))
    progress(f"[cube] {len(cube):,} triples ({time.perf_counter() - t0:.1f} s)")

    final = [*published, inferred_graph, cube_graph, settings.graph("meta")]
    pub.finish(final, previous_graphs)
    remote.refresh()
    report.triples = len(remote)
    report.seconds = time.perf_counter() - started
    progress(f"published on {settings.sparql_query}: {report.triples:,} triples in {report.seconds:.1f} s")
    return report


def push(store: Any, settings: Settings, *, progress: Progress = print, batch: int = BATCH) -> int:
    """Publish an already built and validated embedded generation to the server of ``settings``.

    Each graph goes through the same staging and one-request swap as in :func:`build`, with its
    provenance record from the generation's metadata graph; graphs the server published but the
    generation lacks are withdrawn. For a regional office that builds on one machine and serves
    from a shared server. Returns the number of triples published.
    """
    remote = RemoteStore.from_settings(settings, require_published=False)
    try:
        previous = list(remote.published)
        pub = RemotePublisher(remote, settings, batch=batch, progress=progress)
        meta = settings.graph("meta")
        graphs = store.graphs()
        for graph in graphs:
            if graph == meta:
                continue
            name = graph.rsplit("/", 1)[-1]
            prov = [q.triple for q in store.oxigraph.quads_for_pattern(ox.NamedNode(graph), None, None,
                                                                      ox.NamedNode(meta))]
            data = store.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
            t0 = time.perf_counter()
            pub.publish_graph(name, graph, data,
                              ox.serialize(prov, format=ox.RdfFormat.N_TRIPLES).decode() if prov else None)
            progress(f"[{name}] pushed ({time.perf_counter() - t0:.1f} s)")
        pub.finish(list(graphs) if meta in graphs else [*graphs, meta], previous)
        remote.refresh()
        return len(remote)
    except ServerUnavailable as exc:
        raise BuildError(f"the server went away during the push; what was published before is kept: {exc}") from None
    finally:
        remote.close()
