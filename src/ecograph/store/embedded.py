"""The only module that knows how the graph is stored.

Embedded store: on-disk Oxigraph, kept as *generations*. A build writes a complete new generation
next to the published one and, once every source in it is validated, makes it current by
renaming one symbolic link (``<store>/current``), which is atomic on POSIX. Readers always open
``current``; a build that fails or is killed leaves ``current`` exactly as it was, and its
half-written generation is removed by the next build.

Queries see the union of the named graphs of the current generation as their default graph.
Oxigraph's union does not merge duplicates across graphs, so saved queries use DISTINCT.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Unpack

import pyoxigraph as ox

from ecograph.store.errors import StoreNotBuilt, StoreUnavailable  # noqa: F401 - StoreUnavailable: re-exported
from ecograph.store.graphstore import QueryOptions, StreamOptions, unpacked, unpacked_stream

GENERATIONS = "generations"
CURRENT = "current"
_GEN_RE = re.compile(r"^g(\d{6})$")


class EmbeddedStore:
    """The published generation of the on-disk store, opened for reading."""

    def __init__(self, root: Path | str, *, read_only: bool = True, generation: Path | None = None) -> None:
        """Open the current generation, or ``generation`` (a staged one, before it is published)."""
        self.root = Path(root)
        self.path = generation if generation is not None else current_generation(self.root)
        if self.path is None:
            raise StoreNotBuilt(f"no graph published in {self.root}: run `ecograph build` first")
        self._store = ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))

    @property
    def generation(self) -> str:
        assert self.path is not None
        return self.path.name

    def is_stale(self) -> bool:
        """True when a newer generation was published since this one was opened."""
        return current_generation(self.root) != self.path

    def built_at(self) -> datetime:
        """The time of the generation's folder."""
        assert self.path is not None
        return datetime.fromtimestamp(self.path.stat().st_mtime, tz=UTC)

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store itself, for the build (not part of ``GraphStore``: readers use its methods)."""
        return self._store

    def query(self, sparql: str, **options: Unpack[QueryOptions]) -> Any:
        """Run a SPARQL query; ``substitutions`` binds variables (by name, without ``?``) to terms."""
        return run_query(self._store, sparql, **options)

    def stream(self, sparql: str, **options: Unpack[StreamOptions]) -> contextlib.AbstractContextManager[Any]:
        """The answer, lazy as pyoxigraph's always is; ``timeout`` is the caller's to enforce
        (a query evaluating here cannot be interrupted: run it in a process that can be killed)."""
        base_iri, dataset, _timeout = unpacked_stream(options)
        return contextlib.nullcontext(
            self.query(sparql, base_iri=base_iri, default_graph=dataset[0], named_graphs=dataset[1]))

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        g = ox.NamedNode(graph) if graph else None
        return self._store.quads_for_pattern(None, None, None, g)

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,  # noqa: A002 - pyoxigraph's name
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        return self._store.quads_for_pattern(subject, predicate, object, graph_name)

    def dump(self, output: Any, fmt: ox.RdfFormat, graph: str | None = None) -> bytes | None:
        """Serialise the whole dataset (quad formats) or one graph (triple formats); ``output`` None: the bytes."""
        if graph is not None:
            return self._store.dump(output, fmt, from_graph=ox.NamedNode(graph))
        return self._store.dump(output, fmt)

    def __len__(self) -> int:
        return len(self._store)


def run_query(store: Any, sparql: str, **options: Unpack[QueryOptions]) -> Any:
    """Run a query on a ``GraphStore`` or on a bare ``pyoxigraph.Store`` (a build's staging store),
    over the dataset ``(default_graph, named_graphs)`` (see :mod:`.dataset`; both None: the union)."""
    if not isinstance(store, ox.Store):
        return store.query(sparql, **options)
    substitutions, base_iri, default_graph, named_graphs = unpacked(options)
    kwargs: dict[str, Any] = {}
    if default_graph is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graph]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    if substitutions:
        kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
    return store.query(sparql, base_iri=base_iri, **kwargs)


# --- generations -------------------------------------------------------------------------------


def current_generation(root: Path) -> Path | None:
    link = root / CURRENT
    if not link.is_symlink():
        return None
    target = (root / os.readlink(link)).resolve()
    return target if target.is_dir() else None


def _generation_numbers(root: Path) -> list[int]:
    gens = root / GENERATIONS
    if not gens.is_dir():
        return []
    return sorted(int(m.group(1)) for p in gens.iterdir() if (m := _GEN_RE.match(p.name)))


def new_generation(root: Path) -> Path:
    """Create the folder of the next generation (not yet visible to readers)."""
    numbers = _generation_numbers(root)
    path = root / GENERATIONS / f"g{(numbers[-1] + 1 if numbers else 1):06d}"
    path.mkdir(parents=True)
    return path


def publish_generation(root: Path, generation: Path) -> None:
    """Make ``generation`` current in one atomic rename."""
    tmp = root / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(generation, root), tmp)
    os.replace(tmp, root / CURRENT)
    _fsync_dir(root)


def discard_generation(generation: Path) -> None:
    shutil.rmtree(generation, ignore_errors=True)


def prune_generations(root: Path, keep: int = 2) -> list[Path]:
    """Remove unpublished leftovers and all but the newest ``keep`` published generations.

    The previous generation is kept so that a reader that opened it just before the switch can
    finish its queries.
    """
    current = current_generation(root)
    removed: list[Path] = []
    numbers = _generation_numbers(root)
    if current is None:
        return removed
    cur_n = int(current.name[1:])
    older = [n for n in numbers if n < cur_n]
    keep_older = set(older[-(keep - 1):]) if keep > 1 else set()
    for n in numbers:
        if n == cur_n or n in keep_older:
            continue
        path = root / GENERATIONS / f"g{n:06d}"
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
