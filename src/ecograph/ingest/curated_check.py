"""Check the curated CSVs: ``python -m ecograph.ingest.curated_check data/curated``.

Runs the row rules of the ingester (allowed values, slugs, URLs, years, identifiers) and the
checks that need reference files: REFNIS 2025 (is ``municipality_nis`` a current municipality of
Belgium that ``municipality_name`` names? does a name without a code name exactly one, so that its
code can be given?) and the ROR extract (does ``ror_id`` exist, does ``wikidata_qid`` agree with
ROR?). Also finds duplicates: an id, a ROR id, a QID or a normalised name used by two
organisations, a relation given twice.

Names are matched by the rule the ingester uses (:mod:`ecograph.ingest.places`: the Dutch, French
or German name of a current municipality, case and accents ignored). ``--fill-codes`` writes the
code of every name that matches into ``organisations.csv`` (nothing else in the file changes) and
then checks the result.

Every problem is printed as ``file:line: level: message``. Exit codes (as pySHACL's): 0 the data
passes (warnings allowed), 1 it has errors, 2 the check itself could not run (missing file).
The reference files default to ``../shared/data`` (the folder layout of the publishers' extracts);
``--refnis`` (the REFNIS CSV of all of Belgium, ``refnis2025_all.csv``) and ``--ror`` point
elsewhere.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ecograph.ingest.base import IngestError
from ecograph.ingest.identity import ROR_PREFIX, normalise_name, normalise_ror, split_list
from ecograph.ingest.places import Municipalities, PlaceError, UnknownPlace
from ecograph.ingest.readers.curated import ORG_COLUMNS, ORG_OPTIONAL, REL_COLUMNS, read_rows
from ecograph.ingest.readers.curated_rules import BELGIUM, RowError, validate_org, validate_relation

DEFAULT_SHARED = Path("..") / "shared" / "data"
REFNIS_FILE = Path("belgif-refnis") / "refnis2025_all.csv"
ROR_DIR = Path("ror")
SYMMETRIC = frozenset({"partner_of", "collaborates_with"})


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.level}: {self.message}"


@dataclass(frozen=True)
class RorRecord:
    status: str
    wikidata: frozenset[str]


@dataclass
class References:
    """What the check needs from the reference files."""

    municipalities: Municipalities  # the municipalities of the REFNIS file, by code and by name
    ror: dict[str, RorRecord]  # short ROR id -> record of the extract
    ror_referenced: frozenset[str]  # short ROR ids named in relationships of the extract

    @classmethod
    def load(cls, refnis: Path, ror_dir: Path) -> References:
        """Read the REFNIS CSV and the ROR CSVs; OSError/KeyError if they are missing or wrong."""
        municipalities = Municipalities.from_csv(refnis)
        ror: dict[str, RorRecord] = {}
        with open(ror_dir / "ror_be_organisations.csv", newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                short = normalise_ror(row["ror_id"])
                if short:
                    qids = frozenset(q.strip() for q in row["wikidata"].split("|") if q.strip())
                    ror[short] = RorRecord(row["status"], qids)
        referenced: set[str] = set()
        relationships = ror_dir / "ror_be_relationships.csv"
        if relationships.exists():
            with open(relationships, newline="", encoding="utf-8-sig") as handle:
                for row in csv.DictReader(handle):
                    short = normalise_ror(row["related_ror_id"])
                    if short:
                        referenced.add(short)
        return cls(municipalities, ror, frozenset(referenced))


def check(folder: Path, refs: References) -> list[Problem]:
    """All problems of ``organisations.csv`` and ``relations.csv`` in ``folder``."""
    problems: list[Problem] = []
    org_ids = _check_organisations(folder / "organisations.csv", refs, problems)
    _check_relations(folder / "relations.csv", org_ids, problems)
    return problems


def _check_organisations(path: Path, refs: References, problems: list[Problem]) -> set[str]:
    name = str(path)
    ids: dict[str, int] = {}
    first_ror: dict[str, tuple[str, int]] = {}
    first_qid: dict[str, tuple[str, int]] = {}
    first_name: dict[str, tuple[str, int]] = {}

    def add(line: int | None, message: str, level: str = "error") -> None:
        problems.append(Problem(name, line, message, level))

    try:
        for line, row in read_rows(path, ORG_COLUMNS, ORG_OPTIONAL):
            key = row["id"]
            try:
                validate_org(row)
            except RowError as exc:
                add(line, f"{key}: {exc}")
            if key in ids:
                add(line, f"id {key!r} already used on line {ids[key]}")
                continue
            ids[key] = line
            for message in _place_problems(row, refs):
                add(line, message)
            for url in split_list(row["source_urls"]) + [row["website"]]:
                if _has_tracking(url):
                    add(line, f"{key}: tracking parameters (utm_*) in URL {url}")
            short = normalise_ror(row["ror_id"])
            if short:
                for level, message in _ror_problems(row, short, refs):
                    add(line, message, level)
                if short in first_ror:
                    other, other_line = first_ror[short]
                    add(line, f"{key}: ROR id {short} also on {other} (line {other_line})")
                first_ror.setdefault(short, (key, line))
            qid = row["wikidata_qid"]
            if qid:
                if qid in first_qid:
                    other, other_line = first_qid[qid]
                    add(line, f"{key}: Wikidata {qid} also on {other} (line {other_line})")
                first_qid.setdefault(qid, (key, line))
            own: set[str] = set()
            for label in [row["name"], *split_list(row["alt_names"])]:
                norm = normalise_name(label)
                if not norm or norm in own:
                    continue
                own.add(norm)
                if norm in first_name:
                    other, other_line = first_name[norm]
                    add(line, f"{key}: name {label!r} (normalised {norm!r}) also names {other} "
                              f"(line {other_line})")
                else:
                    first_name[norm] = (key, line)
    except IngestError as exc:
        add(exc.where if isinstance(exc.where, int) else None, exc.reason)
    return set(ids)


def _place_problems(row: dict[str, str], refs: References) -> list[str]:
    """Every Belgian place has its code: a code is a current REFNIS municipality that
    ``municipality_name`` names; a name without a code is a foreign place (``country`` given and
    not BE), anything else is an error that proposes the code, or says why there is none."""
    key, nis, name = row["id"], row["municipality_nis"], row["municipality_name"]
    country = row.get("country", "")
    if country and country != BELGIUM:
        return []  # a foreign place: the name stays a name (validate_org refuses a code with it)
    if nis:
        unit = refs.municipalities.get(nis)
        if unit is None:
            return [f"{key}: municipality_nis {nis} is not a REFNIS 2025 municipality"]
        if not unit.current:
            return [f"{key}: municipality_nis {nis} ({unit.name_nl}) ended on {unit.ended}"]
        if not refs.municipalities.names_code(name, nis):
            return [f"{key}: municipality_nis {nis} is {unit.name_nl!r} in REFNIS, not {name!r}"]
    elif name:
        try:
            unit = refs.municipalities.resolve(name)
        except UnknownPlace as exc:
            return [f"{key}: municipality_name {exc}; a place abroad needs its country (ISO code "
                    "in the country column)"]
        except PlaceError as exc:
            return [f"{key}: municipality_name {exc}"]
        return [f"{key}: municipality {name!r} is REFNIS municipality {unit.code} ({unit.name_nl}): "
                f"give its code {unit.code} (--fill-codes writes it)"]
    return []


def fill_codes(path: Path, refs: References) -> list[tuple[int, str, str, str]]:
    """Write into ``organisations.csv`` the code of each name without one that names exactly one
    current municipality (rows abroad left alone); (line, id, name, code) of each filled row.

    The file is read and written as CSV (CRLF, minimal quoting, as the curated files are), so only
    the filled cells change. A row whose name does not resolve is left for the check to report."""
    raw = path.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []  # physical line where each row starts
    line = 1
    for cells in reader:
        rows.append(cells)
        lines.append(line)
        line = reader.line_num + 1
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    nis_col, name_col = header.index("municipality_nis"), header.index("municipality_name")
    country_col = header.index("country") if "country" in header else None
    filled: list[tuple[int, str, str, str]] = []
    for cells, start in zip(rows[1:], lines[1:], strict=True):
        if len(cells) != len(header) or cells[nis_col].strip() or not cells[name_col].strip():
            continue
        if country_col is not None and cells[country_col].strip() not in ("", BELGIUM):
            continue
        try:
            unit = refs.municipalities.resolve(cells[name_col].strip())
        except PlaceError:
            continue
        cells[nis_col] = unit.code
        filled.append((start, cells[0], cells[name_col].strip(), unit.code))
    if filled:
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        path.write_bytes((codecs.BOM_UTF8 if bom else b"") + out.getvalue().encode("utf-8"))
    return filled


def _ror_problems(row: dict[str, str], short: str, refs: References) -> list[tuple[str, str]]:
    """(level, message) pairs. The extract is partial: an id only named in ROR relationships
    is a warning, not an error."""
    key = row["id"]
    found: list[tuple[str, str]] = []
    record = refs.ror.get(short)
    if record is None:
        if short in refs.ror_referenced:
            found.append(("warning", f"{key}: ROR id {short} has no record in the ROR extract "
                                     "(only named in its relationships; the extract is partial)"))
        else:
            found.append(("error", f"{key}: ROR id {short} is not in the ROR extract"))
    else:
        if record.status == "withdrawn":
            found.append(("warning", f"{key}: ROR record {short} is withdrawn"))
        qid = row["wikidata_qid"]
        if qid and record.wikidata and qid not in record.wikidata:
            found.append(("error", f"{key}: wikidata_qid {qid} differs from ROR's "
                                   f"{'|'.join(sorted(record.wikidata))}"))
    if ROR_PREFIX + short not in split_list(row["source_urls"]):
        found.append(("error", f"{key}: ror_id given but its ROR record URL is not among "
                               "source_urls"))
    return found


def _has_tracking(url: str) -> bool:
    """A URL with utm_* parameters: the same page gets one source IRI only without them."""
    return any(key.startswith("utm_") for key, _ in parse_qsl(urlsplit(url).query))


def _check_relations(path: Path, org_ids: set[str], problems: list[Problem]) -> None:
    name = str(path)
    seen: dict[tuple[str, str, str], int] = {}
    try:
        for line, row in read_rows(path, REL_COLUMNS):
            try:
                validate_relation(row, org_ids)
            except RowError as exc:
                problems.append(Problem(name, line, str(exc)))
                continue
            if _has_tracking(row["source_url"]):
                problems.append(Problem(name, line, f"tracking parameters (utm_*) in URL "
                                                    f"{row['source_url']}"))
            triple = (row["subject_id"], row["relation"], row["object_id"])
            if triple in seen:
                problems.append(Problem(name, line, f"relation {' '.join(triple)} already on line "
                                                    f"{seen[triple]}"))
                continue
            reverse = (row["object_id"], row["relation"], row["subject_id"])
            if row["relation"] in SYMMETRIC and reverse in seen:
                problems.append(Problem(name, line, f"symmetric relation {' '.join(triple)} already "
                                                    f"given the other way on line {seen[reverse]}"))
                continue
            seen[triple] = line
    except IngestError as exc:
        problems.append(Problem(name, exc.where if isinstance(exc.where, int) else None, exc.reason))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ecograph.ingest.curated_check", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("folder", type=Path, help="folder with organisations.csv and relations.csv")
    parser.add_argument("--refnis", type=Path, default=DEFAULT_SHARED / REFNIS_FILE,
                        help="REFNIS 2025 CSV of the municipalities of Belgium (default: %(default)s)")
    parser.add_argument("--ror", type=Path, default=DEFAULT_SHARED / ROR_DIR,
                        help="folder of the ROR extract CSVs (default: %(default)s)")
    parser.add_argument("--fill-codes", action="store_true",
                        help="write the REFNIS code of each municipality name without one into "
                             "organisations.csv, then check")
    args = parser.parse_args(argv)
    try:
        refs = References.load(args.refnis, args.ror)
    except (OSError, KeyError) as exc:
        print(f"cannot read the reference files: {exc}", file=sys.stderr)
        return 2
    for needed in ("organisations.csv", "relations.csv"):
        if not (args.folder / needed).is_file():
            print(f"missing {args.folder / needed}", file=sys.stderr)
            return 2
    if args.fill_codes:
        path = args.folder / "organisations.csv"
        try:
            filled = fill_codes(path, refs)
        except (csv.Error, UnicodeDecodeError, ValueError) as exc:  # the check below says where
            print(f"{path}: codes not filled: {exc}", file=sys.stderr)
            filled = []
        for line, key, name, code in filled:
            print(f"{path}:{line}: filled: {key}: municipality_nis {code} for {name!r}")
    problems = check(args.folder, refs)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    print(f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
