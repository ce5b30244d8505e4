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

import json
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ecograph.ingest.base import IngestContext, IngestError, not_utf8
from ecograph.ingest.refnis import lookup_municipality, municipality_names
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA, WGS, XSD
from ecograph.model.nt import TermError, Triple, iri, lit

_ROR_ID = re.compile(r"^https://ror\.org/(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*$")
_DELIMITER = re.compile(r"[\s,\]]")
_CHUNK = 1 << 20  # characters read per refill of the stream buffer

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
# streaming a JSON array


def iter_json_array(path: Path, chunk_size: int = _CHUNK) -> Iterator[tuple[int, Any]]:
    """(index, value) for each element of the top-level JSON array of ``path``, read incrementally.

    Malformed JSON raises IngestError naming the 0-based index of the element (``[12]``).
    """
    decoder = json.JSONDecoder()
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        buf = ""
        pos = 0
        eof = False

        def fill() -> bool:
            """Append a chunk; False at end of file. Drops the consumed part of the buffer."""
            nonlocal buf, pos, eof
            if eof:
                return False
            try:
                chunk = handle.read(chunk_size)
            except UnicodeDecodeError as exc:
                raise not_utf8(path, exc) from None
            buf, pos = buf[pos:] + chunk, 0
            if not chunk:
                eof = True
            return bool(chunk)

        def skip_ws() -> bool:
            """Move past whitespace; False when the input is exhausted."""
            nonlocal pos
            while True:
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    pos += 1
                if pos < len(buf):
                    return True
                if not fill():
                    return False

        if not skip_ws() or buf[pos] != "[":
            raise IngestError(path, None, "expected a JSON array")
        pos += 1
        index = 0
        while True:
            if not skip_ws():
                raise IngestError(path, f"[{index}]", "unexpected end of file inside the array")
            if buf[pos] == "]" and index == 0:
                pos += 1
                break
            while True:
                try:
                    value, end = decoder.raw_decode(buf, pos)
                except json.JSONDecodeError as exc:
                    if fill():
                        continue  # the element may run past the buffer: read on and retry
                    raise IngestError(path, f"[{index}]", f"invalid JSON: {exc.msg}") from None
                # a number cut by the buffer's edge ("-0." of "-0.5") decodes too early: a scalar
                # counts only once a delimiter follows it
                if not isinstance(value, (dict, list, str)) and not _DELIMITER.search(buf, end) and fill():
                    continue
                break
            pos = end
            yield index, value
            index += 1
            if not skip_ws():
                raise IngestError(path, f"[{index}]", "unexpected end of file: the array is not closed")
            if buf[pos] == ",":
                pos += 1
            elif buf[pos] == "]":
                pos += 1
                break
            else:
                raise IngestError(path, f"[{index}]", f"expected ',' or ']' after an element, not {buf[pos]!r}")
        if skip_ws():
            raise IngestError(path, None, "unexpected content after the JSON array")


# ----------------------------------------------------------------------------------------------
# records in either schema, as one neutral shape


