"""The KBO / BCE open data extract (a zip of ``"``-quoted, ``,``-separated UTF-8 CSV files), streamed.

Each member is read straight from the zip in blocks of bytes; rows are filtered on their key field
before they are decoded or split (see :meth:`KboZip.rows`), so memory is bounded by what the caller
keeps, not by the size of the file (``activity.csv`` has tens of millions of rows).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Collection, Iterator
from pathlib import Path

from ecograph.ingest.readers.common import IngestError, Progress, to_stderr

HEADERS: dict[str, tuple[str, ...]] = {
    "meta.csv": ("Variable", "Value"),
    "code.csv": ("Category", "Code", "Language", "Description"),
    "enterprise.csv": ("EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise",
                       "JuridicalForm", "JuridicalFormCAC", "StartDate"),
    "establishment.csv": ("EstablishmentNumber", "StartDate", "EnterpriseNumber"),
    "denomination.csv": ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
    "address.csv": ("EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR", "Zipcode", "MunicipalityNL",
                    "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box", "ExtraAddressInfo",
                    "DateStrikingOff"),
    "activity.csv": ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"),
    "contact.csv": ("EntityNumber", "EntityContact", "ContactType", "Value"),
}

ENTERPRISE_NUMBER = re.compile(r"[01][0-9]{3}\.[0-9]{3}\.[0-9]{3}")
UNIT_NUMBER = re.compile(r"[2-8]\.[0-9]{3}\.[0-9]{3}\.[0-9]{3}")
DATE = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")
PROGRESS_EVERY = 1_000_000
BLOCK = 1 << 20  # bytes read from a zip member at a time

class KboZip:
    """The CSV members of one KBO extract, read as streams with physical line numbers."""

    def __init__(self, path: Path, progress: Progress = to_stderr) -> None:
        self.path = path
        self.progress = progress
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise IngestError(path, None, f"not a readable zip: {exc}") from None
        self._members = {Path(n).name: n for n in self._zip.namelist() if not n.endswith("/")}
        self.counts: dict[str, int] = {}  # data rows read per member (set when a member is read to the end)
        missing = [name for name in HEADERS if name not in self._members and name != "contact.csv"]
        if missing:
            raise IngestError(path, None, f"the zip lacks {', '.join(missing)}")

    def close(self) -> None:
        self._zip.close()

    def has(self, name: str) -> bool:
        return name in self._members

    def where(self, name: str) -> str:
        return f"{self.path}/{name}"

    def rows(
        self, name: str, keep: Collection[str] | None = None, column: int = 0
    ) -> Iterator[tuple[int, list[str]]]:
        """(line, fields) of each data row of member ``name`` whose field ``column`` is in ``keep``.

        Every row is checked for CSV syntax and its number of fields (a malformed row anywhere in
        the file stops the run with its line). For speed, the member is read in blocks of bytes:
        a block whose every line is a plain row (each field quoted, no quote or line break inside
        a field, the right number of fields) is checked by one regular expression and filtered on
        the first field without decoding; any other block (quotes inside fields, a multi-line
        field, or an error) is read by the ``csv`` module. Only kept rows are decoded, so a
        non-UTF-8 byte is reported only in a kept row or a block read by ``csv``.
        """
        columns = HEADERS[name]
        ncols = len(columns)
        where = self.where(name)
        wanted = None if keep is None else {k.encode() for k in keep}
        width = min((len(k) for k in wanted), default=0) if wanted else 0
        prefixes = {k[:width] for k in wanted} if wanted else set()
        separators = ncols - 1
        read = 0
        next_report = PROGRESS_EVERY
        try:
            with self._zip.open(self._members[name]) as raw:
                header = raw.readline()
                if tuple(_split_header(header)) != columns:
                    raise IngestError(where, 1, f"header must be {','.join(columns)}")
                line = 2  # physical line number of the first line of ``block``
                carry = b""
                while True:
                    chunk = raw.read(BLOCK)
                    block = carry + chunk
                    if not chunk:
                        if block and not block.endswith(b"\n"):
                            block += b"\n"
                        carry = b""
                    else:
                        cut = block.rfind(b"\n") + 1
                        block, carry = block[:cut], block[cut:]
                    if not block:
                        if not chunk:
                            break
                        continue
                    count = block.count(b"\n")
                    if _plain(block, count, separators):
                        lines = block.split(b"\n")
                        lines.pop()
                        if wanted is None:
                            kept = list(enumerate(lines))
                        elif column == 0:
                            # cheap fixed-width prefix test first, exact key for the candidates only
                            kept = [(i, b) for i, b in enumerate(lines)
                                    if b[1:width + 1] in prefixes and b[1:b.index(b'"', 1)] in wanted]
                        else:
                            kept = [(i, b) for i, b in enumerate(lines)
                                    if b.split(b'","', column + 1)[column] in wanted]
                        for i, raw_line in kept:
                            fields = _plain_fields(raw_line, where, line + i)
                            if len(fields) != ncols:  # cannot happen in a block that passed _plain
                                raise IngestError(where, line + i, f"{len(fields)} fields instead of {ncols}")
                            yield line + i, fields
                    else:
                        rows, count, carry = _csv_block(block, carry, not chunk, ncols, where, line)
                        for i, fields in rows:
                            if wanted is None or fields[column].encode() in wanted:
                                yield line + i, fields
                    line += count
                    read += count
                    if read >= next_report:
                        self.progress(f"[kbo] {name}: {read:,} rows …")
                        next_report += PROGRESS_EVERY
                    if not chunk and not carry:
                        break
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise IngestError(where, None, f"cannot read from the zip: {exc}") from None
        self.counts[name] = read


def _plain(block: bytes, lines: int, separators: int) -> bool:
    """Whether every line of ``block`` looks like a plain row: ``"…","…",…,"…"`` + line end.

    Checked by counting (C speed): exactly ``separators`` ``","`` and two other quotes per line,
    every line starting and ending with a quote. Rows with quotes or line breaks inside fields
    fail the check and go to the csv module. A row with a field too many and another with one too
    few in the same block could pass together; every kept row's fields are counted again.
    """
    quotes = block.count(b'"')
    return (
        block.count(b'","') == separators * lines
        and quotes == 2 * (separators + 1) * lines
        and block.count(b'"\n') + block.count(b'"\r\n') == lines
        and block.count(b'\n"') == lines - 1
        and block.startswith(b'"')
    )


def _split_header(header: bytes) -> list[str]:
    try:
        text = header.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    return next(csv.reader([text]), [])


def _plain_fields(raw_line: bytes, where: str, line: int) -> list[str]:
    try:
        text = raw_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(where, line, f"not UTF-8: {exc.reason}") from None
    return text.rstrip("\r")[1:-1].split('","')


def _csv_block(
    block: bytes, carry: bytes, at_end: bool, ncols: int, where: str, first_line: int
) -> tuple[list[tuple[int, list[str]]], int, bytes]:
    """Rows of a block that needs the csv module: (line offset, fields), lines consumed, new carry.

    A record left open at the end of the block (a quoted line break) is handed back as carry,
    to be read again with the next block.
    """
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = first_line + block.count(b"\n", 0, exc.start)
        raise IngestError(where, bad, f"not UTF-8: {exc.reason}") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    consumed = 0  # lines of complete records
    try:
        for fields in reader:
            offset = consumed
            consumed = reader.line_num
            if not fields:
                continue
            if len(fields) != ncols:
                raise IngestError(where, first_line + offset, f"{len(fields)} fields instead of {ncols}")
            rows.append((offset, fields))
    except csv.Error as exc:
        if not at_end and "unexpected end of data" in str(exc):
            # an open quoted field: keep the unfinished record for the next block
            lines = block.split(b"\n")
            rest = b"\n".join(lines[consumed:])
            return rows, consumed, rest + carry
        raise IngestError(where, first_line + consumed, f"CSV syntax: {exc}") from None
    return rows, consumed, carry


def kbo_date(value: str) -> str:
    """``dd-mm-yyyy`` → ``yyyy-mm-dd``; ValueError if it is not a date in that format."""
    match = DATE.fullmatch(value)
    if not match:
        raise ValueError(f"date {value!r} is not dd-mm-yyyy")
    day, month, year = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1800 <= year <= 2100):
        raise ValueError(f"date {value!r} is not a plausible date")
    return f"{year:04d}-{month:02d}-{day:02d}"


def digits(number: str) -> str:
    return number.replace(".", "")
