"""Publishing into the embedded store: a new generation, made current in one atomic rename."""

from __future__ import annotations

import fcntl
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from ecograph.store.embedded import (
    current_generation,
    discard_generation,
    new_generation,
    prune_generations,
    publish_generation,
)
from ecograph.store.publishers.base import PreviousGraph, PublishFailed, Ready, Staging
from ecograph.store.publishers.generation import GenerationWriter, StagedGraphs


class BuildLock:
    """One build at a time per store folder."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self._fh = (root / ".build.lock").open("w")

    def __enter__(self) -> BuildLock:
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            raise PublishFailed("another build is running on this store") from None
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


class EmbeddedPublisher(Staging):
    """The stage is an in-memory store that becomes the next generation of the store in ``root``;
    ``publish`` has nothing to do (a generation is published whole), ``finish`` writes it to disk
    and makes it current. A build that does not reach ``finish`` (an error, a kill) leaves
    ``current`` as it was; its folder is removed on leaving, or by the next build."""

    def __init__(self, root: Path, meta: str) -> None:
        self.root = Path(root)
        self.meta = meta
        self._lock: BuildLock | None = None
        self._previous: ox.Store | None = None
        self._generation: Path | None = None
        self._stage: ox.Store | None = None
        self._writer: GenerationWriter | None = None
        self._published = False

    def __enter__(self) -> EmbeddedPublisher:
        self._lock = BuildLock(self.root).__enter__()
        try:
            prune_generations(self.root)
            previous = current_generation(self.root)
            self._previous = ox.Store.read_only(str(previous)) if previous else None
            self._generation = new_generation(self.root)
            self._stage = ox.Store()  # in memory; written into the generation's folder as the build goes
            self._writer = GenerationWriter(self._stage, self._generation)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stage = self._previous = None
        if self._writer is not None:
            self._writer.stop()
            self._writer = None
        if self._generation is not None and not self._published:
            discard_generation(self._generation)
        if self._lock is not None:
            self._lock.__exit__()
            self._lock = None

    @property
    def build_id(self) -> str:
        assert self._generation is not None, "use the publisher in a with block"
        return self._generation.name

    @property
    def where(self) -> str:
        return f"generation {self.build_id}"

    def previous(self, graph: str) -> PreviousGraph | None:
        node = ox.NamedNode(graph)
        if self._previous is None or not self._previous.contains_named_graph(node):
            return None
        data = self._previous.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node)
        record = [q.triple for q in self._previous.quads_for_pattern(node, None, None, ox.NamedNode(self.meta))]
        return PreviousGraph(data, ox.serialize(record, format=ox.RdfFormat.N_TRIPLES))

    def staged(self, graph: str) -> None:
        """Start writing ``graph`` into the generation's folder (on a second thread)."""
        assert self._writer is not None, "use the publisher in a with block, before finish"
        self._writer.write(graph)

    def publish(self, name: str, graph: str, provenance: str | None = None) -> None:
        """Nothing to do: the staged graph (and its provenance in the staged meta graph) is
        published with its generation."""

    def finish(self, graphs: list[str], ready: Ready | None = None) -> int:
        """Finish writing the generation and publish it; ``graphs`` is what it holds (the build
        staged exactly those). ``ready`` reads the final graphs from memory meanwhile."""
        stage, generation, writer = self.stage, self._generation, self._writer
        assert generation is not None and writer is not None
        triples = len(stage)
        writer.complete(graphs)
        if ready is not None:
            ready(StagedGraphs(stage, generation.name))
        self._writer = None
        writer.wait()
        self._stage = None
        publish_generation(self.root, generation)
        self._published = True
        self._previous = None
        prune_generations(self.root)
        return triples
