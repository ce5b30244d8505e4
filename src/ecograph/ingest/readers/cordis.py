"""CORDIS project zips (Horizon Europe, H2020): the region's projects, their participants and fields.

Each zip holds ``;``-separated, ``"``-quoted UTF-8 CSVs with a header, of which ``project.csv``,
``organization.csv`` and ``euroSciVoc.csv`` are read (decimals may use a decimal comma). Scope:
the projects with at least one participant whose ``nutsCode`` starts with ``REGION_NUTS`` (BE24,
the province of Flemish Brabant), and all participants of those projects. ``organization.csv`` is
passed over twice within one open of the zip: first for the region's projects, then for their
participants, so that only those are kept in memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.ingest.readers.common import IngestError, csv_rows
from ecograph.model.namespaces import ECO

REGION_NUTS = "BE24"
PROJECT_COLUMNS = ("id", "acronym", "status", "title", "startDate", "endDate", "totalCost",
                   "ecMaxContribution", "frameworkProgramme")
ORG_COLUMNS = ("projectID", "organisationID", "vatNumber", "name", "shortName", "activityType", "postCode",
               "city", "country", "nutsCode", "geolocation", "organizationURL", "role", "ecContribution")
ESV_COLUMNS = ("projectID", "euroSciVocCode", "euroSciVocPath")
ROLES = frozenset({"coordinator", "participant", "partner", "associatedpartner", "thirdparty"})
ACTIVITY_TYPES: dict[str, str] = {
    "HES": ECO.University,
    "REC": ECO.ResearchCentre,
    "PRC": ECO.Company,
    "PUB": ECO.GovernmentBody,
    "OTH": ECO.OtherOrganisation,
}
_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T][0-9:.]+Z?)?")
CODE_PATH = re.compile(r"(?:/[0-9]+)+")



def _members(path: Path) -> tuple[zipfile.ZipFile, dict[str, str]]:
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise IngestError(path, None, f"not a readable zip: {exc}") from None
    names = {Path(n).name: n for n in zf.namelist() if not n.endswith("/")}
    missing = [m for m in ("project.csv", "organization.csv", "euroSciVoc.csv") if m not in names]
    if missing:
        zf.close()
        raise IngestError(path, None, f"the zip lacks {', '.join(missing)}")
    return zf, names


def cordis_rows(
    zf: zipfile.ZipFile, member: str, where: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(start line, row) of a CORDIS CSV (``;``-separated); the header must hold ``columns``."""
    with zf.open(member) as raw:
        text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding="utf-8-sig", newline="")
        yield from csv_rows(text, where, columns, delimiter=";")


def decimal(value: str) -> str:
    """A CORDIS amount as an xsd:decimal lexical form (decimal comma accepted); ValueError if not one."""
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"{value!r} is not a decimal number")
    return value.replace(",", ".")


def iso_date(value: str) -> str:
    match = _DATE.fullmatch(value)
    if not match:
        raise ValueError(f"{value!r} is not a date yyyy-mm-dd")
    return match.group(1)


@dataclass
class Participation:
    project: str
    pic: str
    role: str
    activity: str
    contribution: str
    line: int


@dataclass
class Organisation:
    pic: str
    name: str
    short: str
    vat: str
    activity: str
    country: str
    postcode: str
    city: str
    nuts: str
    url: str
    geo: str
    in_region: bool = False
    key: str = ""
    evidence: str = ""
    projects: list[str] = field(default_factory=list)


@dataclass
class Project:
    id: str
    acronym: str
    title: str
    start: str
    end: str
    total: str
    ec_max: str
    programme: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (code path, label path)


@dataclass
class Extract:
    projects: dict[str, Project] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    participations: list[Participation] = field(default_factory=list)
    rows: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


