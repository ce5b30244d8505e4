"""Any region by what a user types: a region key, a NIS code, a NUTS code, a name, or a list of municipalities.

The graph holds the regions as ``eco:Region`` sets of municipalities (``eco:hasMunicipality``):
the named sets of ``data/regions.csv`` (``arrondissement-leuven``, ``vlaams-brabant``) and one set
per REFNIS arrondissement, province and gewest, keyed ``<level>-<NIS code>``
(``arrondissement-44000``) and linked to their Eurostat NUTS region by ``eco:nuts``
(``<http://data.europa.eu/nuts/code/BE234>``). One text resolves, in this order, as:

1. a region IRI, a CURIE, or a key (``arrondissement-leuven``, ``region/vlaams-brabant``);
2. a NUTS code (``BE242``, any case);
3. a NIS code: the arrondissement, province or gewest of that code, else the municipality;
4. a name key: ``<level>-<name>`` in any of the unit's languages (``arrondissement-gent``,
   ``province-vlaams-brabant``, ``region-vlaams-gewest``) or the full label (``provincie-antwerpen``);
5. a municipality, by IRI, key (its NIS code), name (``leuven``) or ``municipality-<name>``.

A comma-separated list (``24062,24107`` or ``leuven, tienen``) is the union of its items'
municipalities. A text that names one region keeps that region's IRI (the saved questions bind it
as it is); anything else is a set of municipalities only.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ecograph.model.namespaces import ECO, PREFIXES, SKOS
from ecograph.questions.saved import expand_curie
from ecograph.questions.source import select

NUTS_BASE = "http://data.europa.eu/nuts/code/"
LEVELS = ("arrondissement", "province", "region")  # the REFNIS levels with a generated region
_LEVEL_WORDS = {"arrondissement", "provincie", "province", "provinz", "bezirk", "de", "du", "d", "of", "van",
                "la", "le", "l", "des", "het"}
_NUTS = re.compile(r"^be[0-9a-z]{0,3}$")
_RDFS_LABEL = PREFIXES["rdfs"] + "label"


class RegionNotFound(ValueError):
    """The text names no region and no municipality of the graph."""


def slug(text: str) -> str:
    """``Province d’Anvers`` → ``province-d-anvers``: lower case, no accents, ``-`` between words."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


@dataclass
class RegionIndex:
    """What the resolver needs from the graph, loaded once per generation."""

    base: str
    members: dict[str, frozenset[str]] = field(default_factory=dict)  # region IRI → municipality IRIs
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # region IRI → language → label
    nuts: dict[str, str] = field(default_factory=dict)  # region IRI → NUTS code
    broader: dict[str, str] = field(default_factory=dict)  # generated region IRI → its parent unit's region
    aliases: dict[str, str] = field(default_factory=dict)  # name key → region IRI
    municipalities: dict[str, str] = field(default_factory=dict)  # NIS code / name key → municipality IRI

    def key(self, iri: str) -> str:
        return iri.rsplit("/", 1)[-1]

    def region(self, key: str) -> str:
        return f"{self.base}/id/region/{key}"

    def level(self, iri: str) -> str | None:
        """``arrondissement``, ``province`` or ``region`` for a generated (REFNIS) region, else None."""
        level, _, code = self.key(iri).partition("-")
        return level if level in LEVELS and code.isdigit() else None

    def unit_of(self, iri: str) -> str | None:
        """The generated region with the same municipalities as ``iri`` (itself when generated)."""
        if self.level(iri):
            return iri
        same = self.members.get(iri)
        return next((r for r in sorted(self.members) if self.level(r) and self.members[r] == same), None)

    def label(self, iri: str, lang: str = "en") -> str:
        labels = self.labels.get(iri, {})
        return labels.get(lang) or labels.get("en") or labels.get("nl") or next(iter(labels.values()), self.key(iri))


@dataclass(frozen=True)
class Resolved:
    """A region as resolved: its IRI when the text names one ``eco:Region``, and its municipalities."""

    text: str
    iri: str | None
    municipalities: frozenset[str]


_CACHE: weakref.WeakKeyDictionary[Any, tuple[Any, str, RegionIndex]] = weakref.WeakKeyDictionary()


def region_index(store: Any, base: str) -> RegionIndex:
    """The index of ``store`` (cached per store object and generation when the store allows it)."""
    generation = getattr(store, "generation", None)
    try:
        cached = _CACHE.get(store)
    except TypeError:  # not weakly referable (a bare pyoxigraph.Store): no cache
        return load_index(store, base)
    if cached is not None and cached[0] == generation and cached[1] == base:
        return cached[2]
    index = load_index(store, base)
    _CACHE[store] = (generation, base, index)
    return index


