"""An ingester's triples as a binary N-Triples file, for Oxigraph's streaming bulk loader."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from ecograph.build.report import Progress
from ecograph.model import nt


class TripleReader(io.RawIOBase):
    """A binary file over an ingester's triples.

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
