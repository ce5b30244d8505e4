"""The REFNIS 2025 tree (Statbel, SKOS by vocab.belgif.be) and the municipality names it gives.

The published N-Triples are not grouped by subject (a unit's ``skos:broader`` can come hundreds of
lines before its labels), and the level of a unit can only be decided from the whole tree, so the
~600 concepts are collected in memory first (about 1 MB of input). Levels come from the tree, not
from the depth (see :mod:`ecograph.ingest.refnis`). Read once per build through
:class:`ecograph.ingest.lookups.Lookups`: the refnis ingester, the places of the curated data, ROR,
KBO, CORDIS and Wikidata all use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ecograph.ingest.readers.common import IngestError
from ecograph.ingest.readers.ntriples import ntriples_lines
from ecograph.model.namespaces import RDF, SCHEMA, SKOS

# schema:endDate is not (yet) a term of namespaces.SCHEMA; see the report to the lead.
SCHEMA_END_DATE = SCHEMA.base + "endDate"
_NIS = re.compile(r"^[0-9]{4,5}$")
_OPEN_END = "9999-12-31"


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
