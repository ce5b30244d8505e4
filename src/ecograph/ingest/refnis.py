"""REFNIS 2025 (Statbel, SKOS by vocab.belgif.be) → our municipalities, arrondissements, provinces, regions.

The published N-Triples are not grouped by subject (a unit's ``skos:broader`` can come hundreds of
lines before its labels), and the level of a unit can only be decided from the whole tree, so the
~600 concepts are collected in memory first (about 1 MB of input; a whole-country file stays small).
Lines are still read and validated one at a time so that a bad line is reported with its number.

Levels come from the tree, not from the depth: a unit without ``skos:broader`` is the country, its
children are the three regions (gewesten), leaves are municipalities, units whose children are all
leaves are arrondissements, the rest are provinces. (Depth does not work: the Brussels municipalities
hang under arrondissement 21000, which hangs directly under the Brussels region.) Country and
regions are not part of our model and are counted as rejected.

All units are kept, including the three municipalities that ended on 2025-01-01 (they carry
``schema:endDate``); the region sets (``eco:hasMunicipality``) expand arrondissements and provinces to
their *current* municipalities only (``schema:endDate`` 9999-12-31 or none).

Source defect repaired: municipality 37021 (Wingene, new on 2025-01-01) has no ``skos:broader`` in
the file; a municipality without one is attached to the arrondissement named by the first two
digits of its code (37000 Tielt), as the NIS coding rules say.

The tree is read by :mod:`ecograph.ingest.readers.refnis` (shared with the other ingesters, once per
build through ``ctx.lookups``); this module maps it to triples.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecograph.ingest.base import IngestContext, IngestError
from ecograph.ingest.readers.refnis import (  # noqa: F401 - re-exported: the tree and the name lookup
    SCHEMA_END_DATE,
    Refnis,
    Unit,
    load_refnis,
    lookup_municipality,
    municipality_names,
)
from ecograph.model.namespaces import ECO, RDF, RDFS, SKOS, XSD
from ecograph.model.nt import Triple, iri, lit

_WIKIDATA = re.compile(r"^https?://www\.wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)$")
_GEONAMES = re.compile(r"^https?://sws\.geonames\.org/[0-9]+/?$")
_NUTS = re.compile(r"^http://data\.europa\.eu/nuts/code/(BE[0-9A-Z]{0,3})$")

REGION_COLUMNS = ("key", "label_en", "label_nl", "member_nis")
_REGION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# ----------------------------------------------------------------------------------------------
# triples


_CLASS = {"municipality": ECO.Municipality, "arrondissement": ECO.Arrondissement, "province": ECO.Province}


def _unit_triples(ctx: IngestContext, unit: Unit, scheme: str) -> Iterator[Triple]:
    s = iri(ctx.id(unit.level, unit.notation))
    yield s, iri(RDF.type), iri(_CLASS[unit.level])
    yield s, iri(RDF.type), iri(SKOS.Concept)
    yield s, iri(SKOS.inScheme), scheme
    yield s, iri(SKOS.notation), lit(unit.notation)
    for value, lang in unit.labels:
        if value.strip():
            yield s, iri(SKOS.prefLabel), lit(value, lang=lang)
    for value, lang in unit.alt_labels:
        if value.strip():
            yield s, iri(SKOS.altLabel), lit(value, lang=lang)
    parent = unit.parent
    if parent is not None and parent.level in _CLASS:
        yield s, iri(SKOS.broader), iri(ctx.id(parent.level, parent.notation))
    else:  # provinces, and arrondissement Brussels-Capital, sit directly under a (gewest) region
        yield s, iri(SKOS.topConceptOf), scheme
        yield scheme, iri(SKOS.hasTopConcept), s
    yield s, iri(SKOS.exactMatch), iri(unit.iri)
    for target in unit.exact:
        if m := _WIKIDATA.match(target):
            yield s, iri(SKOS.exactMatch), iri(f"http://www.wikidata.org/entity/{m.group(1)}")
        elif _GEONAMES.match(target):
            yield s, iri(SKOS.exactMatch), iri(target)
        elif m := _NUTS.match(target):
            yield s, iri(SKOS.exactMatch), iri(target)
            yield s, iri(ECO.nutsCode), lit(m.group(1))
    if unit.end and not unit.current:
        yield s, iri(SCHEMA_END_DATE), lit(unit.end[:10], datatype=XSD.date)


def _region_triples(ctx: IngestContext, key: str, labels: list[tuple[str, str | None]],
                    members: list[str], exact: tuple[str, ...] | list[str] = ()) -> Iterator[Triple]:
    s = iri(ctx.id("region", key))
    yield s, iri(RDF.type), iri(ECO.Region)
    for target in exact:  # a unit's region: its Eurostat NUTS region, by IRI (questions.regions reads it)
        if _NUTS.match(target):
            yield s, iri(ECO.nuts), iri(target)
    for value, lang in labels:
        if value:
            yield s, iri(RDFS.label), lit(value, lang=lang)
    for code in members:
        yield s, iri(ECO.hasMunicipality), iri(ctx.id("municipality", code))


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Places: the REFNIS units of our three levels, the places scheme and the named regions."""
    refnis = ctx.lookups.refnis(ctx.file("nt"))
    units = refnis.units
    scheme_iri = ctx.id("scheme", "places")
    scheme = iri(scheme_iri)
    yield scheme, iri(RDF.type), iri(SKOS.ConceptScheme)
    yield scheme, iri(SKOS.prefLabel), lit("Places of Belgium (REFNIS 2025)", lang="en")
    yield scheme, iri(SKOS.prefLabel), lit("Plaatsen in België (REFNIS 2025)", lang="nl")

    for code in sorted(units):
        unit = units[code]
        ctx.rows_read += 1
        if unit.level not in _CLASS:
            ctx.reject(f"REFNIS {unit.level} level is not modelled")
            continue
        yield from _unit_triples(ctx, unit, scheme)

    # one region per arrondissement, province and gewest (MODEL: arrondissement-<nis> / province-<nis> /
    # region-<nis>), with its NUTS region
    for code in sorted(units):
        unit = units[code]
        if unit.level in ("arrondissement", "province", "region"):
            yield from _region_triples(ctx, f"{unit.level}-{code}", unit.labels,
                                       refnis.municipalities_under(code), unit.exact)

    regions = ctx.files.get("regions")
    if regions is None:
        return
    seen: set[str] = set()
    for line, row in ctx.lookups.table(regions).rows(REGION_COLUMNS):
        ctx.rows_read += 1
        key = row["key"]
        if not _REGION_KEY.match(key):
            raise IngestError(regions, line, f"region key {key!r} is not a lower-case slug")
        if key in seen:
            raise IngestError(regions, line, f"region key {key!r} repeated")
        seen.add(key)
        if not row["label_en"] and not row["label_nl"]:
            raise IngestError(regions, line, "region needs label_en or label_nl")
        codes = [c.strip() for c in row["member_nis"].split("|") if c.strip()]
        if not codes:
            raise IngestError(regions, line, "member_nis is empty")
        members: set[str] = set()
        for code in codes:
            unit = units.get(code)
            if unit is None or unit.level not in _CLASS:
                raise IngestError(regions, line, f"{code} is not a municipality, arrondissement or province")
            if unit.level != "municipality" and len(codes) > 1:
                raise IngestError(regions, line, "a |-list may only hold municipality codes")
            members.update(refnis.municipalities_under(code))
        labels = [(row["label_en"], "en"), (row["label_nl"], "nl")]
        yield from _region_triples(ctx, key, labels, sorted(members))
