"""The project's curated organisations and relations (``data/curated/*.csv``) as triples.

Files (``ctx.files``): ``organisations`` and ``relations``; optional ``refnis`` (REFNIS 2025
N-Triples) and ``ror``/``ror_v1`` (the ROR dumps), which only serve places (see :func:`_places`).
Any malformed row stops the run with :class:`IngestError` (file, physical line, reason): the
curated data is ours, so a bad row is a bug to fix in the CSV, not a row to skip.
``python -m ecograph.ingest.curated_check data/curated`` runs the same row rules plus the checks that need
the reference files (REFNIS, ROR).

Places (``eco:locatedIn``, data/curated/README.md "Places"): the row's ``municipality_nis``; else
its ``municipality_name`` resolved to a code by the shared rule of :mod:`ecograph.ingest.places`
(an exact name: nothing is recorded as derived); else, for a row with no place at all, the
municipality of its park (``located_in_park``) or the city of its ROR record, each written with an
``eco:placeDerivation`` that says so. A foreign place is given by the optional ``country`` column
(ISO 3166-1 alpha-2) and becomes ``schema:addressCountry``; no municipality is made up for it.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ecograph.ingest.base import IngestContext, IngestError, not_utf8
from ecograph.ingest.identity import ROR_PREFIX, WIKIDATA_ENTITY, normalise_qid, normalise_ror, split_list
from ecograph.ingest.places import Municipalities, PlaceError
from ecograph.ingest.refnis import Refnis, load_refnis, lookup_municipality, municipality_names
from ecograph.ingest.ror import record_cities
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA, XSD
from ecograph.model.nt import TermError, Triple, iri, lit
from ecograph.model.schemes import load_sectors, sectors_for_nace

ORG_COLUMNS = (
    "id", "name", "alt_names", "org_type", "municipality_nis", "municipality_name",
    "founded_year", "website", "ror_id", "wikidata_qid", "clusters", "nace_division", "stages",
    "source_urls",
)
#: optional columns: a file may leave them out (older extracts) or have them, in any order, after the
#: required ones
ORG_OPTIONAL = ("capabilities", "country")
REL_COLUMNS = ("subject_id", "relation", "object_id", "year", "source_url")
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


def read_rows(path: Path, columns: tuple[str, ...],
              optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """(physical line, row) for each data row; IngestError on a bad header or column count.

    The header is ``columns`` followed by any of ``optional`` (in any order); a row gets ``""``
    for an optional column the file does not have."""
    try:
        handle = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle, strict=True)
        line = 1
        try:
            header = next(reader, None)
            names = tuple(h.strip() for h in header or ())
            extra = names[len(columns):]
            if header is None or names[:len(columns)] != columns or len(set(extra)) != len(extra) or any(
                    c not in optional for c in extra):
                hint = f" (then optionally, in any order: {','.join(optional)})" if optional else ""
                raise IngestError(path, 1, f"header must be {','.join(columns)}{hint}")
            missing = {c: "" for c in optional if c not in extra}
            columns = names
            line = reader.line_num + 1
            for cells in reader:
                start, line = line, reader.line_num + 1
                if not cells:
                    continue  # a blank line
                if len(cells) != len(columns):
                    raise IngestError(
                        path, start, f"{len(cells)} columns instead of {len(columns)}"
                    )
                yield start, {c: v.strip() for c, v in zip(columns, cells, strict=True)} | missing
        except csv.Error as exc:
            raise IngestError(path, line, f"CSV syntax: {exc}") from None
        except UnicodeDecodeError as exc:
            raise not_utf8(path, exc) from None


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Triples of the curated graph: organisations, capabilities, relations and statements."""
    org_path = ctx.file("organisations")
    rel_path = ctx.file("relations")
    org_ids: set[str] = set()
    places = _places(ctx, org_path, rel_path)
    for line, row in read_rows(org_path, ORG_COLUMNS, ORG_OPTIONAL):
        ctx.rows_read += 1
        try:
            validate_org(row)
        except RowError as exc:
            raise IngestError(org_path, line, str(exc)) from None
        if row["id"] in org_ids:
            raise IngestError(org_path, line, f"id {row['id']!r} used twice")
        org_ids.add(row["id"])
        yield from _organisation(ctx, row, places)
    for line, row in read_rows(rel_path, REL_COLUMNS):
        ctx.rows_read += 1
        try:
            validate_relation(row, org_ids)
        except RowError as exc:
            raise IngestError(rel_path, line, str(exc)) from None
        yield from _relation(ctx, row)


