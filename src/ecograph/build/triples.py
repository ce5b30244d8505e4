"""An ingester's triples as one N-Triples document, for Oxigraph's bulk loader and the SHACL gate."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

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


def serialise(triples: Iterator[nt.Triple], progress: Progress, label: str) -> Serialised:
    """Join the ingester's triples into one N-Triples document (one triple a line).

    The document is kept whole: the stage loads it, and the gate validates these very bytes
    instead of reading the graph back from the stage.
    """
    chunks: list[bytes] = []
    lines: list[str] = []
    count = 0
    error: BaseException | None = None
    next_report = REPORT_EVERY
    try:
        for s, p, o in triples:
            lines.append(f"{s} {p} {o} .\n")
            if len(lines) == BATCH:
                chunks.append("".join(lines).encode("utf-8"))
                count += BATCH
                lines.clear()
                if count >= next_report:
                    progress(f"[{label}] {count:,} triples …")
                    next_report += REPORT_EVERY
    except Exception as exc:  # noqa: BLE001 - handed to the caller
        error = exc
    chunks.append("".join(lines).encode("utf-8"))
    return Serialised(b"".join(chunks), count + len(lines), error)
