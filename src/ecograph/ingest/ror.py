"""ROR (Research Organization Registry) dump → organisations.

Reads the official dump shape, one JSON array of records, in schema v2 (file key ``v2``) and,
optionally, schema v1 (``v1``; the older dumps). The array is read as a stream: records are decoded
one at a time with :meth:`json.JSONDecoder.raw_decode` over a buffer that is refilled in chunks, so a
full dump (~120k records, hundreds of MB) never sits in memory as one Python object.

Per record (withdrawn records are skipped and counted as rejected; inactive ones are kept):
the organisation IRI comes from ``ctx.identity.key_for(ror=<ROR IRI>, wikidata=<QID>, names=[…])``
when an identity matcher is given, else ``ror-<short id>``. Relationships: ``parent`` →
``org:subOrganizationOf`` plus an ``eco:RelationStatement``; ``related`` → ``eco:partnerOf`` plus a
statement; ``child`` is left to the child's own ``parent`` entry, ``predecessor``/``successor`` are
not modelled (both counted in ``ctx.rejected_reasons``, without counting the record as rejected).

``eco:locatedIn`` is set when the GeoNames city name of the record matches a current REFNIS
municipality name (optional file key ``refnis``: the REFNIS N-Triples); a name heuristic, not a ROR
field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ecograph.ingest.base import IngestContext
from ecograph.ingest.readers.refnis import lookup_municipality
from ecograph.ingest.readers.ror import (  # noqa: F401 - ROR_ID, iter_json_array re-exported
    ROR_ID,
    RorRecord,
    iter_json_array,
    organisation_key,
    record_key,
)
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA, WGS, XSD
from ecograph.model.nt import TermError, Triple, iri, lit

_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*$")

# ROR type → kind class, in order of precedence (docs/MODEL.md)
TYPE_PRECEDENCE: tuple[tuple[str, str], ...] = (
    ("education", ECO.University),
    ("healthcare", ECO.Hospital),
    ("company", ECO.Company),
    ("government", ECO.GovernmentBody),
    ("facility", ECO.ResearchCentre),
    ("funder", ECO.InvestorOrFund),
    ("nonprofit", ECO.OtherOrganisation),
    ("archive", ECO.OtherOrganisation),
    ("other", ECO.OtherOrganisation),
)

# relationship type → (predicate, relation key of docs/MODEL.md)
RELATIONS = {
    "parent": (ORG.subOrganizationOf, "part_of"),
    "related": (ECO.partnerOf, "partner_of"),
}


# ----------------------------------------------------------------------------------------------
# triples


def _kind(rec: RorRecord) -> str:
    for rtype, cls in TYPE_PRECEDENCE:
        if rtype in rec.types:
            return cls
    return ECO.OtherOrganisation


def _decimal(value: Any) -> str | None:
    """An xsd:decimal literal for a JSON number (no exponent notation), or None."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        text = format(Decimal(str(value)), "f")
    except InvalidOperation:
        return None
    return lit(text, datatype=XSD.decimal)


def _web_iri(url: str) -> str | None:
    """An IRI term for a website URL; characters not allowed in IRIs are percent-encoded."""
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return None
    try:
        return iri(quote(url, safe=":/?#[]@!$&'()*+,;=%~-._"))
    except TermError:
        return None


class _Keys:
    """Organisation keys through the curated identity matcher, if any."""

    def __init__(self, ctx: IngestContext) -> None:
        self.ctx = ctx

    def key(self, ror: str, short: str, wikidata: str | None, names: list[str]) -> str:
        return organisation_key(self.ctx.identity, ror, short, wikidata, names)

    def record(self, rec: RorRecord) -> str:
        return record_key(self.ctx.identity, rec)


