"""Build into a SPARQL server: the build loop of ``publish`` with a ``RemotePublisher``.

The ingesters, the SHACL gate, the derived graphs and the checks run **locally**, in an
in-memory Oxigraph store that mirrors what the server publishes; then each graph is uploaded in
batches where no reader sees it and swapped in with one SPARQL Update request (see
``store.publishers.remote``). A source the server refuses keeps its published version, which is
read back into the local mirror so that the derived graphs are those of what readers see. A
server that cannot be reached, or goes away, stops the build (``BuildError``); nothing published
changes.

``push`` publishes an embedded generation that was built and validated elsewhere.
"""

from __future__ import annotations

import time

import pyoxigraph as ox

from ecograph.build import publish
from ecograph.build.report import BuildError, BuildReport, Progress
from ecograph.model.sources import Source
from ecograph.settings import Settings
from ecograph.store.graphstore import GraphStore
from ecograph.store.publishers.base import PublishFailed
from ecograph.store.publishers.remote import BATCH, AfterBatch, RemotePublisher

__all__ = ["BATCH", "RemotePublisher", "build", "push"]


def build(
    settings: Settings,
    *,
    sources: tuple[Source, ...] | None = None,
    progress: Progress = print,
    batch: int = BATCH,
    after_batch: AfterBatch | None = None,
) -> BuildReport:
    """Build ``sources`` (default: every source) into the server of ``settings``.

    ``after_batch(name, n)`` is called after each uploaded batch (progress, tests).
    """
    try:
        publisher = RemotePublisher.connect(settings, batch=batch, after_batch=after_batch, progress=progress)
    except PublishFailed as exc:
        raise BuildError(str(exc)) from None
    return publish.build(settings, sources=sources, progress=progress, publisher=publisher)


def push(store: GraphStore, settings: Settings, *, progress: Progress = print, batch: int = BATCH) -> int:
    """Publish an already built and validated embedded generation to the server of ``settings``.

    Each graph goes through the same staging and one-request swap as in :func:`build`, with its
    provenance record from the generation's metadata graph; graphs the server published but the
    generation lacks are withdrawn. For a regional office that builds on one machine and serves
    from a shared server. Returns the number of triples published.
    """
    try:
        with RemotePublisher.connect(settings, batch=batch, progress=progress) as pub:
            meta = settings.graph("meta")
            graphs = store.graphs()
            for graph in graphs:
                if graph == meta:
                    continue
                name = graph.rsplit("/", 1)[-1]
                prov = [q.triple for q in store.quads_for_pattern(ox.NamedNode(graph), None, None, ox.NamedNode(meta))]
                data = store.dump(None, ox.RdfFormat.N_TRIPLES, graph) or b""
                t0 = time.perf_counter()
                with pub.server("push"):
                    pub.publish_graph(name, graph, data,
                                      ox.serialize(prov, format=ox.RdfFormat.N_TRIPLES).decode() if prov else None)
                progress(f"[{name}] pushed ({time.perf_counter() - t0:.1f} s)")
            return pub.finish(list(graphs), activity="push")
    except PublishFailed as exc:
        raise BuildError(str(exc)) from None
