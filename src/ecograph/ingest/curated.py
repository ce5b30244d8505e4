"""The project's curated organisations and relations (``data/curated/*.csv``) as triples.

Files (``ctx.files``): ``organisations`` and ``relations``. Any malformed row stops the run with
:class:`IngestError` (file, physical line, reason): the curated data is ours, so a bad row is a bug
to fix in the CSV, not a row to skip. ``python -m ecograph.curated_check data/curated`` runs the
same row rules plus the checks that need the reference files (REFNIS, ROR).
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ..namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA, XSD
from ..nt import TermError, Triple, iri, lit
from ..schemes import sectors_for_nace
from .base import IngestContext, IngestError
from .identity import ROR_PREFIX, WIKIDATA_ENTITY, normalise_qid, normalise_ror, split_list

ORG_COLUMNS = (
    "id", "name", "alt_names", "org_type", "municipality_nis", "municipality_name",
    "founded_year", "website", "ror_id", "wikidata_qid", "clusters", "nace_division", "stages",
    "source_urls",
)
REL_COLUMNS = ("subject_id", "relation", "object_id", "year", "source_url")

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
    urls = split_list(row["source_urls"])
    if not urls:
        raise RowError("no source URL")
    for url in urls:
        check_url(url, "source URL")


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


def read_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(physical line, row) for each data row; IngestError on a bad header or column count."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle, strict=True)
        line = 1
        try:
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != columns:
                raise IngestError(path, 1, f"header must be {','.join(columns)}")
            line = reader.line_num + 1
            for cells in reader:
                start, line = line, reader.line_num + 1
                if not cells:
                    continue  # a blank line
                if len(cells) != len(columns):
                    raise IngestError(
                        path, start, f"{len(cells)} columns instead of {len(columns)}"
                    )
                yield start, {c: v.strip() for c, v in zip(columns, cells, strict=True)}
        except csv.Error as exc:
            raise IngestError(path, line, f"CSV syntax: {exc}") from None
        except UnicodeDecodeError as exc:
            raise IngestError(path, None, f"not UTF-8: {exc.reason}") from None


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Triples of the curated graph: organisations, capabilities, relations and statements."""
    org_path = ctx.file("organisations")
    rel_path = ctx.file("relations")
    org_ids: set[str] = set()
    for line, row in read_rows(org_path, ORG_COLUMNS):
        ctx.rows_read += 1
        try:
            validate_org(row)
        except RowError as exc:
            raise IngestError(org_path, line, str(exc)) from None
        if row["id"] in org_ids:
            raise IngestError(org_path, line, f"id {row['id']!r} used twice")
        org_ids.add(row["id"])
        yield from _organisation(ctx, row)
    for line, row in read_rows(rel_path, REL_COLUMNS):
        ctx.rows_read += 1
        try:
            validate_relation(row, org_ids)
        except RowError as exc:
            raise IngestError(rel_path, line, str(exc)) from None
        yield from _relation(ctx, row)


def _organisation(ctx: IngestContext, row: dict[str, str]) -> Iterator[Triple]:
    key = row["id"]
    org = iri(ctx.id("org", key))
    sources = [iri(u) for u in split_list(row["source_urls"])]
    yield org, iri(RDF.type), iri(ORG_TYPES[row["org_type"]])
    name = lit(row["name"])
    yield org, iri(RDFS.label), name
    yield org, iri(SCHEMA.name), name
    for alt in split_list(row["alt_names"]):
        yield org, iri(SCHEMA.alternateName), lit(alt)
    if row["founded_year"]:
        yield org, iri(SCHEMA.foundingDate), lit(row["founded_year"], datatype=XSD.gYear)
    if row["website"]:
        yield org, iri(SCHEMA.url), iri(row["website"])
    if ror := normalise_ror(row["ror_id"]):
        yield org, iri(ECO.ror), iri(ROR_PREFIX + ror)
    if qid := normalise_qid(row["wikidata_qid"]):
        yield org, iri(ECO.wikidata), iri(WIKIDATA_ENTITY + qid)
    if row["municipality_nis"]:
        yield org, iri(ECO.locatedIn), iri(ctx.id("municipality", row["municipality_nis"]))
    divisions = split_list(row["nace_division"])
    for division in divisions:
        yield org, iri(ORG.classification), iri(NACE2008 + division)
    clusters = split_list(row["clusters"])
    for cluster in clusters:
        yield org, iri(ECO.activeIn), iri(ctx.id("sector", cluster))
    for source in sources:
        yield org, iri(DCTERMS.source), source
    stages = split_list(row["stages"])
    seen: set[str] = set()
    for cluster in clusters:
        for sector, division in sectors_of_cluster(cluster, divisions):
            for stage in stages:
                cap_key = f"{key}.{sector}.{stage}"
                if cap_key in seen:
                    continue
                seen.add(cap_key)
                cap = iri(ctx.id("capability", cap_key))
                yield cap, iri(RDF.type), iri(ECO.Capability)
                yield cap, iri(ECO.organisation), org
                yield cap, iri(ECO.sector), iri(ctx.id("sector", sector))
                yield cap, iri(ECO.stage), iri(ctx.id("stage", stage))
                if division:
                    rule = f"sub-sector {sector} of cluster {cluster} from NACE division {division}"
                    yield cap, iri(ECO.derivationRule), lit(rule)
                for source in sources:
                    yield cap, iri(DCTERMS.source), source


def sectors_of_cluster(cluster: str, divisions: list[str]) -> list[tuple[str, str | None]]:
    """(sector key, NACE division that chose it) for one cluster of an organisation.

    Each NACE division picks its sub-sector(s) of the cluster by the rule of docs/MODEL.md
    (:func:`ecograph.schemes.sectors_for_nace`, asked about this one cluster so that a division
    only narrows the cluster it belongs to); with none picked the capability is on the cluster
    itself (division None).
    """
    chosen: dict[str, str] = {}
    for division in divisions:
        for sector in sectors_for_nace(division, {cluster}):
            if sector != cluster:
                chosen.setdefault(sector, division)
    if not chosen:
        return [(cluster, None)]
    return sorted(chosen.items())


def _relation(ctx: IngestContext, row: dict[str, str]) -> Iterator[Triple]:
    subject = iri(ctx.id("org", row["subject_id"]))
    obj = iri(ctx.id("org", row["object_id"]))
    predicate = iri(RELATIONS[row["relation"]])
    yield subject, predicate, obj
    statement = iri(ctx.id("relation", f"{row['subject_id']}.{row['relation']}.{row['object_id']}"))
    yield statement, iri(RDF.type), iri(ECO.RelationStatement)
    yield statement, iri(RDF.subject), subject
    yield statement, iri(RDF.predicate), predicate
    yield statement, iri(RDF.object), obj
    if row["year"]:
        yield statement, iri(ECO.year), lit(row["year"], datatype=XSD.gYear)
    yield statement, iri(DCTERMS.source), iri(row["source_url"])
