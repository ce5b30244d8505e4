"""A comma-separated UTF-8 file read once and kept, for every reader that asks for it.

The records are kept as the csv module gave them, with the error (if any) that stopped the
reading; each view checks the header and rows by its own rules and meets that error after the
rows before it, as it would reading the file itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ecograph.ingest.readers.common import CsvStop, Record, checked_rows, open_text, scan_csv


@dataclass
class Table:
    path: Path
    records: list[Record]  # header included
    stop: CsvStop | None = None

    @classmethod
    def read(cls, path: Path) -> Table:
        """Read ``path``; IngestError when it cannot be opened."""
        records: list[Record] = []
        stop = None
        with open_text(path) as handle:
            try:
                records.extend(scan_csv(handle))
            except CsvStop as exc:
                stop = exc
        return cls(path, records, stop)

    def replay(self) -> Iterator[Record]:
        """The records, then the error that stopped the reading (as :func:`scan_csv` gives them)."""
        yield from self.records
        if self.stop is not None:
            raise self.stop

    def rows(self, columns: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows under a header that holds ``columns`` (see :func:`ecograph.ingest.base.csv_rows`)."""
        return checked_rows(self.replay(), self.path, columns)