def _organisation(ctx: IngestContext, row: dict[str, str], places: Places) -> Iterator[Triple]:
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
    yield from _place(ctx, row, places)
    divisions = split_list(row["nace_division"])
    for division in divisions:
        yield org, iri(ORG.classification), iri(NACE2008 + division)
    clusters = split_list(row["clusters"])
    for source in sources:
        yield org, iri(DCTERMS.source), source
    stated = parse_capabilities(row["capabilities"])
    # (sector, stage, derivation rule or None for a stated pair)
    capabilities: list[tuple[str, str, str | None]] = [(sector, stage, None) for sector, stage in stated]
    active: dict[str, None] = dict.fromkeys(clusters)
    if not stated:
        derived = [(cluster, sector, division) for cluster in clusters
                   for sector, division in sectors_of_cluster(cluster, divisions)]
        stages = split_list(row["stages"])
        # only a row with several sectors *and* several stages multiplies them into pairs it never stated
        crossed = len({sector for _c, sector, _d in derived}) > 1 and len(stages) > 1
        for cluster, sector, division in derived:
            active.setdefault(sector)  # active in the sub-sector even when no stage is known
            for stage in stages:
                parts = [CROSS_PRODUCT_RULE] if crossed else []
                if division:
                    parts.append(f"sub-sector {sector} of cluster {cluster} from NACE division {division}")
                capabilities.append((sector, stage, "; ".join(parts) or None))
    for sector, _stage, _rule in capabilities:
        active.setdefault(sector)
    for sector in active:
        yield org, iri(ECO.activeIn), iri(ctx.id("sector", sector))
    seen: set[str] = set()
    for sector, stage, rule in capabilities:
        cap_key = f"{key}.{sector}.{stage}"
        if cap_key in seen:
            continue
        seen.add(cap_key)
        cap = iri(ctx.id("capability", cap_key))
        yield cap, iri(RDF.type), iri(ECO.Capability)
        yield cap, iri(ECO.organisation), org
        yield cap, iri(ECO.sector), iri(ctx.id("sector", sector))
        yield cap, iri(ECO.stage), iri(ctx.id("stage", stage))
        if rule:
            yield cap, iri(ECO.derivationRule), lit(rule)
        for source in sources:
            yield cap, iri(DCTERMS.source), source


