"""Build: every source → its own named graph in a new store generation → SHACL gate → atomic publish.

The publishing protocol, per source:
1. the ingester reads the source files and streams N-Triples into the graph
   ``<base>/graph/<source>`` of the *next* generation of the store, which no reader sees yet
   (that generation is the staging area);
2. the graph is validated against ``ontology/shapes.ttl``;
3. a source that is missing, malformed or does not conform is not published: its graph is
   removed from the next generation and the previously published version of that graph (with
   its provenance record) is carried over unchanged;
4. inference is materialised into ``<base>/graph/inferred``, the coverage counts (an RDF Data Cube,
   ``cube.py``) into ``<base>/graph/cube`` and provenance into ``<base>/graph/meta``;
5. the next generation becomes current in one atomic rename (see ``store.py``).
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import io
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ecograph.build.cube.materialise import materialise
from ecograph.build.fetch import read_sidecar
from ecograph.build.gate import ShaclGate
from ecograph.build.reasoning import infer
from ecograph.ingest.base import IngestContext, IngestError, utf8_error
from ecograph.model import nt, resources
from ecograph.model.namespaces import DCTERMS, ECO, PROV, RDF, VOID, XSD
from ecograph.model.sources import SOURCES, Source
from ecograph.settings import Settings
from ecograph.store.embedded import (
    current_generation,
    discard_generation,
    new_generation,
    prune_generations,
    publish_generation,
)

Progress = Callable[[str], None]
ONTOLOGY_DIR = resources.ontology_dir()


class BuildError(RuntimeError):
    """The build could not run at all (nothing was published)."""


@dataclass
class SourceReport:
    name: str
    status: str = "pending"  # published | kept-previous | not-published | missing | absent (optional)
    triples: int = 0
    rows_read: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass
class BuildReport:
    generation: str = ""
    sources: list[SourceReport] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(s.status in ("published", "absent") for s in self.sources)


class _TripleReader(io.RawIOBase):
    """A binary file over an ingester's triples, for Oxigraph's streaming bulk loader.

    An ingester exception is kept and re-raised after the loader returns, so that it is not
    swallowed or re-wrapped by the native code.
    """

    def __init__(self, triples: Iterator[nt.Triple], progress: Progress, label: str) -> None:
        self._triples = triples
        self._buffer = b""
        self.count = 0
        self.error: BaseException | None = None
        self._progress = progress
        self._label = label
        self._next_report = 200_000

    def readable(self) -> bool:
        return True

    def _fill(self, size: int) -> None:
        lines: list[str] = []
        have = len(self._buffer)
        try:
            for s, p, o in self._triples:
                line = f"{s} {p} {o} .\n"
                lines.append(line)
                have += len(line)
                self.count += 1
                if have >= size:
                    break
        except Exception as exc:  # noqa: BLE001 - re-raised by the caller
            self.error = exc
        if self.count >= self._next_report:
            self._progress(f"[{self._label}] {self.count:,} triples …")
            self._next_report += 200_000
        self._buffer += "".join(lines).encode("utf-8")

    def readinto(self, b: Any) -> int:
        if self.error is None and len(self._buffer) < len(b):
            self._fill(max(len(b), 1 << 16))
        n = min(len(b), len(self._buffer))
        b[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


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
    digest = hashlib.sha256()
    for key in sorted(files):
        digest.update(key.encode())
        with files[key].open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


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


class _Lock:
    """One build at a time per store folder."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self._fh = (root / ".build.lock").open("w")

    def __enter__(self) -> _Lock:
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError("another build is running on this store") from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


