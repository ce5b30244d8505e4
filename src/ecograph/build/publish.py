"""Build: every source → its own named graph in the stage of a publisher → SHACL gate → checks → publish.

The one build loop, for both backends (the ``Publisher`` of ``store.publishers``: the next
generation of the embedded store, or a SPARQL server). Per source:

1. the ingester reads the source files and streams N-Triples into the graph
   ``<base>/graph/<source>`` of the publisher's stage, which no reader sees;
2. the graph is validated against ``ontology/shapes.ttl``;
3. a source that is missing, malformed or does not conform is not published: its graph is
   removed from the stage and the previously published version of that graph (with its
   provenance record) is carried over unchanged.

Then inference is materialised into ``<base>/graph/inferred``, the coverage counts (an RDF Data
Cube, ``cube/``) into ``<base>/graph/cube`` and provenance into ``<base>/graph/meta``
(``derive``); the data-quality checks of ``ontology/checks`` run over the whole stage
(``checks``: one fails, nothing is published); the publisher publishes each graph (a server may
refuse one: its previous version is kept and the derived graphs are derived again) and finishes
atomically. The dumps (``dumps``) are written from the final graphs, before they become current
on the embedded store and right after on a server.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ecograph.build.changes import record_changes
from ecograph.build.checks import run_checks
from ecograph.build.derive import DERIVED, ONTOLOGY_DIR, derive, load_ontology
from ecograph.build.fetch import read_sidecar, sha256_file
from ecograph.build.gate import DataGraph, ShaclGate, Verdict, context_graph
from ecograph.build.gating import GateQueue, Pending
from ecograph.build.report import BuildError, BuildReport, Phases, Progress, SourceReport
from ecograph.build.triples import PieceLoader, serialise
from ecograph.ingest.base import IngestContext, IngestError, utf8_error
from ecograph.ingest.lookups import Lookups
from ecograph.model import nt
from ecograph.model.namespaces import DCTERMS, ECO, PROV, RDF, VOID, XSD
from ecograph.model.sources import SOURCES, Source
from ecograph.settings import Settings
from ecograph.store.open import open_publisher
from ecograph.store.publishers.base import PublishedGraphs, Publisher, PublishFailed, PublishRefused

__all__ = ["BuildError", "BuildReport", "SourceReport", "build", "first_bad_utf8"]


@dataclass
class _Staged:
    """What the stage holds so far: the graphs readers will see, and their provenance records."""

    graphs: list[str] = field(default_factory=list)
    records: dict[str, str] = field(default_factory=dict)  # graph → N-Triples in the meta graph


def build(
    settings: Settings,
    *,
    sources: tuple[Source, ...] | None = None,
    progress: Progress = print,
    publisher: Publisher | None = None,
    dumps: bool = False,
    ready: Callable[[PublishedGraphs], None] | None = None,
    after_publish: Callable[[BuildReport], None] | None = None,
) -> BuildReport:
    """Build ``sources`` (default: every source) and publish them; see the module docstring.

    ``publisher`` defaults to the configured backend's (``store.open.open_publisher``). With
    ``dumps`` the dumps are written (``build.dumps``); ``ready`` gets the final graphs at the same
    moment (before they become current on the embedded store, so that a published generation
    always has its dumps; right after on a server). ``after_publish`` gets the report once the
    build is published.
    """
    sources = SOURCES if sources is None else sources
    steps: list[Callable[[PublishedGraphs], None]] = []
    if dumps:
        steps.append(lambda graphs: _write_dumps(settings, graphs, progress))
    if ready is not None:
        steps.append(ready)

    def final(graphs: PublishedGraphs) -> None:
        for step in steps:
            step(graphs)

    try:
        target = publisher if publisher is not None else open_publisher(settings, progress=progress)
        with target:
            report = _build(settings, target, sources, progress, final)
    except PublishFailed as exc:
        raise BuildError(str(exc)) from None
    if after_publish is not None:
        after_publish(report)
    return report


def _write_dumps(settings: Settings, graphs: PublishedGraphs, progress: Progress) -> None:
    from ecograph.build.dumps import write_dumps

    progress("[dumps] writing dumps …")
    write_dumps(settings.store, settings.base, graphs)


def _build(settings: Settings, publisher: Publisher, sources: tuple[Source, ...], progress: Progress,
           ready: Callable[[PublishedGraphs], None]) -> BuildReport:
    started = time.perf_counter()
    report = BuildReport(generation=publisher.build_id)
    timed = report.phases.time
    with timed("ontology"):
        gate = ShaclGate(ONTOLOGY_DIR / "shapes.ttl")
    with GateQueue(gate, report.phases) as gating:
        staged = _stage(settings, publisher, sources, progress, report, gating)
        _derive(settings, publisher, staged, progress, report)  # while the last verdicts are pending
        with timed("checks"):
            failed_checks = _checks(publisher.stage, progress)
        with timed("gate"):

            def recheck(item: Pending) -> Verdict:
                context = [g for g in item.context if g in staged.graphs]
                return gate.check(publisher.stage, item.graph, context, ontology=settings.graph("ontology"))

            failed = gating.settle(recheck)
    if failed:  # the stage changed: derive and check it again, as a serial build would have
        _derive(settings, publisher, staged, progress, report)
        with timed("checks"):
            run_checks(publisher.stage, progress)
    elif failed_checks is not None:
        raise failed_checks
    with timed("publish"):
        changed = _publish(settings, publisher, staged, report, progress)
    if changed:  # derived from what readers see
        _derive(settings, publisher, staged, progress, report)
    with timed("publish"):
        for name in DERIVED[:-1]:  # the meta graph goes with each source's own record
            publisher.publish(name, settings.graph(name))
    with timed("changes"):
        changes = record_changes(publisher, settings, staged.graphs, progress)  # against what readers still see

    def timed_ready(graphs: PublishedGraphs) -> None:
        with timed("dumps"):
            ready(graphs)

    with timed("finish"):
        report.triples = publisher.finish([*staged.graphs, *(settings.graph(n) for n in DERIVED), *changes],
                                          timed_ready)
    report.seconds = time.perf_counter() - started
    progress(f"published {publisher.where}: {report.triples:,} triples in {report.seconds:.1f} s")
    return report


def _checks(store: ox.Store, progress: Progress) -> BuildError | None:
    """The quality checks' verdict, kept until the gate's verdicts are in (they may change the stage)."""
    try:
        run_checks(store, progress)
    except BuildError as exc:
        return exc
    return None


def _derive(settings: Settings, publisher: Publisher, staged: _Staged, progress: Progress,
            report: BuildReport) -> None:
    derive(publisher.stage, settings, staged.graphs, list(staged.records.values()), progress, report.phases)
    for name in DERIVED[:-1]:  # the meta graph changes until the end (the changes graph's record)
        publisher.staged(settings.graph(name))


def _stage(settings: Settings, publisher: Publisher, sources: tuple[Source, ...], progress: Progress,
           report: BuildReport, gating: GateQueue) -> _Staged:
    with report.phases.time("ontology"):
        staged = _Staged([load_ontology(publisher.stage, settings, progress)])
        publisher.staged(staged.graphs[0])
    lookups = Lookups()  # what several ingesters read (REFNIS, ROR, KBO, curated): read once per build
    identity = _identity(settings, lookups)
    try:
        for source in sources:
            report.sources.append(_stage_source(publisher, settings, source, gating, staged, identity, progress,
                                                lookups=lookups, phases=report.phases))
    finally:
        lookups.close()
    return staged


def _publish(settings: Settings, publisher: Publisher, staged: _Staged, report: BuildReport,
             progress: Progress) -> bool:
    """Publish the ontology and each staged source; True when one was refused (the stage changed)."""
    publisher.publish("ontology", settings.graph("ontology"))
    changed = False
    for rep in report.sources:
        graph = settings.graph(rep.name)
        if rep.status != "published":
            continue  # nothing to send: the target keeps the previous version, if any
        try:
            publisher.publish(rep.name, graph, staged.records[graph])
        except PublishRefused as exc:
            rep.error = f"{rep.name}: {exc}"
            staged.graphs.remove(graph)
            del staged.records[graph]
            publisher.stage.remove_graph(ox.NamedNode(graph))
            changed = True
            if _carry_over(publisher, graph, staged):
                rep.status = "kept-previous"
                progress(f"[{rep.name}] NOT PUBLISHED: {rep.error}; the previously published graph is kept")
            else:
                rep.status = "not-published"
                progress(f"[{rep.name}] NOT PUBLISHED: {rep.error}")
    return changed


def _source_files(settings: Settings, source: Source) -> tuple[dict[str, Path], list[str]]:
    files: dict[str, Path] = {}
    missing: list[str] = []
    for spec in source.files:
        path = (settings.data if spec.in_repo else settings.downloads) / spec.path
        if path.is_file():
            files[spec.key] = path
        elif not spec.optional:
            missing.append(str(path))
    return files, missing


def first_bad_utf8(paths: Iterable[Path]) -> IngestError | None:
    """The first input file (not an archive) that is not UTF-8, as a file:line error."""
    return next((err for path in paths if path.suffix not in (".zip", ".gz") and (err := utf8_error(path))), None)


def _checksum(files: dict[str, Path]) -> str:
    """One digest over a source's files: each file's SHA-256 under its name.

    A file several sources list (REFNIS, the ROR dump) is hashed once per build, not once per source.
    """
    digest = hashlib.sha256()
    for key in sorted(files):
        digest.update(key.encode())
        digest.update(_file_digest(files[key]))
    return "sha256:" + digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    stat = path.stat()
    return _digest_of(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _digest_of(path: str, _size: int, _mtime_ns: int) -> bytes:
    """SHA-256 of a file; size and mtime in the key, so a changed file is read again."""
    return bytes.fromhex(sha256_file(Path(path)))


def _retrieved_at(files: dict[str, Path]) -> str:
    times = [str(read_sidecar(p).get("retrieved_at", "")) for p in files.values()]
    return max((t for t in times if t), default="")


def _provenance(settings: Settings, source: Source, report: SourceReport, files: dict[str, Path]) -> str:
    g = nt.iri(settings.graph(source.name))
    triples: list[nt.Triple] = [
        (g, nt.iri(RDF.type), nt.iri(PROV.Entity)),
        (g, nt.iri(RDF.type), nt.iri(VOID.Dataset)),
        (g, nt.iri(DCTERMS.title), nt.lit(source.title, lang="en")),
        (g, nt.iri(DCTERMS.publisher), nt.lit(source.publisher)),
        (g, nt.iri(DCTERMS.license), nt.iri(source.licence)),
        (g, nt.iri(DCTERMS.rights), nt.lit(source.licence_label)),
        (g, nt.iri(DCTERMS.source), nt.iri(source.page)),
        (g, nt.iri(ECO.checksum), nt.lit(_checksum(files))),
        (g, nt.iri(ECO.rowsRead), nt.lit(report.rows_read)),
        (g, nt.iri(ECO.rowsRejected), nt.lit(report.rows_rejected)),
        (g, nt.iri(VOID.triples), nt.lit(report.triples)),
    ]
    for spec in source.files:
        if spec.url and spec.key in files:
            triples.append((g, nt.iri(PROV.wasDerivedFrom), nt.iri(spec.url)))
    retrieved = _retrieved_at(files)
    if retrieved:
        triples.append((g, nt.iri(PROV.generatedAtTime), nt.lit(retrieved, datatype=XSD.dateTime)))
    return nt.serialize(triples)


def _identity(settings: Settings, lookups: Lookups) -> Any:
    path = settings.data / "curated" / "organisations.csv"
    if not path.is_file():
        return None
    try:
        return lookups.identity(path)
    except IngestError as exc:  # every source's keys depend on it: publish nothing rather than other keys
        raise BuildError(f"{exc} — nothing was published") from None


def _stage_source(
    publisher: Publisher,
    settings: Settings,
    source: Source,
    gating: GateQueue,
    staged: _Staged,
    identity: Any,
    progress: Progress,
    lookups: Lookups,
    phases: Phases,
) -> SourceReport:
    t0 = time.perf_counter()
    timer = phases.time
    rep = SourceReport(source.name)
    store = publisher.stage
    graph = settings.graph(source.name)
    target = ox.NamedNode(graph)
    files, missing = _source_files(settings, source)
    if missing and source.optional:
        rep.status = "absent"
        if _carry_over(publisher, graph, staged):
            rep.status = "kept-previous"
        progress(f"[{source.name}] optional source not downloaded: {rep.status}")
        return rep
    if missing:
        rep.status, rep.error = "missing", "missing input: " + ", ".join(missing)
    else:
        name = source.ingester if "." in source.ingester else f"ecograph.ingest.{source.ingester}"
        module = importlib.import_module(name)
        ctx = IngestContext(base=settings.base, files=files, data_dir=settings.data, identity=identity,
                            lookups=lookups, progress=progress)
        data, loader = DataGraph(), PieceLoader(store, graph)  # the stage and the gate read each piece

        def on_piece(piece: bytes) -> None:
            loader(piece)
            gating.feed(data, piece)  # parsed on the gate's thread
        with timer("ingest"):
            try:
                out = serialise(module.read(ctx), progress, source.name, on_piece=on_piece)
            finally:
                invalid = loader.wait()
            if invalid is not None:
                rep.error = f"{source.name}: invalid triple from the ingester: {invalid}"
        if out.error is not None:
            err = out.error
            if isinstance(err, UnicodeDecodeError):  # name the file and line, whichever reader met it
                err = first_bad_utf8(files.values()) or err
            rep.error = str(err) if isinstance(err, IngestError) else f"{type(err).__name__}: {err}"
            if not isinstance(err, (IngestError, ValueError, KeyError, OSError)):
                raise err
        rep.triples, rep.rows_read, rep.rows_rejected = out.count, ctx.rows_read, ctx.rows_rejected
        if not rep.error:
            progress(f"[{source.name}] {rep.triples:,} triples read in {time.perf_counter() - t0:.1f} s; validating …")
            with timer("gate"):  # what the source mentions of the graphs staged before it
                gating.feed(data, context_graph(store, graph, staged.graphs, settings.graph("ontology"), out.count),
                            context=True)
            context = list(staged.graphs)
            _admit(publisher, staged, graph, _provenance(settings, source, rep, files))  # until its verdict
            rep.status = "published"

            def settled(verdict: Verdict) -> bool:
                rep.seconds = time.perf_counter() - t0
                if verdict.conforms:
                    progress(f"[{source.name}] published {rep.triples:,} triples from {rep.rows_read:,} rows"
                             f" ({rep.rows_rejected:,} left out) in {rep.seconds:.1f} s")
                    return True
                rep.error = f"{source.name}: " + verdict.summary()
                staged.graphs.remove(graph)
                del staged.records[graph]
                store.remove_graph(target)
                rep.status = "not-published"
                _unpublished(publisher, graph, staged, rep, progress)
                return False

            gating.submit(graph, context, data, settled)
            return rep
        rep.status = "not-published"
        store.remove_graph(target)
    _unpublished(publisher, graph, staged, rep, progress)
    rep.seconds = time.perf_counter() - t0
    return rep


def _admit(publisher: Publisher, staged: _Staged, graph: str, record: str) -> None:
    publisher.staged(graph)  # written to disk on a second thread while the build goes on
    staged.graphs.append(graph)
    staged.records[graph] = record


def _unpublished(publisher: Publisher, graph: str, staged: _Staged, rep: SourceReport, progress: Progress) -> None:
    """A source that is not published: its previous graph is carried over, if there is one."""
    if _carry_over(publisher, graph, staged):
        rep.status = "kept-previous" if rep.status == "missing" or rep.error else rep.status
    progress(f"[{rep.name}] NOT PUBLISHED: {rep.error}")
    if rep.status == "kept-previous":
        progress(f"[{rep.name}] the previously published graph is kept unchanged")


def _carry_over(publisher: Publisher, graph: str, staged: _Staged) -> bool:
    """Copy the published version of ``graph``, and its provenance, into the stage."""
    previous = publisher.previous(graph)
    if previous is None:
        return False
    publisher.stage.bulk_load(previous.data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    _admit(publisher, staged, graph, previous.provenance.decode("utf-8"))
    return True
