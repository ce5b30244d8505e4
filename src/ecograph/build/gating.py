"""The SHACL gate on a second thread: a source is validated while the build goes on.

The engine (rdflib-turbo's parser, pyshacl-turbo's validator) releases the GIL, so a source is
parsed into the gate's data graph while the ingester writes it, and validated while the build
reads the next source, infers, counts the cube and runs the quality checks on its own thread.
The build goes on *as if* every pending source conformed; ``settle`` then waits for the verdicts.
A source that does not conform is taken out of the stage (and its previous graph carried over)
exactly as when it was validated in line, and the build derives and checks again: the outcome
is the serial build's, only sooner when every source conforms, which is the common case.

A source validated while an earlier source was still pending saw that source in its context
(the types and descriptions of the nodes it mentions). When the earlier one fails, the later one
is validated again, in line, against the stage as it is then.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType

from ecograph.build.gate import DataGraph, ShaclGate, Verdict
from ecograph.build.report import Phases


@dataclass
class Pending:
    """A source staged provisionally, its verdict still to come."""

    graph: str
    context: list[str]  # the graphs its data graph was read with
    verdict: Future[Verdict]
    on_settled: Callable[[Verdict], bool] = field(repr=False)


class GateQueue:
    """Validates prepared data graphs one at a time on a second thread, in the order given."""

    def __init__(self, gate: ShaclGate, phases: Phases) -> None:
        self.gate = gate
        self._phases = phases
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shacl-gate")
        self.pending: list[Pending] = []

    def __enter__(self) -> GateQueue:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def feed(self, data: DataGraph, piece: bytes, *, context: bool = False) -> None:
        """Parse ``piece`` into ``data`` on the gate's thread, after what was queued before
        (the pieces of a source as the ingester writes them, then its context)."""
        self._pool.submit(self._add, data, piece, context)

    def _add(self, data: DataGraph, piece: bytes, context: bool) -> None:
        with self._phases.time("validation"):
            data.add(piece, context=context)

    def submit(self, graph: str, context: list[str], data: DataGraph,
               on_settled: Callable[[Verdict], bool]) -> None:
        """Queue ``data`` for validation; ``on_settled(verdict)`` is called by ``settle`` and says
        whether the graph stays in the stage."""
        self.pending.append(Pending(graph, list(context), self._pool.submit(self._validate, data), on_settled))

    def _validate(self, data: DataGraph) -> Verdict:
        with self._phases.time("validation"):
            return self.gate.validate(data)

    def settle(self, recheck: Callable[[Pending], Verdict]) -> list[str]:
        """Wait for every verdict, in order, and hand each to its source; the graphs that failed.

        ``recheck`` validates a source again, in line, when a graph in its context failed.
        """
        failed: list[str] = []
        for item in self.pending:
            verdict = item.verdict.result()
            if any(g in failed for g in item.context):
                verdict = recheck(item)
            if not item.on_settled(verdict):
                failed.append(item.graph)
        self.pending.clear()
        return failed

