"""The embedded publisher's stage on disk: the in-memory stage written into the generation's folder.

A build stages, validates and derives in memory (Oxigraph's in-memory store answers the build's
queries and dumps several times faster than a freshly bulk-loaded on-disk one, and nothing is
read back from disk); the generation is written once, at the end, by Oxigraph's bulk loader.
"""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

_NT = ox.RdfFormat.N_TRIPLES
# N-Triples per bulk load: the loader's memory grows with its input (about 1.2 GB for 1.5 M triples
# in one call), and small pieces are also faster on disk: a million triples took 5.6 s in 4 MB
# pieces (peak 87 MB), 7.9 s in 32 MB pieces (279 MB), 9.3 s in 512 MB pieces (1 GB)
CHUNK = 4 << 20


def write_graph(stage: ox.Store, target: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> None:
    """Copy one graph of ``stage`` into ``target``.

    The graph goes through a temporary N-Triples file read back in pieces: the bulk loader then
    never holds more than a piece, and no copy of the whole graph is held in memory either (a
    million-triple graph is 150 MB of N-Triples). The bulk loader gives blank nodes new labels; a
    graph with blank nodes (the ontology's are canonical, so that rebuilds are identical) is copied
    quad by quad instead, labels unchanged.
    """
    with tempfile.TemporaryFile(prefix="ecograph-graph-") as scratch:
        stage.dump(scratch, format=_NT, from_graph=graph)
        if any(b"_:" in chunk for chunk in file_chunks(scratch, CHUNK)):
            target.extend(stage.quads_for_pattern(None, None, None, graph))
            return
        for chunk in file_chunks(scratch, CHUNK):
            target.bulk_load(chunk, format=_NT, to_graph=graph)


def file_chunks(file: IO[bytes], size: int) -> Iterator[bytes]:
    """The file from its start in pieces of about ``size`` bytes, each ending at the end of a line."""
    file.seek(0)
    rest = b""
    while block := file.read(size):
        block = rest + block
        end = block.rfind(b"\n") + 1
        if end == 0:
            rest = block
            continue
        rest = block[end:]
        yield block[:end]
    if rest:
        yield rest


WRITER_NICE = 5  # added to the writer thread's niceness
_DONE = "done"


class GenerationWriter(threading.Thread):
    """Writes graphs of the in-memory stage into the generation's on-disk store, on a second thread
    (the bulk loader runs without the GIL), while the build goes on.

    ``write(graph)`` (again) copies a graph as the stage holds it when its turn comes; ``complete``
    copies what is not written yet, drops what was written but is no longer part of the build,
    flushes and closes the store; ``wait`` re-raises the thread's error if it had one.
    """

    def __init__(self, stage: ox.Store, path: Path) -> None:
        super().__init__(name="generation-writer", daemon=True)
        self._stage, self._path = stage, path
        self._tasks: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._written: set[str] = set()
        self._error: BaseException | None = None
        self.start()

    def write(self, graph: str) -> None:
        self._tasks.put(("write", graph))

    def complete(self, graphs: list[str]) -> None:
        """Make the store hold exactly ``graphs`` (and whatever the stage's default graph holds),
        flush and close it; ``wait`` waits for that."""
        self._tasks.put((_DONE, "\n".join(graphs)))

    def wait(self) -> None:
        self.join()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Leave without finishing (the generation is thrown away)."""
        self._tasks.put((_DONE, ""))
        self.join()

    def run(self) -> None:
        target: ox.Store | None = None
        try:
            _yield_cpu()
            target = ox.Store(str(self._path))
            while True:
                task, arg = self._tasks.get()
                if self._error is not None and task != _DONE:
                    continue
                if task == _DONE:
                    if arg and self._error is None:
                        self._complete(target, arg.split("\n"))
                    return
                self._write(target, arg)
        except BaseException as exc:  # noqa: BLE001 - re-raised by finish
            self._error = exc
        finally:
            del target

    def _write(self, target: ox.Store, graph: str) -> None:
        node = ox.NamedNode(graph)
        if graph in self._written:
            target.remove_graph(node)
        write_graph(self._stage, target, node)
        self._written.add(graph)

    def _complete(self, target: ox.Store, graphs: list[str]) -> None:
        for graph in sorted(self._written - set(graphs)):
            target.remove_graph(ox.NamedNode(graph))
        for graph in graphs:
            if graph not in self._written:
                self._write(target, graph)
        write_graph(self._stage, target, ox.DefaultGraph())
        target.flush()


def _yield_cpu() -> None:
    """Lower this thread's CPU priority (Linux: per thread, inherited by the bulk loader's own threads).

    The writer only has to be done by the end of the build; on a machine with fewer cores than
    busy threads, the build's own thread and the gate's are the ones the build waits for.
    """
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not allowed: run as is
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + WRITER_NICE))


class StagedGraphs:
    """The final graphs as a build step reads them (``PublishedGraphs``): the in-memory stage,
    under the name of the generation it becomes."""

    def __init__(self, stage: ox.Store, generation: str) -> None:
        self._stage = stage
        self._generation = generation

    @property
    def generation(self) -> str:
        return self._generation

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._stage.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[Any]:
        return self._stage.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None)
