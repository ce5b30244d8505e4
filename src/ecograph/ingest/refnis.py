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

The helpers :func:`ntriples_lines` and :func:`csv_records` are shared by the other ingesters of
this package (line-exact validation of the two line formats).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ecograph.ingest.base import IngestContext, IngestError, csv_records
from ecograph.model.namespaces import ECO, RDF, RDFS, SCHEMA, SKOS, XSD
from ecograph.model.nt import Triple, iri, lit

# schema:endDate is not (yet) a term of namespaces.SCHEMA; see the report to the lead.
SCHEMA_END_DATE = SCHEMA.base + "endDate"

_PARSER_PREFIX = re.compile(r"^Parser error at line \d+ ")
_WIKIDATA = re.compile(r"^https?://www\.wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)$")
_GEONAMES = re.compile(r"^https?://sws\.geonames\.org/[0-9]+/?$")
_NUTS = re.compile(r"^http://data\.europa\.eu/nuts/code/(BE[0-9A-Z]{0,3})$")
_NIS = re.compile(r"^[0-9]{4,5}$")
_OPEN_END = "9999-12-31"

REGION_COLUMNS = ("key", "label_en", "label_nl", "member_nis")
_REGION_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# ----------------------------------------------------------------------------------------------
# shared line-format readers


def ntriples_lines(path: Path) -> Iterator[tuple[int, ox.Triple]]:
    """Each triple of an N-Triples file with its line number; a bad line raises IngestError.

    Every non-blank, non-comment line must hold exactly one valid triple (strict N-Triples,
    IRIs validated by Oxigraph's parser).
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        for lineno, raw in enumerate(handle, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise IngestError(path, lineno, f"not UTF-8: {exc.reason}") from None
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            try:
                quads = list(ox.parse(text, ox.RdfFormat.N_TRIPLES))
            except SyntaxError as exc:
                msg = _PARSER_PREFIX.sub("at ", exc.msg or str(exc))
                raise IngestError(path, lineno, f"invalid N-Triples: {msg}") from None
            if len(quads) != 1:
                raise IngestError(path, lineno, f"expected one triple on the line, found {len(quads)}")
            yield lineno, quads[0].triple


# ----------------------------------------------------------------------------------------------
# REFNIS concepts


@dataclass
class Unit:
    """What the file says about one REFNIS concept."""

    iri: str
    line: int  # first line that mentions it as subject
    is_concept: bool = False
    notation: str = ""
    labels: list[tuple[str, str | None]] = field(default_factory=list)
    alt_labels: list[tuple[str, str | None]] = field(default_factory=list)
    broader: list[str] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)
    end: str = ""
    level: str = ""
    parent: Unit | None = None
    children: list[Unit] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return not self.end or self.end.startswith(_OPEN_END)


@dataclass
class Refnis:
    """The REFNIS tree, by NIS code."""

    units: dict[str, Unit]
    rows: int
    repaired: list[str]  # codes whose missing skos:broader was restored from the code

    def municipalities_under(self, code: str) -> list[str]:
        """Current municipality codes at or below ``code``, sorted."""
        found: list[str] = []
        stack = [self.units[code]]
        while stack:
            unit = stack.pop()
            if unit.level == "municipality":
                if unit.current or unit.notation == code:
                    found.append(unit.notation)
            else:
                stack.extend(unit.children)
        return sorted(found)


_SKOS_CONCEPT = SKOS.Concept
_PREDICATES = {
    SKOS.notation: "notation",
    SKOS.prefLabel: "labels",
    SKOS.altLabel: "alt_labels",
    SKOS.broader: "broader",
    SKOS.exactMatch: "exact",
    SCHEMA_END_DATE: "end",
}


def load_refnis(path: Path) -> Refnis:
    """Parse and check the REFNIS N-Triples; levels decided from the tree."""
    subjects: dict[str, Unit] = {}
    rows = 0
    for lineno, triple in ntriples_lines(path):
        rows += 1
        subject = triple.subject
        if not isinstance(subject, ox.NamedNode):
            continue
        unit = subjects.get(subject.value)
        if unit is None:
            unit = subjects[subject.value] = Unit(subject.value, lineno)
        pred = triple.predicate.value
        obj = triple.object
        if pred == RDF.type:
            if isinstance(obj, ox.NamedNode) and obj.value == _SKOS_CONCEPT:
                unit.is_concept = True
            continue
        slot = _PREDICATES.get(pred)
        if slot is None:
            continue
        if slot in ("broader", "exact"):
            if not isinstance(obj, ox.NamedNode):
                raise IngestError(path, lineno, f"{pred} must point to an IRI")
            getattr(unit, slot).append(obj.value)
        elif not isinstance(obj, ox.Literal):
            raise IngestError(path, lineno, f"{pred} must be a literal")
        elif slot in ("labels", "alt_labels"):
            getattr(unit, slot).append((obj.value, obj.language))
        elif slot == "notation":
            if unit.notation and unit.notation != obj.value:
                raise IngestError(path, lineno, f"second skos:notation for {unit.iri}")
            unit.notation = obj.value
        else:
            unit.end = obj.value

    by_iri = {u.iri: u for u in subjects.values() if u.is_concept}
    units: dict[str, Unit] = {}
    for unit in by_iri.values():
        if not _NIS.match(unit.notation):
            raise IngestError(path, unit.line, f"{unit.iri}: notation {unit.notation!r} is not a NIS code")
        if unit.notation in units:
            raise IngestError(path, unit.line, f"NIS code {unit.notation} used by two concepts")
        if len(unit.broader) > 1:
            raise IngestError(path, unit.line, f"{unit.iri} has {len(unit.broader)} skos:broader")
        units[unit.notation] = unit
    for unit in by_iri.values():
        if unit.broader:
            parent = by_iri.get(unit.broader[0])
            if parent is None:
                raise IngestError(path, unit.line, f"skos:broader {unit.broader[0]} is not in the file")
            parent.children.append(unit)
            unit.parent = parent

    repaired: list[str] = []
    for unit in units.values():
        # Source defect: a municipality created on 2025-01-01 (37021 Wingene) has no skos:broader.
        # A municipality code starts with the two digits of its arrondissement: attach it there.
        code = unit.notation
        if unit.parent is None and len(code) == 5 and not code.endswith("000"):
            parent = units.get(code[:2] + "000")
            if parent is None:
                raise IngestError(path, unit.line, f"municipality {code} has no broader and no arrondissement")
            unit.parent = parent
            parent.children.append(unit)
            repaired.append(code)
    roots = [u for u in units.values() if u.parent is None]
    if len(roots) != 1:
        raise IngestError(path, None, f"expected one top unit (the country), found {len(roots)}")
    for unit in units.values():
        parent = unit.parent
        if parent is None:
            unit.level = "country"
        elif parent.parent is None:
            unit.level = "region"
        elif not unit.children:
            unit.level = "municipality"
        elif all(not c.children for c in unit.children):
            unit.level = "arrondissement"
        else:
            unit.level = "province"
        # the code shape must agree with the place in the tree
        five = len(unit.notation) == 5
        if unit.level == "municipality" and not (five and not unit.notation.endswith("000")):
            raise IngestError(path, unit.line, f"leaf {unit.notation} does not look like a municipality code")
        if unit.level == "arrondissement" and not (five and unit.notation.endswith("000")):
            raise IngestError(path, unit.line, f"{unit.notation} does not look like an arrondissement code")
        if unit.level in ("country", "region") and len(unit.notation) != 4:
            raise IngestError(path, unit.line, f"{unit.notation} does not look like a country/region code")
    return Refnis(units, rows, repaired)


def _normalise_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


# English exonyms and well-known localities used by GeoNames/ROR that are not REFNIS labels.
_EXTRA_NAMES = {
    "brussels": "21004",
    "ghent": "44021",
    "antwerp": "11002",
    "bruges": "31005",
    "ostend": "35013",
    "louvain la neuve": "25121",
    "ottignies": "25121",
    "heverlee": "24062",
    "kessel lo": "24062",
    "diegem": "23047",
}


def municipality_names(path: Path | Refnis) -> dict[str, str]:
    """Normalised municipality name (any language, accents/case ignored) → NIS code.

    Current municipalities first; the name of an ended municipality is used only when no current
    one bears it (the draft REFNIS 2025 ends 37022 Tielt without listing its successor). A name
    that two municipalities of the same kind share is left out. ``path`` may also be the tree
    :func:`load_refnis` already read.
    """
    refnis = path if isinstance(path, Refnis) else load_refnis(path)
    table: dict[str, str] = {}
    for current in (True, False):
        found: dict[str, str] = {}
        ambiguous: set[str] = set()
        for unit in refnis.units.values():
            if unit.level != "municipality" or unit.current != current:
                continue
            for value, _lang in unit.labels + unit.alt_labels:
                name = _normalise_name(value)
                if found.get(name, unit.notation) != unit.notation:
                    ambiguous.add(name)
                found.setdefault(name, unit.notation)
        for name, code in found.items():
            if name not in ambiguous:
                table.setdefault(name, code)
    for name, code in _EXTRA_NAMES.items():
        if code in refnis.units:
            table.setdefault(name, code)
    return table


def lookup_municipality(table: dict[str, str], name: str) -> str | None:
    """The NIS code for a city name, trying bilingual forms such as ``Ixelles-Elsene`` part by part."""
    key = _normalise_name(name)
    if key in table:
        return table[key]
    parts = {table.get(_normalise_name(p)) for p in re.split(r"\s*[-/]\s*", name) if p.strip()}
    parts.discard(None)
    if len(parts) == 1:
        return parts.pop()
    return None


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
    path = ctx.file("nt")
    refnis = load_refnis(path)
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
    for line, row in csv_records(regions, REGION_COLUMNS):
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
