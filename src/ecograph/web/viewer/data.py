"""What the viewer pages read from the graph, loaded once per published generation.

The organisation-level facts of the region are small (hundreds to a few thousand organisations),
so each generation is read into a ``Snapshot`` once: the sector, stage and megatrend schemes,
every organisation with its kind and place, every capability with its sources, the regions.
Pages then slice it in Python (filters, drill-downs, municipality pages) without a query per
click. The heatmap counts themselves come from the saved queries (see ``dashboard.py``); the
snapshot supplies the organisations behind each cell.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ecograph.model.gaps import OrgSectors, broader_or_self, closure, concepts_in, stage_unknown_in, unplaced_in
from ecograph.model.namespaces import DCTERMS, ECO, SKOS
from ecograph.questions.organisations import Organisation, load_organisations, local
from ecograph.questions.source import select

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass
class Concept:
    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    order: int = 0
    notation: str = ""

    @property
    def key(self) -> str:
        return local(self.iri)

    def label(self, lang: str) -> str:
        for code in (lang, "en", "nl", ""):
            if code in self.labels:
                return self.labels[code]
        return next(iter(self.labels.values()), self.key)


@dataclass
class Org:
    iri: str
    name: str
    kind: str = "OtherOrganisation"
    municipality: str | None = None
    lat: float | None = None
    long: float | None = None

    @property
    def key(self) -> str:
        return local(self.iri)


@dataclass(frozen=True)
class Cap:
    iri: str
    org: str
    sector: str
    stage: str
    sources: tuple[str, ...]
    rule: str | None


@dataclass
class Snapshot:
    base: str
    clusters: list[Concept]
    subsectors: dict[str, list[Concept]]  # cluster IRI → its sub-sectors
    cluster_of: dict[str, str]  # sector IRI (cluster or sub-sector) → cluster IRI
    sectors: dict[str, Concept]
    stages: list[Concept]
    megatrends: list[Concept]
    answered_by: dict[str, set[str]]  # megatrend IRI → sector IRIs (as mapped)
    orgs: dict[str, Org]
    caps: list[Cap]
    regions: dict[str, Concept]
    region_members: dict[str, set[str]]
    places: dict[str, Concept]  # municipalities, arrondissements, provinces
    broader: dict[str, str]  # place IRI → the place above it
    org_sectors: dict[str, OrgSectors] = field(default_factory=dict)  # what ecograph.model.gaps needs per organisation
    ups: dict[str, frozenset[str]] = field(default_factory=dict)  # sector → itself and every broader sector
    not_applicable: set[tuple[str, str]] = field(default_factory=set)  # (sector, stage) that do not exist
    # per organisation, computed once per generation with ecograph.model.gaps: the sectors (and their
    # broader ones) it is in, and the concepts where its stage, or its place, is unknown
    in_sectors: dict[str, frozenset[str]] = field(default_factory=dict)
    stage_unknown: dict[str, frozenset[str]] = field(default_factory=dict)
    unplaced: dict[str, frozenset[str]] = field(default_factory=dict)
    # the organisation loader's records, which the network reuses rather than loading them again
    loaded: dict[str, Organisation] = field(default_factory=dict)

    def region_iri(self, key: str) -> str:
        return f"{self.base}/id/region/{key}"

    def orgs_in(self, municipalities: set[str]) -> list[Org]:
        return [o for o in self.orgs.values() if o.municipality in municipalities]

    def sector_matches(self, cap_sector: str, sector: str) -> bool:
        """True when ``cap_sector`` is ``sector`` or narrower (``skos:broader*``, at any depth)."""
        return sector in broader_or_self(cap_sector, self.ups)


def _labels(store: Any, sparql: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in select(store, sparql):
        lit = row["l"]
        out[row["s"].value].setdefault(lit.language or "", lit.value)
    return out


def load_snapshot(store: Any, base: str) -> Snapshot:
    """The snapshot of ``store`` (a GraphStore or a pyoxigraph Store: see ``ecograph.questions.source``)."""
    sector_scheme = f"{base}/id/scheme/sectors"
    sector_labels = _labels(store, f"""
        SELECT ?s ?l WHERE {{ ?s <{SKOS.inScheme}> <{sector_scheme}> ; <{SKOS.prefLabel}> ?l }}""")
    parent: dict[str, str] = {}
    for row in select(store, f"""
        SELECT ?s ?b WHERE {{ ?s <{SKOS.inScheme}> <{sector_scheme}> ; <{SKOS.broader}> ?b }}"""):
        parent[row["s"].value] = row["b"].value
    cluster_order = {f"{base}/id/sector/{k}": i for i, k in enumerate(("health", "high_tech", "creativity", "other"))}
    clusters = sorted((Concept(iri, labels) for iri, labels in sector_labels.items() if iri not in parent),
                      key=lambda c: (cluster_order.get(c.iri, 99), c.iri))
    subsectors: dict[str, list[Concept]] = {c.iri: [] for c in clusters}
    cluster_of: dict[str, str] = {c.iri: c.iri for c in clusters}
    for iri, labels in sorted(sector_labels.items()):
        if iri in parent:
            top = parent[iri]
            while top in parent:
                top = parent[top]
            cluster_of[iri] = top
            subsectors.setdefault(top, []).append(Concept(iri, labels))
    for subs in subsectors.values():
        subs.sort(key=lambda c: c.label("en"))
    sectors = {c.iri: c for c in clusters} | {c.iri: c for subs in subsectors.values() for c in subs}

    stage_labels = _labels(store, f"SELECT ?s ?l WHERE {{ ?s <{ECO.stageOrder}> ?o ; <{SKOS.prefLabel}> ?l }}")
    orders = {row["s"].value: int(row["o"].value)
              for row in select(store, f"SELECT ?s ?o WHERE {{ ?s <{ECO.stageOrder}> ?o }}")}
    stages = sorted((Concept(iri, stage_labels.get(iri, {}), orders[iri]) for iri in orders),
                    key=lambda c: c.order)

    mt_labels = _labels(store, f"SELECT ?s ?l WHERE {{ ?s a <{ECO.Megatrend}> ; <{SKOS.prefLabel}> ?l }}")
    notations = {row["s"].value: row["n"].value for row in select(
        store, f"SELECT ?s ?n WHERE {{ ?s a <{ECO.Megatrend}> ; <{SKOS.notation}> ?n }}")}
    megatrends = sorted((Concept(iri, labels, notation=notations.get(iri, "")) for iri, labels in mt_labels.items()),
                        key=lambda c: (c.notation, c.iri))
    answered_by: dict[str, set[str]] = defaultdict(set)
    for row in select(store, f"SELECT ?m ?s WHERE {{ ?m <{ECO.answeredBy}> ?s }}"):
        answered_by[row["m"].value].add(row["s"].value)

    loaded = load_organisations(store)
    orgs = {iri: Org(iri, o.name or local(iri), o.kind, o.municipality, o.lat, o.long) for iri, o in loaded.items()}
    cap_rows: dict[str, dict[str, object]] = {}
    for row in select(store, f"""
        SELECT ?c ?o ?s ?st ?src ?rule WHERE {{
          ?c a <{ECO.Capability}> ; <{ECO.organisation}> ?o ; <{ECO.sector}> ?s ; <{ECO.stage}> ?st .
          OPTIONAL {{ ?c <{DCTERMS.source}> ?src }}
          OPTIONAL {{ ?c <{ECO.derivationRule}> ?rule }}
        }}"""):
        entry = cap_rows.setdefault(row["c"].value, {
            "org": row["o"].value, "sector": row["s"].value, "stage": row["st"].value,
            "sources": set(), "rule": row["rule"].value if row["rule"] is not None else None})
        if row["src"] is not None:
            entry["sources"].add(row["src"].value)  # type: ignore[attr-defined]
    caps = [Cap(iri, str(e["org"]), str(e["sector"]), str(e["stage"]),
                tuple(sorted(e["sources"])), e["rule"])  # type: ignore[arg-type, call-overload]
            for iri, e in sorted(cap_rows.items())]

    region_labels = _labels(store, f"SELECT ?s ?l WHERE {{ ?s a <{ECO.Region}> ; <{RDFS_LABEL}> ?l }}")
    regions = {iri: Concept(iri, labels) for iri, labels in region_labels.items()}
    members: dict[str, set[str]] = defaultdict(set)
    for row in select(store, f"SELECT ?r ?m WHERE {{ ?r a <{ECO.Region}> ; <{ECO.hasMunicipality}> ?m }}"):
        members[row["r"].value].add(row["m"].value)
        regions.setdefault(row["r"].value, Concept(row["r"].value))

    place_labels = _labels(store, f"""
        SELECT ?s ?l WHERE {{
          VALUES ?t {{ <{ECO.Municipality}> <{ECO.Arrondissement}> <{ECO.Province}> }}
          ?s a ?t ; <{SKOS.prefLabel}> ?l }}""")
    places = {iri: Concept(iri, labels) for iri, labels in place_labels.items()}
    for row in select(store, f"""
        SELECT ?s ?n WHERE {{ ?s a <{ECO.Municipality}> ; <{SKOS.notation}> ?n }}"""):
        if row["s"].value in places:
            places[row["s"].value].notation = row["n"].value
    broader: dict[str, str] = {}
    for row in select(store, f"""
        SELECT ?s ?b WHERE {{
          VALUES ?t {{ <{ECO.Municipality}> <{ECO.Arrondissement}> }}
          ?s a ?t ; <{SKOS.broader}> ?b }}"""):
        broader[row["s"].value] = row["b"].value
    org_sectors = {iri: o.sectors() for iri, o in loaded.items()}
    not_applicable = {(row["s"].value, row["t"].value) for row in select(
        store, f"SELECT ?s ?t WHERE {{ ?s <{ECO.stageNotApplicable}> ?t }}")}
    ups = closure(parent, set(sectors) | {s for o in org_sectors.values() for s in o.active})
    answered = {m: frozenset(s) for m, s in answered_by.items()}
    return Snapshot(base, clusters, subsectors, cluster_of, sectors, stages, megatrends,
                    dict(answered_by), orgs, caps, regions, dict(members), places, broader,
                    org_sectors, ups, not_applicable,
                    in_sectors={i: concepts_in(o, ups, {}) for i, o in org_sectors.items()},
                    stage_unknown={i: stage_unknown_in(o, ups, answered) for i, o in org_sectors.items()},
                    unplaced={i: unplaced_in(o, ups, answered) for i, o in org_sectors.items()},
                    loaded=loaded)
