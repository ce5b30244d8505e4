"""What the reconciliation service matches against, read from the published graph once per generation.

Every organisation (an instance of ``org:FormalOrganization``) with its names and aliases
(``rdfs:label``, ``schema:name``, ``schema:alternateName``), its ``eco:`` kinds, identifiers
(``eco:ror``, ``eco:wikidata``, ``eco:kboNumber``, ``schema:url``), municipality, sectors and
stages; lookups from each normalised name and identifier to the organisations that have it;
and a character-trigram index over the names for the fuzzy candidates. Only the store's
``query`` is used, so any backend serves it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ecograph.model import names
from ecograph.model.namespaces import ECO, ORG, OWL, RDFS, SCHEMA, SKOS
from ecograph.questions.organisations import kind_of, local

_ORGS = f"SELECT ?o WHERE {{ ?o a <{ORG.FormalOrganization}> }}"
_KINDS = f"""SELECT ?o ?k WHERE {{ ?o a <{ORG.FormalOrganization}> ; a ?k FILTER(STRSTARTS(STR(?k), "{ECO.base}")) }}"""
_FACTS = f"""SELECT ?o ?p ?v WHERE {{
  VALUES ?p {{ <{RDFS.label}> <{SCHEMA.name}> <{SCHEMA.alternateName}> <{ECO.ror}> <{ECO.wikidata}>
              <{ECO.kboNumber}> <{SCHEMA.url}> <{ECO.locatedIn}> <{ECO.activeIn}> <{SCHEMA.foundingDate}>
              <{SCHEMA.addressCountry}> }}
  ?o a <{ORG.FormalOrganization}> ; ?p ?v }}"""
_STAGES = f"SELECT DISTINCT ?o ?s WHERE {{ ?c <{ECO.organisation}> ?o ; <{ECO.stage}> ?s }}"
_CONCEPTS = f"""SELECT ?s ?l ?n WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ {{ ?o <{ECO.locatedIn}> ?s }} UNION {{ ?o <{ECO.activeIn}> ?s }}
                                UNION {{ ?c <{ECO.stage}> ?s }} }} }}
  ?s <{SKOS.prefLabel}> ?l OPTIONAL {{ ?s <{SKOS.notation}> ?n }} }}"""
_CLASSES = f"""SELECT ?k ?l WHERE {{
  ?k a <{OWL.Class}> ; <{RDFS.label}> ?l FILTER(STRSTARTS(STR(?k), "{ECO.base}")) }}"""

#: Languages in the order a label is chosen for display.
LANGS = ("en", "nl", "fr", "de", "")


@dataclass
class Entity:
    """One organisation as the service sees it."""

    key: str
    iri: str
    name: str = ""
    aliases: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)  # local names of its eco: classes (inferred ones too)
    kind: str = "OtherOrganisation"  # the most specific one
    ror: set[str] = field(default_factory=set)  # 9-character ids
    wikidata: set[str] = field(default_factory=set)  # Q numbers
    kbo: set[str] = field(default_factory=set)  # 0123.456.789
    websites: set[str] = field(default_factory=set)  # as published
    hosts: set[str] = field(default_factory=set)
    municipality: str | None = None  # IRI
    country: str | None = None
    sectors: set[str] = field(default_factory=set)
    stages: set[str] = field(default_factory=set)
    founded: str | None = None


@dataclass
class Concept:
    iri: str
    labels: dict[str, str] = field(default_factory=dict)  # language → label
    notation: str = ""

    def label(self) -> str:
        return next((self.labels[code] for code in LANGS if code in self.labels),
                    next(iter(self.labels.values()), local(self.iri)))


@dataclass
class Index:
    """The entities and the lookups into them (see the module's docstring)."""

    entities: dict[str, Entity]
    types: dict[str, Concept]  # eco: class IRI → labels, only the classes organisations have
    concepts: dict[str, Concept]  # municipalities, sectors, stages
    labels: list[tuple[str, str, bool]] = field(default_factory=list)  # (key, normalised label, is the name)
    by_name: dict[str, set[str]] = field(default_factory=dict)  # normalised or compact label → keys
    by_ror: dict[str, set[str]] = field(default_factory=dict)
    by_wikidata: dict[str, set[str]] = field(default_factory=dict)
    by_kbo: dict[str, set[str]] = field(default_factory=dict)
    by_host: dict[str, set[str]] = field(default_factory=dict)
    places: dict[str, set[str]] = field(default_factory=dict)  # folded municipality label or NIS code → IRIs
    grams: dict[str, list[int]] = field(default_factory=dict)  # trigram → positions in ``labels``
    gram_counts: list[int] = field(default_factory=list)  # how many trigrams each label has

    def type_iri(self, text: str) -> str | None:
        """The class a client names: its IRI, ``eco:Company``, ``Company`` or a label (any case)."""
        wanted = text.strip()
        if wanted in self.types:
            return wanted
        short = names.fold(wanted.rsplit("#", 1)[-1].rsplit(":", 1)[-1])
        for iri, concept in self.types.items():
            if short in {names.fold(local(iri))} | {names.fold(v) for v in concept.labels.values()} \
                    or short.replace(" ", "") == local(iri).lower():
                return iri
        return None


def _add(lookup: dict[str, set[str]], value: str | None, key: str) -> None:
    if value:
        lookup.setdefault(value, set()).add(key)


def _value(term: Any) -> str:
    return str(term.value)


def load_index(store: Any) -> Index:
    """Read the index from ``store`` (a ``GraphStore``: the default graph is the union of the published graphs)."""
    entities = {_value(r["o"]): Entity(local(_value(r["o"])), _value(r["o"])) for r in store.query(_ORGS)}
    for row in store.query(_KINDS):
        entity = entities.get(_value(row["o"]))
        if entity is not None:
            entity.kinds.add(local(_value(row["k"])))
    named: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in store.query(_FACTS):
        entity = entities.get(_value(row["o"]))
        if entity is not None:
            _fact(entity, local(_value(row["p"])), row["v"], named)
    for row in store.query(_STAGES):
        entity = entities.get(_value(row["o"]))
        if entity is not None:
            entity.stages.add(_value(row["s"]))
    concepts: dict[str, Concept] = {}
    for row in store.query(_CONCEPTS):
        concept = concepts.setdefault(_value(row["s"]), Concept(_value(row["s"])))
        concept.labels.setdefault(getattr(row["l"], "language", None) or "", _value(row["l"]))
        if row["n"] is not None:
            concept.notation = _value(row["n"])
    present = {kind for e in entities.values() for kind in e.kinds}
    types: dict[str, Concept] = {}
    for row in store.query(_CLASSES):
        if local(_value(row["k"])) in present:
            concept = types.setdefault(_value(row["k"]), Concept(_value(row["k"])))
            concept.labels.setdefault(getattr(row["l"], "language", None) or "", _value(row["l"]))
    by_key = {}
    for entity in entities.values():
        labels = named.get(entity.iri, {})
        entity.name = min(labels.get("label") or labels.get("name") or {entity.key})
        entity.aliases = sorted(a for a in set(entity.aliases) if a != entity.name)
        entity.kind = kind_of(entity.kinds)
        by_key[entity.key] = entity
    index = Index(by_key, dict(sorted(types.items())), concepts)
    _fill_lookups(index)
    return index


def _fact(entity: Entity, prop: str, term: Any, named: dict[str, dict[str, set[str]]]) -> None:
    value = _value(term)
    if prop in ("label", "name"):
        named[entity.iri][prop].add(value)
        entity.aliases.append(value)  # a second name (another source's) is an alias; the display name drops out later
    elif prop == "alternateName":
        entity.aliases.append(value)
    elif prop == "ror":
        entity.ror.add(names.ror_id(value) or value)
    elif prop == "wikidata":
        entity.wikidata.add(names.wikidata_qid(value) or value)
    elif prop == "kboNumber":
        entity.kbo.add(names.kbo_number(value) or value)
    elif prop == "url":
        entity.websites.add(value)
        host = names.website_host(value)
        if host:
            entity.hosts.add(host)
    elif prop == "locatedIn":
        entity.municipality = min(filter(None, (entity.municipality, value)))
    elif prop == "activeIn":
        entity.sectors.add(value)
    elif prop == "foundingDate":
        entity.founded = value
    elif prop == "addressCountry":
        entity.country = value.upper()


def _fill_lookups(index: Index) -> None:
    grams: dict[str, list[int]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for key, entity in sorted(index.entities.items()):
        for ror in entity.ror:
            _add(index.by_ror, ror, key)
        for qid in entity.wikidata:
            _add(index.by_wikidata, qid, key)
        for kbo in entity.kbo:
            _add(index.by_kbo, kbo, key)
        for host in entity.hosts:
            _add(index.by_host, host, key)
        for text, is_name in [(entity.name, True)] + [(a, False) for a in entity.aliases]:
            norm = names.normalise(text)
            if not norm or (key, norm) in seen:
                continue
            seen.add((key, norm))
            _add(index.by_name, norm, key)
            _add(index.by_name, norm.replace(" ", ""), key)
            label_grams = names.trigrams(norm)
            for gram in label_grams:
                grams[gram].append(len(index.labels))
            index.gram_counts.append(len(label_grams))
            index.labels.append((key, norm, is_name))
    index.grams = dict(grams)
    municipalities = {e.municipality for e in index.entities.values()}
    for iri, concept in index.concepts.items():
        if iri in municipalities:
            for label in concept.labels.values():
                _add(index.places, names.fold(label), iri)
            _add(index.places, concept.notation, iri)
