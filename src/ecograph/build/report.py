"""What a build reports: per source, its status and counts; for the build, the generation and totals."""

from __future__ import annotations

from collections.abc import Callable
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


@dataclass
class BuildReport:
    generation: str = ""
    sources: list[SourceReport] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(s.status in ("published", "absent") for s in self.sources)
