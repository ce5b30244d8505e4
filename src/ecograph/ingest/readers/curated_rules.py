"""The rules a curated row must keep (``data/curated/*.csv``), shared by the curated ingester and
``python -m ecograph.ingest.curated_check``; each broken rule is a :class:`RowError` with the reason.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

from ecograph.ingest.identity import split_list
from ecograph.model.namespaces import ECO, ORG
from ecograph.model.nt import TermError, iri
from ecograph.model.schemes import load_sectors

CROSS_PRODUCT_RULE = "each listed sector × each listed stage of the row (no capabilities column)"

ORG_TYPES: dict[str, str] = {
    "university": ECO.University,
    "university_college": ECO.UniversityCollege,
    "research_centre": ECO.ResearchCentre,
    "hospital": ECO.Hospital,
    "company": ECO.Company,
    "startup_or_spinoff": ECO.StartUp,
    "government": ECO.GovernmentBody,
    "business_association": ECO.BusinessAssociation,
    "incubator_or_science_park": ECO.IncubatorOrSciencePark,
    "investor_or_fund": ECO.InvestorOrFund,
    "network_or_platform": ECO.NetworkOrPlatform,
    "other": ECO.OtherOrganisation,
}
RELATIONS: dict[str, str] = {
    "spin_off_of": ECO.spinOffOf,
    "member_of": ORG.memberOf,
    "partner_of": ECO.partnerOf,
    "part_of": ORG.subOrganizationOf,
    "acquired_by": ECO.acquiredBy,
    "funded_by": ECO.fundedBy,
    "collaborates_with": ECO.collaboratesWith,
    "located_in_park": ECO.locatedInPark,
}
STAGES = ("research", "prototyping", "production", "market")

CLUSTERS = ("health", "high_tech", "creativity", "other")  # top concepts, docs/MODEL.md

# NACE Rev. 2 divisions (the 2-digit codes that exist).
NACE_DIVISIONS = frozenset(
    f"{n:02d}"
    for n in [*range(1, 4), *range(5, 10), *range(10, 34), *range(35, 40), *range(41, 44),
              *range(45, 48), *range(49, 54), 55, 56, *range(58, 67), *range(68, 76),
              *range(77, 83), 84, 85, *range(86, 89), *range(90, 100)]
)
NACE2008 = "http://vocab.belgif.be/auth/nace2008/"

SLUG = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
NIS = re.compile(r"[0-9]{5}")
ROR_ID = re.compile(r"https://ror\.org/0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}")
QID = re.compile(r"Q[1-9][0-9]*")
YEAR = re.compile(r"[0-9]{4}")
COUNTRY = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2
BELGIUM = "BE"
EARLIEST_YEAR = 1000  # KU Leuven (1425) is the oldest curated organisation


class RowError(ValueError):
    """A row breaks a rule; the caller adds file and line."""


def check_url(value: str, what: str) -> str:
    """``value`` if it is an absolute http(s) URL that can be written as an IRI."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RowError(f"{what} is not an http(s) URL: {value!r}")
    try:
        iri(value)
    except TermError:
        raise RowError(f"{what} has characters not allowed in an IRI: {value!r}") from None
    return value


def check_year(value: str, what: str) -> str:
    """``value`` if it is a plausible 4-digit year (not in the future)."""
    if not YEAR.fullmatch(value) or not EARLIEST_YEAR <= int(value) <= datetime.date.today().year:
        raise RowError(f"{what} is not a plausible year: {value!r}")
    return value


def check_values(value: str, allowed: tuple[str, ...] | frozenset[str], what: str) -> list[str]:
    """The semicolon-separated items of ``value``, each one of ``allowed``, without repeats."""
    items = split_list(value)
    for item in items:
        if item not in allowed:
            raise RowError(f"unknown {what} {item!r}")
    if len(set(items)) != len(items):
        raise RowError(f"repeated {what} in {value!r}")
    return items


def validate_org(row: dict[str, str]) -> None:
    """Raise :class:`RowError` for the first rule an organisation row breaks."""
    if not SLUG.fullmatch(row["id"]):
        raise RowError(f"id is not a lowercase slug: {row['id']!r}")
    if not row["name"].strip():
        raise RowError("name is empty")
    if row["org_type"] not in ORG_TYPES:
        raise RowError(f"unknown org_type {row['org_type']!r}")
    nis = row["municipality_nis"]
    if nis and not NIS.fullmatch(nis):
        raise RowError(f"municipality_nis is not a 5-digit REFNIS code: {nis!r}")
    if nis and not row["municipality_name"]:
        raise RowError("municipality_nis given without municipality_name")
    country = row.get("country", "")
    if country and not COUNTRY.fullmatch(country):
        raise RowError(f"country is not an ISO 3166-1 alpha-2 code (BE, NL, …): {country!r}")
    if country and country != BELGIUM and nis:
        raise RowError(f"municipality_nis {nis} is a Belgian (REFNIS) code, but country is {country}")
    if row["founded_year"]:
        check_year(row["founded_year"], "founded_year")
    if row["website"]:
        check_url(row["website"], "website")
    if row["ror_id"] and not ROR_ID.fullmatch(row["ror_id"]):
        raise RowError(f"ror_id is not a ROR URL (https://ror.org/0…): {row['ror_id']!r}")
    if row["wikidata_qid"] and not QID.fullmatch(row["wikidata_qid"]):
        raise RowError(f"wikidata_qid is not a QID (Q…): {row['wikidata_qid']!r}")
    check_values(row["clusters"], CLUSTERS, "cluster")
    check_values(row["nace_division"], NACE_DIVISIONS, "nace_division")
    check_values(row["stages"], STAGES, "stage")
    parse_capabilities(row.get("capabilities", ""))
    urls = split_list(row["source_urls"])
    if not urls:
        raise RowError("no source URL")
    for url in urls:
        check_url(url, "source URL")


def sector_keys() -> frozenset[str]:
    """The keys of the sector scheme (clusters and sub-sectors)."""
    return frozenset(s.key for s in load_sectors())


def parse_capabilities(value: str) -> list[tuple[str, str]]:
    """The ``sector:stage`` pairs of a ``capabilities`` cell (sector-scheme keys, ``;``-separated)."""
    pairs: list[tuple[str, str]] = []
    sectors = sector_keys() if value else frozenset()
    for item in split_list(value):
        sector, colon, stage = item.partition(":")
        if not colon:
            raise RowError(f"capability {item!r} is not sector:stage")
        if sector not in sectors:
            raise RowError(f"capability {item!r}: unknown sector {sector!r} (a key of the sector scheme)")
        if stage not in STAGES:
            raise RowError(f"capability {item!r}: unknown stage {stage!r}")
        if (sector, stage) in pairs:
            raise RowError(f"capability {item!r} listed twice")
        pairs.append((sector, stage))
    return pairs


def validate_relation(row: dict[str, str], org_ids: set[str] | frozenset[str]) -> None:
    """Raise :class:`RowError` for the first rule a relation row breaks."""
    if row["relation"] not in RELATIONS:
        raise RowError(f"unknown relation {row['relation']!r}")
    for column in ("subject_id", "object_id"):
        if row[column] not in org_ids:
            raise RowError(f"{column} {row[column]!r} is not an id of organisations.csv")
    if row["subject_id"] == row["object_id"]:
        raise RowError("relation of an organisation to itself")
    if row["year"]:
        check_year(row["year"], "year")
    if not row["source_url"]:
        raise RowError("no source URL")
    check_url(row["source_url"], "source_url")
