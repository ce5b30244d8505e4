"""An ingester's triples as one N-Triples document, for Oxigraph's bulk loader and the SHACL gate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from ecograph.build.report import Progress
from ecograph.model import nt

BATCH = 50_000  # triples joined and encoded at a time
REPORT_EVERY = 200_000


@dataclass
class Serialised:
    """What an ingester produced: its N-Triples, how many triples, and the exception that stopped it.

    The exception is kept rather than raised so that the caller can name the file and line and
    decide which errors leave the source unpublished and which are bugs.
    """

    data: bytes
    count: int
    error: BaseException | None = None

    def take(self) -> bytes:
        """The document, given away: this object no longer holds it (so the taker can free it)."""
        data, self.data = self.data, b""
        return data


def serialise(triples: Iterator[nt.Triple], progress: Progress, label: str,
              on_piece: Callable[[bytes], None] | None = None) -> Serialised:
    """Join the ingester's triples into one N-Triples document (one triple a line).

    ``on_piece`` gets each piece of ``BATCH`` triples as soon as it is encoded (the build loads it
    into the stage and the gate's data graph while the ingester goes on) and the document is not
    kept; without it, the document is kept whole in ``data``.
    """
    chunks: list[bytes] = []
    emit = chunks.append if on_piece is None else on_piece
    lines: list[str] = []
    count = 0
    error: BaseException | None = None
    next_report = REPORT_EVERY
    try:
        for s, p, o in triples:
            lines.append(f"{s} {p} {o} .\n")
            if len(lines) == BATCH:
                emit("".join(lines).encode("utf-8"))
                count += BATCH
                lines.clear()
                if count >= next_report:
                    progress(f"[{label}] {count:,} triples …")
                    next_report += REPORT_EVERY
    except Exception as exc:  # noqa: BLE001 - handed to the caller
        error = exc
    emit("".join(lines).encode("utf-8"))
    return Serialised(b"".join(chunks), count + len(lines), error)


class PieceLoader:
    """Bulk-loads N-Triples pieces into one graph of a store, in order, on a second thread.

    Oxigraph parses and loads without the GIL, so a source's triples are in the stage almost as
    soon as the ingester has written its last one, instead of after a load of the whole document.
    """

    def __init__(self, store: ox.Store, graph: str) -> None:
        self._store, self._graph = store, ox.NamedNode(graph)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stage-loader")
        self._loads: list[Future[None]] = []

    def __call__(self, piece: bytes) -> None:
        self._loads.append(self._pool.submit(self._store.bulk_load, piece, format=ox.RdfFormat.N_TRIPLES,
                                             to_graph=self._graph))

    def wait(self) -> SyntaxError | None:
        """Wait for every piece; the first piece's syntax error, if one was not N-Triples."""
        first: SyntaxError | None = None
        try:
            for load in self._loads:
                try:
                    load.result()
                except SyntaxError as exc:
                    first = first or exc
        finally:
            self._pool.shutdown(wait=True)
        return first
