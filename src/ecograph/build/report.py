"""What a build reports: per source, its status and counts; for the build, the generation and totals."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Progress = Callable[[str], None]


class BuildError(RuntimeError):
    """The build could not run at all, or did not pass its checks (nothing was published)."""


@dataclass
class SourceReport:
    name: str
    status: str = "pending"  # published | kept-previous | not-published | missing | absent (optional)
    triples: int = 0
    rows_read: int = 0
    rows_rejected: int = 0
    seconds: float = 0.0
    error: str = ""


class Phases(dict[str, float]):
    """Seconds spent per build phase (``bench/ingest.py`` prints them); phases that run on two
    threads at once each count their own time, so the sum can exceed the build's."""

    _lock = threading.Lock()

    @contextmanager
    def time(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            with self._lock:
                self[name] = self.get(name, 0.0) + time.perf_counter() - t0


@dataclass
class BuildReport:
    generation: str = ""
    sources: list[SourceReport] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    phases: Phases = field(default_factory=Phases)

    @property
    def ok(self) -> bool:
        return all(s.status in ("published", "absent") for s in self.sources)