def load_index(store: Any, base: str) -> RegionIndex:
    """Regions, their members, labels, NUTS codes and parents; municipalities by code and name."""
    index = RegionIndex(base)
    members: dict[str, set[str]] = defaultdict(set)
    for row in select(store, f"SELECT ?r ?m WHERE {{ ?r a <{ECO.Region}> ; <{ECO.hasMunicipality}> ?m }}"):
        members[row["r"].value].add(row["m"].value)
    index.members = {r: frozenset(ms) for r, ms in members.items()}
    for row in select(store, f"""SELECT ?r ?l ?n WHERE {{ ?r a <{ECO.Region}> .
            OPTIONAL {{ ?r <{_RDFS_LABEL}> ?l }} OPTIONAL {{ ?r <{ECO.nuts}> ?n }} }}"""):
        region = row["r"].value
        index.members.setdefault(region, frozenset())
        if row["l"] is not None:
            index.labels.setdefault(region, {})[row["l"].language or ""] = row["l"].value
        if row["n"] is not None and row["n"].value.startswith(NUTS_BASE):
            index.nuts[region] = row["n"].value[len(NUTS_BASE):]
    # the parent of a generated region: its unit's skos:broader, as a generated region
    for row in select(store, f"""SELECT ?u ?b WHERE {{ VALUES ?t {{ <{ECO.Arrondissement}> <{ECO.Province}> }}
            ?u a ?t ; <{SKOS.broader}> ?b }}"""):
        unit, parent = row["u"].value.split("/id/")[-1], row["b"].value.split("/id/")[-1]
        index.broader[index.region(unit.replace("/", "-"))] = index.region(parent.replace("/", "-"))
    _name_aliases(index)
    names: dict[str, set[str]] = defaultdict(set)
    for row in select(store, f"""SELECT ?m ?n ?l WHERE {{ ?m a <{ECO.Municipality}> ; <{SKOS.notation}> ?n .
            OPTIONAL {{ ?m <{SKOS.prefLabel}> ?l }} }}"""):
        municipality = row["m"].value
        index.municipalities[row["n"].value] = municipality
        if row["l"] is not None:
            for name in (slug(row["l"].value), "municipality-" + slug(row["l"].value)):
                names[name].add(municipality)
    for name, found in names.items():  # a name shared by two municipalities names neither
        if len(found) == 1:
            index.municipalities.setdefault(name, next(iter(found)))
    return index


def _name_aliases(index: RegionIndex) -> None:
    found: dict[str, set[str]] = defaultdict(set)
    for region, labels in index.labels.items():
        level = index.level(region)
        for label in labels.values():
            words = slug(label).split("-")
            found["-".join(words)].add(region)
            if level:
                while words and words[0] in _LEVEL_WORDS:
                    words = words[1:]
                found[f"{level}-{'-'.join(words)}"].add(region)
    for alias, regions in found.items():
        if len(regions) == 1:
            index.aliases[alias] = next(iter(regions))


def _one(index: RegionIndex, text: str) -> Resolved:
    value = text.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    value = expand_curie(value)
    if value in index.members:
        return Resolved(text, value, index.members[value])
    if value in index.municipalities.values():
        return Resolved(text, None, frozenset({value}))
    if value.startswith(f"{index.base}/id/"):
        value = value[len(index.base) + 4:]
    kind, _, rest = value.rpartition("/")
    key = slug(rest)
    if kind in ("", "region") and index.region(rest) in index.members:
        region = index.region(rest)
        return Resolved(text, region, index.members[region])
    if kind in ("", "region"):
        region = _region_by_code(index, key)
        if region is not None:
            return Resolved(text, region, index.members[region])
    if kind in ("", "municipality") and (m := index.municipalities.get(key)) is not None:
        return Resolved(text, None, frozenset({m}))
    raise RegionNotFound(f"no region or municipality {text.strip()!r} in the graph")


def _region_by_code(index: RegionIndex, key: str) -> str | None:
    if _NUTS.match(key):
        code = key.upper()
        region = next((r for r, c in sorted(index.nuts.items()) if c == code and index.level(r)), None)
        if region is not None:
            return region
    if key.isdigit():
        return next((index.region(f"{level}-{key}") for level in LEVELS
                     if index.region(f"{level}-{key}") in index.members), None)
    return index.aliases.get(key)


def resolve(index: RegionIndex, text: str) -> Resolved:
    """The region ``text`` names (see the module docstring); :class:`RegionNotFound` when it names none."""
    items = [item for item in text.split(",") if item.strip()]
    if not items:
        raise RegionNotFound("empty region")
    if len(items) == 1:
        return _one(index, items[0])
    municipalities: set[str] = set()
    for item in items:
        municipalities |= _one(index, item).municipalities
    return Resolved(text, None, frozenset(municipalities))


def resolve_region(store: Any, text: str, base: str) -> frozenset[str]:
    """The municipality IRIs of the region ``text`` names (by key, NIS, NUTS, name or list)."""
    return resolve(region_index(store, base), text).municipalities


def peers(index: RegionIndex, iri: str) -> list[str]:
    """The default regions to compare ``iri`` with: the other units of its level under the same
    parent (the other arrondissements of its province), or of its level when it has no parent."""
    unit = index.unit_of(iri)
    if unit is None:
        return []
    level, parent = index.level(unit), index.broader.get(unit)
    return sorted((r for r in index.members if r != unit and index.level(r) == level
                   and index.broader.get(r) == parent), key=lambda r: index.label(r).casefold())