def read_zip(path: Path, out: Extract) -> None:
    """Add the region's projects of one CORDIS zip to ``out`` (three passes over small files)."""
    zf, names = _members(path)
    with zf:
        where = f"{path}/organization.csv"
        region_projects: set[str] = set()
        for line, row in cordis_rows(zf, names["organization.csv"], where, ORG_COLUMNS):
            out.rows += 1
            _check_participant(row, where, line)
            if row["nutsCode"].upper().startswith(REGION_NUTS):
                region_projects.add(row["projectID"])
        for line, row in cordis_rows(zf, names["organization.csv"], where, ORG_COLUMNS):
            if row["projectID"] not in region_projects:
                out.rejected["participation in a project without a region participant"] += 1
                continue
            pic = row["organisationID"]
            org = out.organisations.get(pic)
            if org is None:
                org = out.organisations[pic] = Organisation(
                    pic, row["name"], row["shortName"], row["vatNumber"], row["activityType"].upper(),
                    row["country"].upper(), row["postCode"], row["city"], row["nutsCode"].upper(),
                    row["organizationURL"], row["geolocation"])
            if row["nutsCode"].upper().startswith(REGION_NUTS):
                org.in_region = True
            if row["projectID"] not in org.projects:
                org.projects.append(row["projectID"])
            out.participations.append(Participation(
                row["projectID"], pic, row["role"], row["activityType"].upper(),
                decimal(row["ecContribution"]) if row["ecContribution"] else "", line))
        where = f"{path}/project.csv"
        for line, row in cordis_rows(zf, names["project.csv"], where, PROJECT_COLUMNS):
            out.rows += 1
            if not _DIGITS.fullmatch(row["id"]):
                raise IngestError(where, line, f"id {row['id']!r} is not a number")
            try:
                start = iso_date(row["startDate"]) if row["startDate"] else ""
                end = iso_date(row["endDate"]) if row["endDate"] else ""
                total = decimal(row["totalCost"]) if row["totalCost"] else ""
                ec_max = decimal(row["ecMaxContribution"]) if row["ecMaxContribution"] else ""
            except ValueError as exc:
                raise IngestError(where, line, str(exc)) from None
            if row["id"] not in region_projects:
                out.rejected["project without a region participant"] += 1
                continue
            if not row["title"]:
                raise IngestError(where, line, "title is empty")
            out.projects[row["id"]] = Project(row["id"], row["acronym"], row["title"], start, end, total, ec_max,
                                              row["frameworkProgramme"])
        where = f"{path}/euroSciVoc.csv"
        for line, row in cordis_rows(zf, names["euroSciVoc.csv"], where, ESV_COLUMNS):
            out.rows += 1
            code = row["euroSciVocCode"]
            if not CODE_PATH.fullmatch(code):
                raise IngestError(where, line, f"euroSciVocCode {code!r} is not a code path like /23/43/251")
            project = out.projects.get(row["projectID"])
            if project is not None:
                project.fields.append((code, row["euroSciVocPath"]))
    missing = {p.project for p in out.participations} - set(out.projects)
    if missing:
        raise IngestError(f"{path}/project.csv", None,
                          f"organization.csv names project(s) not in project.csv: {', '.join(sorted(missing)[:5])}")


def _check_participant(row: dict[str, str], where: str, line: int) -> None:
    for column in ("projectID", "organisationID"):
        if not _DIGITS.fullmatch(row[column]):
            raise IngestError(where, line, f"{column} {row[column]!r} is not a number")
    if row["role"].lower() not in ROLES:
        raise IngestError(where, line, f"role {row['role']!r} is not one of {', '.join(sorted(ROLES))}")
    if row["activityType"] and row["activityType"].upper() not in ACTIVITY_TYPES:
        raise IngestError(where, line, f"activityType {row['activityType']!r} is not HES, REC, PRC, PUB or OTH")
    if not row["name"]:
        raise IngestError(where, line, "name is empty")
    if row["ecContribution"]:
        try:
            decimal(row["ecContribution"])
        except ValueError as exc:
            raise IngestError(where, line, f"ecContribution: {exc}") from None
