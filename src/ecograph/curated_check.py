"""Check the curated CSVs: ``python -m ecograph.curated_check data/curated``.

Runs the row rules of the ingester (allowed values, slugs, URLs, years, identifiers) and the
checks that need reference files: REFNIS 2025 (is ``municipality_nis`` a municipality of
Vlaams-Brabant whose Dutch name is ``municipality_name``?) and the ROR extract (does ``ror_id``
exist, does ``wikidata_qid`` agree with ROR?). Also finds duplicates: an id, a ROR id, a QID or a
normalised name used by two organisations, a relation given twice.

Every problem is printed as ``file:line: level: message``. Exit codes (as pySHACL's): 0 the data
passes (warnings allowed), 1 it has errors, 2 the check itself could not run (missing file).
The reference files default to ``../shared/data`` (the folder layout of the publishers' extracts);
``--refnis`` and ``--ror`` point elsewhere.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from .ingest.base import IngestError
from .ingest.curated import (
    ORG_COLUMNS,
    REL_COLUMNS,
    RowError,
    read_rows,
    validate_org,
    validate_relation,
)
from .ingest.identity import ROR_PREFIX, normalise_name, normalise_ror, split_list

DEFAULT_SHARED = Path("..") / "shared" / "data"
REFNIS_FILE = Path("belgif-refnis") / "refnis2025_vlaams_brabant.csv"
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

    municipalities: dict[str, str]  # NIS code -> Dutch name, municipalities of Vlaams-Brabant
    ror: dict[str, RorRecord]  # short ROR id -> record of the extract
    ror_referenced: frozenset[str]  # short ROR ids named in relationships of the extract

    @classmethod
    def load(cls, refnis: Path, ror_dir: Path) -> References:
        """Read the REFNIS CSV and the ROR CSVs; OSError/KeyError if they are missing or wrong."""
        municipalities: dict[str, str] = {}
        with open(refnis, newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                if row["level_name"] == "municipality":
                    municipalities[row["nis_code"]] = row["name_nl"]
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
        for line, row in read_rows(path, ORG_COLUMNS):
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
    """Codes are given for places in Vlaams-Brabant only (the curated convention)."""
    nis, name = row["municipality_nis"], row["municipality_name"]
    if nis:
        expected = refs.municipalities.get(nis)
        if expected is None:
            return [f"{row['id']}: municipality_nis {nis} is not a REFNIS 2025 municipality of "
                    "Vlaams-Brabant"]
        if expected != name:
            return [f"{row['id']}: municipality_nis {nis} is {expected!r} in REFNIS, not {name!r}"]
    elif name:
        codes = [code for code, nl in refs.municipalities.items() if nl == name]
        if codes:
            return [f"{row['id']}: municipality {name!r} is in Vlaams-Brabant: give its code "
                    f"{codes[0]}"]
    return []


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
        prog="python -m ecograph.curated_check", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("folder", type=Path, help="folder with organisations.csv and relations.csv")
    parser.add_argument("--refnis", type=Path, default=DEFAULT_SHARED / REFNIS_FILE,
                        help="REFNIS 2025 CSV of Vlaams-Brabant (default: %(default)s)")
    parser.add_argument("--ror", type=Path, default=DEFAULT_SHARED / ROR_DIR,
                        help="folder of the ROR extract CSVs (default: %(default)s)")
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
    problems = check(args.folder, refs)
    for problem in problems:
        print(problem)
    errors = sum(1 for p in problems if p.level == "error")
    warnings = len(problems) - errors
    print(f"{errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
