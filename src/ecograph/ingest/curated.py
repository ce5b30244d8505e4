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

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.ingest.base import IngestContext, IngestError
from ecograph.ingest.identity import ROR_PREFIX, WIKIDATA_ENTITY, normalise_qid, normalise_ror, split_list
from ecograph.ingest.places import PlaceError
from ecograph.ingest.readers.curated import (  # noqa: F401 - re-exported
    ORG_COLUMNS,
    ORG_OPTIONAL,
    REL_COLUMNS,
    curated_rows,
    read_rows,
    sectors_of_cluster,
)
from ecograph.ingest.readers.curated_rules import (  # noqa: F401 - re-exported, the rules of a row
    BELGIUM,
    CROSS_PRODUCT_RULE,
    NACE2008,
    ORG_TYPES,
    RELATIONS,
    RowError,
    parse_capabilities,
    validate_org,
    validate_relation,
)
from ecograph.ingest.readers.refnis import Refnis, lookup_municipality
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA, XSD
from ecograph.model.nt import Triple, iri, lit


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Triples of the curated graph: organisations, capabilities, relations and statements."""
    org_path = ctx.file("organisations")
    rel_path = ctx.file("relations")
    org_ids: set[str] = set()
    places = _places(ctx, org_path, rel_path)
    for line, row in _rows(ctx, org_path, ORG_COLUMNS, ORG_OPTIONAL):
        ctx.rows_read += 1
        try:
            validate_org(row)
        except RowError as exc:
            raise IngestError(org_path, line, str(exc)) from None
        if row["id"] in org_ids:
            raise IngestError(org_path, line, f"id {row['id']!r} used twice")
        org_ids.add(row["id"])
        yield from _organisation(ctx, row, places)
    for line, row in _rows(ctx, rel_path, REL_COLUMNS):
        ctx.rows_read += 1
        try:
            validate_relation(row, org_ids)
        except RowError as exc:
            raise IngestError(rel_path, line, str(exc)) from None
        yield from _relation(ctx, row)


def _rows(ctx: IngestContext, path: Path, columns: tuple[str, ...],
          optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a curated file, which the build reads once (other sources use it too)."""
    return curated_rows(ctx.lookups.table(path).replay(), path, columns, optional)


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
    for line, row in _rows(ctx, org_path, ORG_COLUMNS, ORG_OPTIONAL):
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
        municipalities = ctx.lookups.municipalities(ctx.files["refnis"]) if refnis is not None else None
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
    for _line, row in _rows(ctx, rel_path, REL_COLUMNS):
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
            records = ctx.lookups.ror_by_id(dumps)
        except IngestError as exc:  # the ror source reports its own dump; here it only costs places
            ctx.rejected_reasons[f"no place from ROR: {exc}"] += 1
            records = {}
        cities = {short: rec.city for short, rec in records.items() if short in wanted and rec.city}
        names = ctx.lookups.municipality_names(ctx.files["refnis"])
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
        return ctx.lookups.refnis(path)
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