class _Record:
    """The fields we use, read from a v1 or v2 record; structural errors raise IngestError."""

    def __init__(self, path: Path, index: int, raw: Any, schema: int) -> None:
        self.path = path
        if not isinstance(raw, dict):
            raise IngestError(path, f"[{index}]", "record is not a JSON object")
        rid = raw.get("id")
        if not isinstance(rid, str) or not rid:
            raise IngestError(path, f"[{index}]", "record has no id")
        m = _ROR_ID.match(rid)
        if not m:
            raise IngestError(path, rid, f"not a ROR id: {rid!r}")
        self.where = rid
        self.ror = rid
        self.short = m.group(1)
        self.status = self._str(raw.get("status"), "status").lower()
        self.types = [t.lower() for t in self._str_list(raw.get("types"), "types")]
        self.established = raw.get("established")
        if self.established is not None and (not isinstance(self.established, int)
                                             or isinstance(self.established, bool)):
            raise IngestError(path, rid, f"established is not a year: {self.established!r}")
        self.display = ""
        self.names: list[tuple[str, str | None]] = []  # alternate names (value, lang)
        self.websites: list[str] = []
        self.wikidata: list[str] = []
        self.city = ""
        self.lat: Any = None
        self.lng: Any = None
        self.relationships: list[tuple[str, str, str]] = []  # (type, ror id, label)
        if schema == 2:
            self._v2(raw)
        else:
            self._v1(raw)
        if not self.display:
            raise IngestError(path, rid, "record has no name")
        for qid in self.wikidata:
            if not _QID.match(qid):
                raise IngestError(path, rid, f"not a Wikidata QID: {qid!r}")

    # -- helpers
    def _str(self, value: Any, what: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise IngestError(self.path, self.where, f"{what} is not a string")
        return value.strip()

    def _list(self, value: Any, what: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise IngestError(self.path, self.where, f"{what} is not a list")
        return value

    def _str_list(self, value: Any, what: str) -> list[str]:
        return [s for s in (self._str(v, what) for v in self._list(value, what)) if s]

    def _dict(self, value: Any, what: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise IngestError(self.path, self.where, f"{what} is not an object")
        return value

    def _relationship(self, rel: Any, type_key: str) -> None:
        rel = self._dict(rel, "relationship")
        rtype = self._str(rel.get(type_key), "relationship type").lower()
        target = self._str(rel.get("id"), "relationship id")
        if not _ROR_ID.match(target):
            raise IngestError(self.path, self.where, f"relationship to a bad ROR id: {target!r}")
        self.relationships.append((rtype, target, self._str(rel.get("label"), "relationship label")))

    # -- schema v2
    def _v2(self, raw: dict[str, Any]) -> None:
        first_label = ""
        for item in self._list(raw.get("names"), "names"):
            item = self._dict(item, "name")
            value = self._str(item.get("value"), "name value")
            lang = self._str(item.get("lang"), "name lang") or None
            kinds = self._str_list(item.get("types"), "name types")
            if not value:
                continue
            if "ror_display" in kinds and not self.display:
                self.display = value
                continue
            if "label" in kinds and not first_label:
                first_label = value
            self.names.append((value, lang))
        if not self.display and first_label:
            self.display = first_label
        for link in self._list(raw.get("links"), "links"):
            link = self._dict(link, "link")
            if self._str(link.get("type"), "link type") == "website":
                self.websites.append(self._str(link.get("value"), "link value"))
        for ext in self._list(raw.get("external_ids"), "external_ids"):
            ext = self._dict(ext, "external id")
            if self._str(ext.get("type"), "external id type").lower() == "wikidata":
                preferred = ext.get("preferred")
                if isinstance(preferred, str) and preferred:
                    self.wikidata.append(preferred)
                self.wikidata.extend(self._str_list(ext.get("all"), "wikidata ids"))
        locations = self._list(raw.get("locations"), "locations")
        if locations:
            location = self._dict(locations[0], "location")
            details = self._dict(location.get("geonames_details"), "geonames_details")
            self.city = self._str(details.get("name"), "city name")
            self.lat, self.lng = details.get("lat"), details.get("lng")
        for rel in self._list(raw.get("relationships"), "relationships"):
            self._relationship(rel, "type")

    # -- schema v1
    def _v1(self, raw: dict[str, Any]) -> None:
        self.display = self._str(raw.get("name"), "name")
        for label in self._list(raw.get("labels"), "labels"):
            label = self._dict(label, "label")
            value = self._str(label.get("label"), "label")
            if value:
                self.names.append((value, self._str(label.get("iso639"), "label language") or None))
        others = self._str_list(raw.get("aliases"), "aliases") + self._str_list(raw.get("acronyms"), "acronyms")
        for value in others:
            self.names.append((value, None))
        self.websites = self._str_list(raw.get("links"), "links")
        ext = self._dict(raw.get("external_ids"), "external_ids")
        for key, value in ext.items():
            if key.lower() == "wikidata":
                all_ids = self._dict(value, "Wikidata").get("all")
                self.wikidata.extend([all_ids.strip()] if isinstance(all_ids, str) else
                                     self._str_list(all_ids, "Wikidata ids"))
        addresses = self._list(raw.get("addresses"), "addresses")
        if addresses:
            address = self._dict(addresses[0], "address")
            city = self._dict(address.get("geonames_city"), "geonames_city")
            self.city = self._str(city.get("city"), "city") or self._str(address.get("city"), "city")
            self.lat, self.lng = address.get("lat"), address.get("lng")
        for rel in self._list(raw.get("relationships"), "relationships"):
            self._relationship(rel, "type")

    def kind(self) -> str:
        for rtype, cls in TYPE_PRECEDENCE:
            if rtype in self.types:
                return cls
        return ECO.OtherOrganisation


# ----------------------------------------------------------------------------------------------
# triples


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
        identity = self.ctx.identity
        if identity is not None:
            found = identity.key_for(ror=ror, wikidata=wikidata, names=names)
            if found:
                return found
        return f"ror-{short}"


def _record_triples(ctx: IngestContext, keys: _Keys, rec: _Record, places: dict[str, str] | None,
                    ) -> Iterator[Triple]:
    key = keys.key(rec.ror, rec.short, rec.wikidata[0] if rec.wikidata else None,
                   [rec.display] + [n for n, _ in rec.names])
    org = ctx.id("org", key)
    s = iri(org)
    source = iri(rec.ror)
    # An organisation matched to a curated one keeps the curated kind, name and place; ROR adds
    # its identifiers, names as aliases, coordinates and itself as a source.
    curated = not key.startswith("ror-")
    if curated:
        yield s, iri(SCHEMA.alternateName), lit(rec.display)
    else:
        yield s, iri(RDF.type), iri(rec.kind())
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


def _relation_triples(ctx: IngestContext, keys: _Keys, rec: _Record, published: set[str]) -> Iterator[Triple]:
    """Relations of one record, to organisations that are themselves in the dump.

    A partial dump (such as a country extract) names related organisations it holds no record
    of; a relation to an organisation with no description is left out and counted.
    """
    key = keys.key(rec.ror, rec.short, rec.wikidata[0] if rec.wikidata else None,
                   [rec.display] + [n for n, _ in rec.names])
    s = iri(ctx.id("org", key))
    source = iri(rec.ror)
    for rtype, target, label in rec.relationships:
        relation = RELATIONS.get(rtype)
        if relation is None:
            ctx.rejected_reasons[f"ROR relationship '{rtype}' not mapped"] += 1
            continue
        predicate, relation_key = relation
        target_short = _ROR_ID.match(target).group(1)  # type: ignore[union-attr]  # checked on read
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


def record_cities(inputs: list[tuple[Path, int]], wanted: set[str]) -> dict[str, str]:
    """Short ROR id → GeoNames city name, for the records of ``wanted`` that name a city.

    ``inputs`` are (dump, schema version) pairs read in order, as :func:`read` reads them (v2
    first): the first record of an id decides. IngestError on a malformed dump."""
    cities: dict[str, str] = {}
    seen: set[str] = set()
    for path, schema in inputs:
        for index, raw in iter_json_array(path):
            rec = _Record(path, index, raw, schema)
            if rec.short in seen:
                continue
            seen.add(rec.short)
            if rec.short in wanted and rec.city:
                cities[rec.short] = rec.city
    return cities


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Organisations of the ROR dump(s); v2 first, then v1 records not already seen in v2."""
    refnis = ctx.files.get("refnis")
    places = municipality_names(refnis) if refnis is not None else None
    keys = _Keys(ctx)
    seen: set[str] = set()
    published: set[str] = set()
    with_relations: list[_Record] = []
    inputs: list[tuple[Path, int]] = [(ctx.file("v2"), 2)]
    if ctx.files.get("v1") is not None:
        inputs.append((ctx.files["v1"], 1))
    for path, schema in inputs:
        for index, raw in iter_json_array(path):
            ctx.rows_read += 1
            rec = _Record(path, index, raw, schema)
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
