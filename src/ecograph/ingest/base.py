"""What every ingester shares: its context and its error."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ecograph.ingest.identity import Identity


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


def csv_rows(
    text: TextIO, where: Path | str, columns: Iterable[str], delimiter: str = ","
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV text with a header, each with the physical line where it starts.

    The header must hold every name of ``columns`` (more columns are allowed) and no name twice;
    each row must have as many fields as the header; empty lines are skipped. The line number is
    the line where the row starts, also for rows with quoted line breaks. Errors name ``where``.
    """
    wanted = list(columns)
    reader = csv.reader(text, delimiter=delimiter, quotechar='"', strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise IngestError(where, 1, "empty file, expected a header row")
        missing = [c for c in wanted if c not in header]
        if missing:
            hint = "" if delimiter == "," else f" (separator '{delimiter}')"
            raise IngestError(where, 1, f"header lacks column(s) {', '.join(missing)}{hint}")
        if len(set(header)) != len(header):
            raise IngestError(where, 1, "duplicate column names in the header")
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not row:
                continue
            if len(row) != len(header):
                raise IngestError(where, line, f"expected {len(header)} fields, found {len(row)}")
            yield line, {name: value.strip() for name, value in zip(header, row, strict=True)}
    except csv.Error as exc:
        raise IngestError(where, reader.line_num, f"invalid CSV: {exc}") from None
    except UnicodeDecodeError as exc:
        raise not_utf8(where, exc) from None


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
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        yield from csv_rows(handle, path, columns)
