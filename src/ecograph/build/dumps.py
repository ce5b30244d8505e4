"""Downloadable dumps of the whole graph, regenerated on each build.

``write_dumps`` is a build step (``publish.build(dumps=True)``, as ``ecograph build`` does): on
the embedded store it runs on the staged generation just before it becomes current, so a
published generation always has its dumps. It writes, into
``<store>/dumps/<generation>/``, gzip files (with a fixed gzip timestamp, so an unchanged graph
gives the same checksum) of:

* the whole graph as Turtle and N-Triples (the union of all named graphs, without duplicates);
* the whole dataset as N-Quads, TriG and JSON-LD, with the per-source graphs, the inferred graph,
  the cube, the provenance graph and the changes graph (what changed at each build);
* one N-Triples file per named graph, each under its source's licence;

plus ``manifest.json`` (name, format, media type, size, SHA-256, triples, graph, licence) and a
``SHA256SUMS`` file. The folder is written under a temporary name and renamed when complete.

On the remote backend the build writes them the same way, reading the published graphs back
from the server, into ``<ECOGRAPH_STORE>/dumps/<stamp>/`` (the registry stamp stands for the
generation) right after the swap; the web app serves them from there (``web.lod.dumps``), so it
must see the same folder.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ecograph.model.sources import SOURCES
from ecograph.settings import Settings
from ecograph.sparql.writers import PREFIXES
from ecograph.store.embedded import EmbeddedStore, StoreNotBuilt, current_generation
from ecograph.store.open import open_store
from ecograph.store.publishers.base import PublishedGraphs

DUMPS = "dumps"
MANIFEST = "manifest.json"
ISSUED = "ISSUED"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True)
class DumpInfo:
    name: str  # file name, e.g. ecograph.nq.gz
    format: str  # Turtle, N-Triples, N-Quads, TriG, JSON-LD
    media_type: str  # of the uncompressed content
    size: int  # bytes of the gzip file
    sha256: str
    statements: int  # triples or quads written
    graph: str  # the named graph, or "" for the whole dataset
    licence: str


_WHOLE = (
    ("ecograph.ttl.gz", ox.RdfFormat.TURTLE, "Turtle"),
    ("ecograph.nt.gz", ox.RdfFormat.N_TRIPLES, "N-Triples"),
    ("ecograph.nq.gz", ox.RdfFormat.N_QUADS, "N-Quads"),
    ("ecograph.trig.gz", ox.RdfFormat.TRIG, "TriG"),
    ("ecograph.jsonld.gz", ox.RdfFormat.JSON_LD, "JSON-LD"),
)


def dumps_dir(store_root: Path | str, generation: str) -> Path:
    """The folder of a generation's dumps (a remote stamp's ``/`` and ``:`` become ``-``)."""
    return Path(store_root) / DUMPS / re.sub(r"[^A-Za-z0-9._-]", "-", generation)


# the graphs the project makes itself (under CC BY 4.0), with what each holds (the catalogue's words)
OWN_GRAPHS = {
    "ontology": "The ecograph ontology and its concept schemes (sectors, stages, megatrends, places).",
    "inferred": "What the build infers from the source graphs: class memberships, broader-concept closure, "
                "inverse and symmetric relations, capabilities of organisations.",
    "cube": "Coverage counts per sector or megatrend, stage and municipality, precomputed at build time "
            "as an RDF Data Cube.",
    "meta": "Provenance: one record per graph (publisher, licence, origin, retrieval time, checksum, size).",
    "changes": "What changed at each build: organisations, capabilities and relations added or removed, "
               "coverage counts that moved, dashboard cells that opened or closed, headline figures; "
               "one changeset per build, kept across builds.",
}


def graph_licence(graph: str, base: str) -> str:
    """The licence of a named graph: its source's, else the project's own (CC BY 4.0)."""
    name = graph.rsplit("/", 1)[-1]
    for source in SOURCES:
        if graph == f"{base}/graph/{source.name}":
            return source.licence
    return CC_BY if name in OWN_GRAPHS else ""


def graph_description(graph: str, base: str) -> str:
    """What a named graph holds, in a sentence: its source's title or the project's own words."""
    for source in SOURCES:
        if graph == f"{base}/graph/{source.name}":
            return f"{source.title}, as published by {source.publisher} under {source.licence_label}."
    return OWN_GRAPHS.get(graph.rsplit("/", 1)[-1], "") if graph.startswith(base + "/graph/") else ""


def _write(path: Path, items: list[Any], fmt: ox.RdfFormat) -> tuple[int, str]:
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        ox.serialize(items, gz, format=fmt, prefixes=prefixes)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


def write_dumps(store_root: Path | str, base: str, store: PublishedGraphs | None = None) -> list[DumpInfo]:
    """Write the dumps of the published graph into ``store_root``; returns what was written.

    ``store`` is what to read (default: the embedded store in ``store_root``; the remote build
    passes its server's ``RemoteStore``).
    """
    root = Path(store_root)
    if store is None:
        store = EmbeddedStore(root)
    target = dumps_dir(root, store.generation)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    quads = list(store.quads())
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    infos: list[DumpInfo] = []
    for name, fmt, label in _WHOLE:
        items: list[Any] = quads if fmt.supports_datasets else triples
        size, sha = _write(tmp / name, items, fmt)
        infos.append(DumpInfo(name, label, fmt.media_type, size, sha, len(items), "", CC_BY))
    by_graph: dict[str, list[ox.Triple]] = {}  # from the quads just read: a server is not asked again per graph
    for q in quads:
        if isinstance(q.graph_name, ox.NamedNode):
            by_graph.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    for graph in store.graphs():
        graph_triples = by_graph.get(graph, [])
        name = "graph-" + graph.rsplit("/", 1)[-1] + ".nt.gz"
        size, sha = _write(tmp / name, graph_triples, ox.RdfFormat.N_TRIPLES)
        infos.append(DumpInfo(name, "N-Triples", ox.RdfFormat.N_TRIPLES.media_type, size, sha,
                              len(graph_triples), graph, graph_licence(graph, base)))
    (tmp / MANIFEST).write_text(json.dumps(
        {"generation": store.generation, "dumps": [asdict(i) for i in infos]}, indent=2))
    (tmp / "SHA256SUMS").write_text("".join(f"{i.sha256}  {i.name}\n" for i in infos))
    if target.exists():
        shutil.rmtree(target)
    os.replace(tmp, target)
    _record_issued(root)
    _prune(root, target.name)
    return infos


def issued_date(store_root: Path | str, fallback: datetime) -> date:
    """The first publication date, recorded once in ``<store>/dumps/ISSUED``."""
    path = Path(store_root) / DUMPS / ISSUED
    try:
        return date.fromisoformat(path.read_text().strip())
    except (OSError, ValueError):
        return fallback.date()


def _record_issued(root: Path) -> None:
    path = root / DUMPS / ISSUED
    if not path.exists():
        path.write_text(datetime.now(UTC).date().isoformat() + "\n")


def _prune(root: Path, keep: str) -> None:
    """Remove dumps of generations that no longer exist (remote: of every earlier stamp)."""
    folder = root / DUMPS
    for path in folder.iterdir():
        generation = root / "generations" / path.name
        if path.is_dir() and path.name != keep and not path.name.startswith(".") \
                and not generation.exists():
            shutil.rmtree(path, ignore_errors=True)


def read_dumps(store_root: Path | str, generation: str | None = None) -> list[DumpInfo] | None:
    """The dumps of ``generation`` (default: the embedded store's current one), or None when
    they have not been written."""
    if generation is None:
        current = current_generation(Path(store_root))
        if current is None:
            raise StoreNotBuilt(f"no graph published in {store_root}: run `ecograph build` first")
        generation = current.name
    manifest = dumps_dir(store_root, generation) / MANIFEST
    if not manifest.is_file():
        return None
    data = json.loads(manifest.read_text())
    return [DumpInfo(**d) for d in data["dumps"]]


def write_published_dumps(settings: Settings) -> list[DumpInfo]:
    """The dumps of what the configured backend publishes now (``store.open.open_store``), for graphs
    published some other way than ``ecograph build`` (``publish_remote.push``)."""
    store = open_store(settings)
    try:
        return write_dumps(settings.store, settings.base, store)
    finally:
        close = getattr(store, "close", None)  # a server's connection
        if close is not None:
            close()