def build(
    settings: Settings,
    *,
    sources: tuple[Source, ...] = SOURCES,
    progress: Progress = print,
    after_publish: Callable[[Path], None] | None = None,
    before_publish: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Build every source into a new generation and publish it; see the module docstring.

    ``before_publish`` gets the finished generation's folder before it becomes current (the
    dumps are written there, so a published generation always has its dumps); if it fails, the
    generation is discarded. ``after_publish`` gets it once it is current.
    """
    root = settings.store
    with _Lock(root):
        return _build(settings, root, sources, progress, after_publish, before_publish)


def _build(
    settings: Settings,
    root: Path,
    sources: tuple[Source, ...],
    progress: Progress,
    after_publish: Callable[[Path], None] | None,
    before_publish: Callable[[Path], None] | None = None,
) -> BuildReport:
    started = time.perf_counter()
    prune_generations(root)
    previous_path = current_generation(root)
    previous = ox.Store.read_only(str(previous_path)) if previous_path else None
    gen = new_generation(root)
    report = BuildReport(generation=gen.name)
    try:
        store = ox.Store(str(gen))
        published: list[str] = [_load_ontology(store, settings, progress)]
        meta_parts: list[str] = []
        gate = ShaclGate(ONTOLOGY_DIR / "shapes.ttl")
        identity = _identity(settings)
        for source in sources:
            src_report = _publish_source(
                store, previous, settings, source, gate, published, identity, meta_parts, progress
            )
            report.sources.append(src_report)
        progress("[inferred] materialising inference …")
        t0 = time.perf_counter()
        inferred = infer(store, [ox.NamedNode(g) for g in published])
        store.bulk_load(
            ox.serialize(inferred, format=ox.RdfFormat.N_TRIPLES),
            format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(settings.graph("inferred")),
        )
        progress(f"[inferred] {len(inferred):,} triples ({time.perf_counter() - t0:.1f} s)")
        progress("[cube] materialising the coverage counts …")
        t0 = time.perf_counter()
        cube = materialise(store, settings.base, [ox.NamedNode(g) for g in (*published, settings.graph("inferred"))])
        store.bulk_load(
            ox.serialize(cube, format=ox.RdfFormat.N_TRIPLES),
            format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(settings.graph("cube")),
        )
        progress(f"[cube] {len(cube):,} triples ({time.perf_counter() - t0:.1f} s)")
        store.bulk_load(
            "".join(meta_parts), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(settings.graph("meta"))
        )
        report.triples = len(store)
        store.flush()
        del store
        if before_publish is not None:
            before_publish(gen)
    except BaseException:
        discard_generation(gen)
        raise
    publish_generation(root, gen)
    prune_generations(root)
    report.seconds = time.perf_counter() - started
    progress(f"published generation {gen.name}: {report.triples:,} triples in {report.seconds:.1f} s")
    if after_publish is not None:
        after_publish(gen)
    return report


def _identity(settings: Settings) -> Any:
    path = settings.data / "curated" / "organisations.csv"
    if not path.is_file():
        return None
    from ecograph.ingest.identity import Identity

    try:
        return Identity.from_csv(path)
    except IngestError as exc:  # every source's keys depend on it: publish nothing rather than other keys
        raise BuildError(f"{exc} — nothing was published") from None


def _load_ontology(store: ox.Store, settings: Settings, progress: Progress) -> str:
    """The ontology and the concept schemes, in one graph.

    The ontology has blank nodes (OWL class expressions and lists); they are given canonical
    labels (RDFC-1.0) so that rebuilding from the same files gives the very same quads.
    """
    graph = settings.graph("ontology")
    target = ox.NamedNode(graph)
    dataset = ox.Dataset()
    files = [(ONTOLOGY_DIR / "ecograph.ttl", None)]
    files += [(path, f"{settings.base}/id/") for path in sorted((ONTOLOGY_DIR / "schemes").glob("*.ttl"))]
    for path, base in files:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base):
            dataset.add(ox.Quad(quad.subject, quad.predicate, quad.object, target))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    store.extend(dataset)
    progress(f"[ontology] {len(dataset):,} triples")
    return graph


def _publish_source(
    store: ox.Store,
    previous: ox.Store | None,
    settings: Settings,
    source: Source,
    gate: ShaclGate,
    published: list[str],
    identity: Any,
    meta_parts: list[str],
    progress: Progress,
) -> SourceReport:
    t0 = time.perf_counter()
    rep = SourceReport(source.name)
    graph = settings.graph(source.name)
    target = ox.NamedNode(graph)
    files, missing = _source_files(settings, source)
    if missing and source.optional:
        rep.status = "absent"
        if _carry_over(store, previous, settings, source.name, meta_parts):
            rep.status = "kept-previous"
            published.append(graph)
        progress(f"[{source.name}] optional source not downloaded: {rep.status}")
        return rep
    if missing:
        rep.status, rep.error = "missing", "missing input: " + ", ".join(missing)
    else:
        name = source.ingester if "." in source.ingester else f"ecograph.ingest.{source.ingester}"
        module = importlib.import_module(name)
        ctx = IngestContext(base=settings.base, files=files, data_dir=settings.data, identity=identity)
        reader = _TripleReader(module.read(ctx), progress, source.name)
        try:
            store.bulk_load(reader, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        except SyntaxError as exc:
            rep.error = f"{source.name}: invalid triple from the ingester: {exc}"
        if reader.error is not None:
            err = reader.error
            if isinstance(err, UnicodeDecodeError):  # name the file and line, whichever reader met it
                err = first_bad_utf8(files.values()) or err
            rep.error = str(err) if isinstance(err, IngestError) else f"{type(err).__name__}: {err}"
            if not isinstance(err, (IngestError, ValueError, KeyError, OSError)):
                raise err
        rep.triples, rep.rows_read, rep.rows_rejected = reader.count, ctx.rows_read, ctx.rows_rejected
        if not rep.error:
            progress(f"[{source.name}] {rep.triples:,} triples read in {time.perf_counter() - t0:.1f} s; validating …")
            store.optimize()  # compacts the fresh bulk-loaded files: the gate's queries run ~2× faster
            verdict = gate.check(store, graph, published, ontology=settings.graph("ontology"), size=rep.triples)
            if verdict.conforms:
                rep.status = "published"
                published.append(graph)
                meta_parts.append(_provenance(settings, source, rep, files))
            else:
                rep.error = f"{source.name}: " + verdict.summary()
        if rep.status != "published":
            rep.status = "not-published"
            store.remove_graph(target)
    if rep.status != "published":
        if _carry_over(store, previous, settings, source.name, meta_parts):
            rep.status = "kept-previous" if rep.status == "missing" or rep.error else rep.status
            published.append(graph)
        progress(f"[{source.name}] NOT PUBLISHED: {rep.error}")
        if rep.status == "kept-previous":
            progress(f"[{source.name}] the previously published graph is kept unchanged")
    else:
        progress(
            f"[{source.name}] published {rep.triples:,} triples from {rep.rows_read:,} rows"
            f" ({rep.rows_rejected:,} left out) in {time.perf_counter() - t0:.1f} s"
        )
    rep.seconds = time.perf_counter() - t0
    return rep


def _carry_over(
    store: ox.Store, previous: ox.Store | None, settings: Settings, name: str, meta_parts: list[str]
) -> bool:
    """Copy the previously published graph of a source, and its provenance, into the new generation."""
    if previous is None:
        return False
    graph = ox.NamedNode(settings.graph(name))
    if not previous.contains_named_graph(graph):
        return False
    data = previous.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    meta = ox.NamedNode(settings.graph("meta"))
    prov = [q.triple for q in previous.quads_for_pattern(graph, None, None, meta)]
    meta_parts.append(ox.serialize(prov, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
    return True
