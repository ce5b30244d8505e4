"""What every reader and ingester shares: the input error, UTF-8 errors with their line, CSV records
with their physical line, and the progress sink of a run outside a build.

(:mod:`ecograph.ingest.base` re-exports these beside :class:`~ecograph.ingest.base.IngestContext`;
the readers import them from here, so that nothing they import leads back to the context.)
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

Progress = Callable[[str], None]


def to_stderr(message: str) -> None:
    """The progress sink of an ingester run outside a build."""
    print(message, file=sys.stderr, flush=True)


class IngestError(Exception):
    """Malformed input. ``where`` is a line number or a record id."""

    def __init__(self, file: Path | str, where: int | str | None, reason: str) -> None:
        self.file = str(file)
        self.where = where
        self.reason = reason
        loc = f"{self.file}:{where}" if where is not None else self.file
        super().__init__(f"{loc}: {reason}")


class CsvStop(Exception):
    """The csv reader stopped on a record: ``start`` is the line where that record starts, ``at`` the
    reader's line when it stopped, ``cause`` the :class:`csv.Error` or :class:`UnicodeDecodeError`."""

    def __init__(self, start: int, at: int, cause: csv.Error | UnicodeDecodeError) -> None:
        super().__init__(str(cause))
        self.start, self.at, self.cause = start, at, cause

    def error(self, where: Path | str, line: int, label: str) -> IngestError:
        """The IngestError of a reader that words a CSV syntax error as ``label: …`` at ``line``."""
        if isinstance(self.cause, UnicodeDecodeError):
            return not_utf8(where, self.cause)
        return IngestError(where, line, f"{label}: {self.cause}")


Record = tuple[int, list[str]]  # (physical line where a CSV record starts, its fields)


def scan_csv(text: TextIO, delimiter: str = ",") -> Iterator[Record]:
    """Every record of a CSV text (header and empty lines included) with the line where it starts.

    A syntax error or a byte that is not UTF-8 raises :class:`CsvStop` after the records before it.
    """
    reader = csv.reader(text, delimiter=delimiter, quotechar='"', strict=True)
    start = 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            yield line, row
    except (csv.Error, UnicodeDecodeError) as exc:
        raise CsvStop(start, reader.line_num, exc) from None


def checked_rows(
    records: Iterable[Record], where: Path | str, columns: Iterable[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of ``records`` (see :func:`scan_csv`) under a header that holds ``columns``."""
    wanted = list(columns)
    try:
        found = iter(records)
        first = next(found, None)
        if first is None:
            raise IngestError(where, 1, "empty file, expected a header row")
        header = first[1]
        missing = [c for c in wanted if c not in header]
        if missing:
            hint = "" if delimiter == "," else f" (separator '{delimiter}')"
            raise IngestError(where, 1, f"header lacks column(s) {', '.join(missing)}{hint}")
        if len(set(header)) != len(header):
            raise IngestError(where, 1, "duplicate column names in the header")
        for line, row in found:
            if not row:
                continue
            if len(row) != len(header):
                raise IngestError(where, line, f"expected {len(header)} fields, found {len(row)}")
            yield line, {name: value.strip() for name, value in zip(header, row, strict=True)}
    except CsvStop as stop:
        raise stop.error(where, stop.at, "invalid CSV") from None


def csv_rows(
    text: TextIO, where: Path | str, columns: Iterable[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV text with a header, each with the physical line where it starts.

    The header must hold every name of ``columns`` (more columns are allowed) and no name twice;
    each row must have as many fields as the header; empty lines are skipped. The line number is
    the line where the row starts, also for rows with quoted line breaks. Errors name ``where``.
    """
    return checked_rows(scan_csv(text, delimiter), where, columns, delimiter)


def open_text(path: Path) -> TextIO:
    """``path`` opened as UTF-8 text for the csv module; IngestError when it cannot be opened."""
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None


def not_utf8(where: Path | str, exc: UnicodeDecodeError) -> IngestError:
    """The error for a file that is not UTF-8, naming the line of the first bad byte."""
    return utf8_error(Path(where)) or IngestError(where, None, f"not UTF-8 ({exc.reason})")


def utf8_error(path: Path) -> IngestError | None:
    """A file:line error at the first byte of ``path`` that is not UTF-8; None for a UTF-8 file."""
    try:
        raw = path.read_bytes()
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return IngestError(path, line, f"not UTF-8 ({exc.reason}, byte {exc.object[exc.start:exc.start + 1]!r})")
    except OSError:
        pass
    return None


def csv_records(path: Path, columns: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a comma-separated UTF-8 CSV file (see ``csv_rows``)."""
    with open_text(path) as handle:
        yield from csv_rows(handle, path, columns)