def _record_triples(ctx: IngestContext, keys: _Keys, rec: RorRecord, places: dict[str, str] | None,
                    ) -> Iterator[Triple]:
    key = keys.record(rec)
    org = ctx.id("org", key)
    s = iri(org)
    source = iri(rec.ror)
    # An organisation matched to a curated one keeps the curated kind, name and place; ROR adds
    # its identifiers, names as aliases, coordinates and itself as a source.
    curated = not key.startswith("ror-")
    if curated:
        yield s, iri(SCHEMA.alternateName), lit(rec.display)
    else:
        yield s, iri(RDF.type), iri(_kind(rec))
        yield s, iri(RDFS.label), lit(rec.display)
        yield s, iri(SCHEMA.name), lit(rec.display)
    seen: set[tuple[str, str | None]] = {(rec.display, None)} if curated else set()
    for value, lang in rec.names:
        tag = lang.lower() if lang and _LANG.match(lang) else None
        if (value == rec.display and not curated) or (value, tag) in seen:
            continue
        seen.add((value, tag))
        yield s, iri(SCHEMA.alternateName), lit(value, lang=tag)
    yield s, iri(ECO.ror), source
    for qid in rec.wikidata[:1]:  # the preferred QID (a few records list several)
        yield s, iri(ECO.wikidata), iri(f"http://www.wikidata.org/entity/{qid}")
    if rec.established is not None:
        yield s, iri(SCHEMA.foundingDate), lit(f"{rec.established:04d}", datatype=XSD.gYear)
    for url in dict.fromkeys(rec.websites):
        term = _web_iri(url)
        if term:
            yield s, iri(SCHEMA.url), term
    lat, lng = _decimal(rec.lat), _decimal(rec.lng)
    if lat and lng:
        yield s, iri(WGS.lat), lat
        yield s, iri(WGS.long), lng
    if places is not None and rec.city and not curated:
        nis = lookup_municipality(places, rec.city)
        if nis:
            yield s, iri(ECO.locatedIn), iri(ctx.id("municipality", nis))
    yield s, iri(DCTERMS.source), source


def _relation_triples(ctx: IngestContext, keys: _Keys, rec: RorRecord, published: set[str]) -> Iterator[Triple]:
    """Relations of one record, to organisations that are themselves in the dump.

    A partial dump (such as a country extract) names related organisations it holds no record
    of; a relation to an organisation with no description is left out and counted.
    """
    key = keys.record(rec)
    s = iri(ctx.id("org", key))
    source = iri(rec.ror)
    for rtype, target, label in rec.relationships:
        relation = RELATIONS.get(rtype)
        if relation is None:
            ctx.rejected_reasons[f"ROR relationship '{rtype}' not mapped"] += 1
            continue
        predicate, relation_key = relation
        target_short = ROR_ID.match(target).group(1)  # type: ignore[union-attr]  # checked on read
        if target_short not in published:
            ctx.rejected_reasons["ROR relationship to an organisation not in the dump"] += 1
            continue
        other_key = keys.key(target, target_short, None, [label] if label else [])
        other = iri(ctx.id("org", other_key))
        yield s, iri(predicate), other
        statement = iri(ctx.id("relation", f"{key}.{relation_key}.{other_key}"))
        yield statement, iri(RDF.type), iri(ECO.RelationStatement)
        yield statement, iri(RDF.subject), s
        yield statement, iri(RDF.predicate), iri(predicate)
        yield statement, iri(RDF.object), other
        yield statement, iri(DCTERMS.source), source


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Organisations of the ROR dump(s); v2 first, then v1 records not already seen in v2."""
    refnis = ctx.files.get("refnis")
    places = ctx.lookups.municipality_names(refnis) if refnis is not None else None
    keys = _Keys(ctx)
    seen: set[str] = set()
    published: set[str] = set()
    with_relations: list[RorRecord] = []
    inputs: list[tuple[Path, int]] = [(ctx.file("v2"), 2)]
    if ctx.files.get("v1") is not None:
        inputs.append((ctx.files["v1"], 1))
    for path, schema in inputs:
        for rec in ctx.lookups.ror_dump(path, schema):
            ctx.rows_read += 1
            if rec.short in seen:
                ctx.reject("ROR record already read (newer schema or duplicate)")
                continue
            seen.add(rec.short)
            if rec.status == "withdrawn":
                ctx.reject("withdrawn")
                continue
            published.add(rec.short)
            with_relations.append(rec)
            yield from _record_triples(ctx, keys, rec, places)
    for rec in with_relations:
        yield from _relation_triples(ctx, keys, rec, published)