def sectors_of_cluster(cluster: str, divisions: list[str]) -> list[tuple[str, str | None]]:
    """(sector key, NACE division that chose it) for one cluster of an organisation.

    Each NACE division picks its sub-sector(s) of the cluster by the rule of docs/MODEL.md
    (:func:`ecograph.model.schemes.sectors_for_nace`, asked about this one cluster so that a division
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


# ----------------------------------------------------------------------------------------------
# places


@dataclass
class Places:
    """Where each organisation of the file is, decided before any row becomes triples (a row's
    park can come after it in the file)."""

    municipality: dict[str, str] = field(default_factory=dict)  # org id -> NIS code
    derivation: dict[str, str] = field(default_factory=dict)  # org id -> how the code was derived


def _places(ctx: IngestContext, org_path: Path, rel_path: Path) -> Places:
    """The municipality of every organisation that has one, and how derived ones were derived.

    1. stated: ``municipality_nis``, or ``municipality_name`` resolved by the shared rule of
       :mod:`ecograph.ingest.places` (an exact name, so nothing is recorded as derived; a name that
       names no single current municipality is an IngestError on its line);
    2. a row with no place at all (no code, no name, no foreign ``country``) takes the municipality
       its parks state (``located_in_park`` to an organisation with a stated municipality; parks in
       two different municipalities decide nothing);
    3. else the city of its ROR record (``ror_id``) in the ROR dump, mapped to a municipality by the
       ROR ingester's rule (:func:`ecograph.ingest.refnis.lookup_municipality`: GeoNames names,
       English forms such as Brussels included), so that it lands where ROR's own organisations do.

    The REFNIS file (and the ROR dumps) are read only when a row needs them; when one cannot be
    read, the places it would have given are left out and the reason counted
    (``ctx.rejected_reasons``): the refnis and ror sources report their own files.
    """
    places = Places()
    to_resolve: list[tuple[int, dict[str, str]]] = []  # rows with a Belgian name but no code
    unplaced: dict[str, str] = {}  # org id -> short ROR id ("" without one), rows with no place
    for line, row in read_rows(org_path, ORG_COLUMNS, ORG_OPTIONAL):
        belgian = row["country"] in ("", BELGIUM)
        if row["municipality_nis"]:
            places.municipality[row["id"]] = row["municipality_nis"]
        elif row["municipality_name"]:
            if belgian:
                to_resolve.append((line, row))
        elif belgian:
            unplaced[row["id"]] = normalise_ror(row["ror_id"]) or ""
    refnis = _refnis(ctx) if to_resolve or any(unplaced.values()) else None
    if to_resolve:
        municipalities = Municipalities.from_refnis(refnis) if refnis is not None else None
        for line, row in to_resolve:
            if municipalities is None:
                ctx.rejected_reasons["municipality_name without a code and no REFNIS file to resolve it"] += 1
                continue
            try:
                places.municipality[row["id"]] = municipalities.resolve(row["municipality_name"]).code
            except PlaceError as exc:
                raise IngestError(org_path, line, f"{row['id']}: municipality_name {exc}") from None
    if not unplaced:
        return places
    parks: dict[str, list[str]] = {}
    for _line, row in read_rows(rel_path, REL_COLUMNS):
        if row["relation"] == "located_in_park" and row["subject_id"] in unplaced:
            parks.setdefault(row["subject_id"], []).append(row["object_id"])
    for key in list(unplaced):
        placed = [park for park in dict.fromkeys(parks.get(key, [])) if park in places.municipality]
        codes = {places.municipality[park] for park in placed}
        if len(codes) == 1:
            places.municipality[key] = codes.pop()
            places.derivation[key] = f"municipality from the park {' and '.join(placed)}"
            del unplaced[key]
        elif codes:
            ctx.rejected_reasons["no place derived: parks in different municipalities"] += 1
            del unplaced[key]
    wanted = {short for short in unplaced.values() if short}
    if wanted and refnis is not None and ctx.files.get("ror") is not None:
        dumps = [(ctx.files["ror"], 2)] + ([(ctx.files["ror_v1"], 1)] if ctx.files.get("ror_v1") else [])
        try:
            cities = record_cities(dumps, wanted)
        except IngestError as exc:  # the ror source reports its own dump; here it only costs places
            ctx.rejected_reasons[f"no place from ROR: {exc}"] += 1
            cities = {}
        names = municipality_names(refnis)
        for key, short in unplaced.items():
            city = cities.get(short)
            code = lookup_municipality(names, city) if city else None
            if code:
                places.municipality[key] = code
                places.derivation[key] = f"municipality from ROR record {ROR_PREFIX}{short} city {city}"
    return places


def _refnis(ctx: IngestContext) -> Refnis | None:
    """The REFNIS tree of ``ctx.files["refnis"]``; None when absent or unreadable (reason counted)."""
    path = ctx.files.get("refnis")
    if path is None:
        return None
    try:
        return load_refnis(path)
    except IngestError as exc:  # the refnis source reports its own file; here it only costs places
        ctx.rejected_reasons[f"no place from REFNIS: {exc}"] += 1
        return None


def _place(ctx: IngestContext, row: dict[str, str], places: Places) -> Iterator[Triple]:
    """``eco:locatedIn`` (with ``eco:placeDerivation`` when derived) and ``schema:addressCountry``."""
    org = iri(ctx.id("org", row["id"]))
    code = places.municipality.get(row["id"])
    if code:
        yield org, iri(ECO.locatedIn), iri(ctx.id("municipality", code))
        if rule := places.derivation.get(row["id"]):
            yield org, iri(ECO.placeDerivation), lit(rule)
    if row["country"]:
        yield org, iri(SCHEMA.addressCountry), lit(row["country"])
