"""What every ingester shares: its context and its error."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .identity import Identity


class IngestError(Exception):
    """Malformed input. ``where`` is a line number or a record id."""

    def __init__(self, file: Path | str, where: int | str | None, reason: str) -> None:
        self.file = str(file)
        self.where = where
        self.reason = reason
        loc = f"{self.file}:{where}" if where is not None else self.file
        super().__init__(f"{loc}: {reason}")


@dataclass
class IngestContext:
    """Inputs of one ingester run, and the counts it reports back."""

    base: str
    files: dict[str, Path]
    data_dir: Path
    identity: Identity | None = None
    rows_read: int = 0
    rows_rejected: int = 0
    rejected_reasons: Counter[str] = field(default_factory=Counter)

    def id(self, kind: str, key: str) -> str:
        return f"{self.base}/id/{kind}/{key}"

    def reject(self, reason: str) -> None:
        """Count a row left out on purpose (not an error: e.g. outside the scope of the graph)."""
        self.rows_rejected += 1
        self.rejected_reasons[reason] += 1

    def file(self, name: str) -> Path:
        try:
            return self.files[name]
        except KeyError:
            raise IngestError(name, None, "input file not provided") from None
