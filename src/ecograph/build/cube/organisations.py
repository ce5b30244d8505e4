"""The cube's datasets about organisations: data gaps, cluster bridges, triple helix and research ties.

The coverage datasets (``cube.py``) count capabilities. Five more gap questions need facts about
each organisation that cost a scan of the whole graph to derive — which clusters it is active in
(sector memberships and capabilities, up the sector tree), which helix it belongs to (up the class
hierarchy), which companies it is tied to — about 0.7–3 s per question on a million triples.
The build derives them once, in Python over a few flat queries, and publishes them as five more
``qb:DataSet``\\ s in the cube graph:

- ``data-gaps`` (``data-coverage``): one observation per organisation lacking a sector, a stage, a
  place or a source, with the four ``eco:missing…`` booleans as measures and its position in the
  question's list as an attribute;
- ``cluster-bridges`` (``cross-cluster-bridges``, ``bridge-pairs``): one observation per
  organisation, cluster and municipality for the organisations active in two or more clusters,
  measure ``eco:clusterCount``;
- ``triple-helix`` (``triple-helix-balance``): per cluster and municipality, the organisations
  active in the cluster and how many of them are companies, knowledge institutions, government
  bodies or none of these;
- ``company-coverage`` (``collaboration-gaps``): per sector and municipality, the companies active
  in the sector or a narrower one;
- ``research-ties`` (``collaboration-gaps``): per knowledge institution with a place, sector it does
  research in and municipality, the companies there active in that sector (or a narrower one) that
  it has a relation with (``eco:tiedCompanyCount``, 0 included: the observation in the
  institution's own municipality always exists, so the question finds every research sector here).

The per-municipality counts are additive over municipalities for the reason given in ``cube.py``
(an organisation has at most one place), which is how the questions answer for any region. Only
stated triples are read (``rdfs:subClassOf*`` and ``skos:broader*`` paths instead of the inferred
graph), so the remote build, which derives the cube without the inferred triples, gives the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from ecograph.build.cube.common import REF_AREA, Component, integer, key, observation, structure
from ecograph.model.gaps import OrgSectors
from ecograph.model.namespaces import ECO, XSD, sparql_prefixes
from ecograph.questions.organisations import ABROAD, ANY

HELIXES = {"company": ECO.Company, "knowledge": ECO.KnowledgeInstitution, "government": ECO.GovernmentBody}

# relations that tie a knowledge institution to a company, in either direction
TIES = (
    "eco:spinOffOf eco:hasSpinOff org:memberOf org:hasMember eco:partnerOf org:subOrganizationOf "
    "org:hasSubOrganization eco:acquiredBy eco:acquired eco:fundedBy eco:funds eco:collaboratesWith "
    "eco:locatedInPark eco:hostsOrganisation"
)

# every organisation and what it lacks (the blocks are sub-selects joined by hashing)
_GAPS = """
SELECT ?org ?sector ?stage ?place ?source WHERE {
  { SELECT DISTINCT ?org WHERE { ?class rdfs:subClassOf* org:Organization . ?org a ?class } }
  OPTIONAL { SELECT DISTINCT ?org (1 AS ?sector) WHERE {
      { ?org eco:activeIn ?s } UNION { ?c eco:organisation ?org } } }
  OPTIONAL { SELECT DISTINCT ?org (1 AS ?stage) WHERE {
      { SELECT ?c ?org WHERE { ?c eco:organisation ?org } }
      { SELECT DISTINCT ?c WHERE { ?c eco:stage ?st } } } }
  OPTIONAL { SELECT DISTINCT ?org (1 AS ?place) WHERE {
      { ?org eco:locatedIn ?p } UNION { ?org schema:addressCountry ?country } } }
  OPTIONAL { SELECT DISTINCT ?org (1 AS ?source) WHERE { ?org dcterms:source ?src } }
}"""
# the label a question shows for an organisation (of several, the smallest)
_LABELS = "SELECT ?org (MIN(STR(?name)) AS ?label) WHERE { ?org rdfs:label ?name } GROUP BY ?org"
# the label a question shows for a sector: its English (or language-less) preferred label
_SECTOR_LABELS = """
SELECT ?sector (MIN(STR(?label)) AS ?name) WHERE {{
  ?sector skos:inScheme <{base}/id/scheme/sectors> ; skos:prefLabel ?label
  FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "") }} GROUP BY ?sector"""
_PLACES = "SELECT DISTINCT ?org ?m WHERE { ?org eco:locatedIn ?m }"
_ACTIVE = "SELECT DISTINCT ?org ?sector WHERE { ?org eco:activeIn ?sector }"
_CAPABILITY_SECTORS = """
SELECT DISTINCT ?org ?sector WHERE {
  { SELECT ?cap ?org WHERE { ?cap eco:organisation ?org } }
  { SELECT ?cap ?sector WHERE { ?cap eco:sector ?sector } }
}"""

_CLUSTERS = """
SELECT DISTINCT ?cluster WHERE {{
  ?cluster skos:inScheme <{base}/id/scheme/sectors> . FILTER NOT EXISTS {{ ?cluster skos:broader ?up }} }}"""
_HELIX = """
SELECT DISTINCT ?org ?helix WHERE {{
  VALUES ?helix {{ {helixes} }} ?class rdfs:subClassOf* ?helix . ?org a ?class }}"""
_RESEARCH = """
SELECT DISTINCT ?org ?sector WHERE {{
  {{ SELECT ?cap ?org WHERE {{ ?cap eco:organisation ?org }} }}
  {{ SELECT ?cap WHERE {{ ?cap eco:stage <{base}/id/stage/research> }} }}
  {{ SELECT ?cap ?sector WHERE {{ ?cap eco:sector ?sector }} }}
}}"""
_TIED = """
SELECT DISTINCT ?a ?b WHERE {{ VALUES ?relation {{ {ties} }} ?a ?relation ?b . FILTER(isIRI(?b)) }}"""


def _pairs(store: ox.Store, graphs: list[ox.NamedNode], query: str, a: str, b: str) -> set[tuple[str, str]]:
    rows = store.query(sparql_prefixes() + query, default_graph=graphs)
    return {(row[a].value, row[b].value) for row in rows if isinstance(row[a], ox.NamedNode)
            and isinstance(row[b], ox.NamedNode)}


def _nodes(store: ox.Store, graphs: list[ox.NamedNode], query: str, var: str) -> set[str]:
    rows = store.query(sparql_prefixes() + query, default_graph=graphs)
    return {row[var].value for row in rows if isinstance(row[var], ox.NamedNode)}


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        out[a].add(b)
    return out


class Facts:
    """The flat facts the datasets are derived from (these and ``cube.unknown``'s), read once per build."""

    def __init__(self, store: ox.Store, base: str, graphs: list[ox.NamedNode],
                 ups: dict[str, frozenset[str]]) -> None:
        self.base = base
        pairs = lambda query, a, b: _pairs(store, graphs, query, a, b)  # noqa: E731
        self.places = _grouped(pairs(_PLACES, "org", "m"))
        self.active = _grouped(pairs(_ACTIVE, "org", "sector"))
        self.capability_sectors = _grouped(pairs(_CAPABILITY_SECTORS, "org", "sector"))
        self.sectors = {org: self.active.get(org, set()) | self.capability_sectors.get(org, set())
                        for org in self.active.keys() | self.capability_sectors.keys()}
        self.members = _nodes(store, graphs, f"SELECT DISTINCT ?org WHERE {{ {ANY} }}", "org")
        self.abroad = _nodes(store, graphs, ABROAD, "org")
        # sector → the scheme sectors at or above it (a sector outside the scheme has none)
        self.above = ups
        clusters = {row["cluster"].value for row in store.query(
            sparql_prefixes() + _CLUSTERS.format(base=base), default_graph=graphs)}
        helixes = " ".join(f"<{iri}>" for iri in HELIXES.values())
        self.helix = _grouped(pairs(_HELIX.format(helixes=helixes), "org", "helix"))
        self.research = _grouped(pairs(_RESEARCH.format(base=base), "org", "sector"))
        tied = pairs(_TIED.format(ties=TIES), "a", "b")
        self.tied = _grouped([*tied, *((b, a) for a, b in tied)])
        # the clusters (and, for the companies, the scheme sectors) each organisation is active in
        self.in_sectors = {org: set().union(*(self.above.get(s, ()) for s in sectors))
                           for org, sectors in self.sectors.items()}
        self.in_clusters = {org: found & clusters for org, found in self.in_sectors.items()}
        self.companies = {org for org, helix in self.helix.items() if ECO.Company in helix}
        self.gaps = list(store.query(sparql_prefixes() + _GAPS, default_graph=graphs))
        self.labels = {row["org"].value: row["label"].value for row in store.query(
            sparql_prefixes() + _LABELS, default_graph=graphs) if row["label"] is not None}
        self.sector_labels = {row["sector"].value: row["name"].value for row in store.query(
            sparql_prefixes() + _SECTOR_LABELS.format(base=base), default_graph=graphs) if row["name"] is not None}

    def org_sectors(self) -> list[OrgSectors]:
        """Every organisation as the cube counts them (``questions.organisations.ANY``: typed as one, placed,
        in a sector or with a capability), with what the gap rule (``model.gaps``) needs of it."""
        return [OrgSectors(org, min(self.places[org]) if org in self.places else None,
                           frozenset(self.sectors.get(org, ())), frozenset(self.capability_sectors.get(org, ())),
                           org in self.abroad) for org in sorted(self.members)]

    def by_name(self, org: str) -> tuple[bool, str, str]:
        """How SPARQL orders organisations by label: unlabelled first, then by label, then by IRI."""
        label = self.labels.get(org)
        return (label is not None, label or "", org)

    def sector_name(self, sector: str) -> str:
        return self.sector_labels.get(sector, sector)

    def key(self, iri: str, kind: str) -> str:
        return key(ox.NamedNode(iri), f"{self.base}/id/{kind}/")


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD.boolean))


def _data_gaps(f: Facts) -> list[ox.Triple]:
    flags = (("sector", ECO.missingSector), ("stage", ECO.missingStage), ("place", ECO.missingPlace),
             ("source", ECO.missingSource))
    found: dict[str, list[tuple[str, bool]]] = {}
    for row in f.gaps:
        org = row["org"]
        missing = [(prop, row[name] is None) for name, prop in flags]
        if isinstance(org, ox.NamedNode) and any(m for _, m in missing):
            found[org.value] = missing

    # the list's order (most gaps first, then by label, unlabelled first, then by IRI, as SPARQL
    # orders them): stored as an integer, because sorting 10k strings in Oxigraph's ORDER BY
    # decodes them from the store on every comparison and takes longer than the rest of the query
    def order(org: str) -> tuple[int, bool, str, str]:
        return (-sum(m for _, m in found[org]), *f.by_name(org))

    out: list[ox.Triple] = []
    for position, org in enumerate(sorted(found, key=order), start=1):
        values: list[tuple[str, ox.NamedNode | ox.Literal]] = [(ECO.refOrganisation, ox.NamedNode(org))]
        values += [(prop, _boolean(m)) for prop, m in found[org]]
        values.append((ECO.listPosition, integer(position)))
        out += observation(f.base, "data-gaps", "data-gaps", [f.key(org, "org")], values)
    return out


def _cluster_bridges(f: Facts) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    bridges = sorted((org for org, clusters in f.in_clusters.items() if len(clusters) >= 2), key=f.by_name)
    for position, org in enumerate(bridges, start=1):  # the list's order by name (see _data_gaps)
        clusters = f.in_clusters[org]
        for cluster in clusters:
            for m in f.places.get(org, ()):
                keys = [f.key(org, "org"), f.key(cluster, "sector"), f.key(m, "municipality")]
                out += observation(f.base, "cluster-bridges", "cluster-bridge", keys, [
                    (ECO.refOrganisation, ox.NamedNode(org)), (ECO.refSector, ox.NamedNode(cluster)),
                    (REF_AREA, ox.NamedNode(m)), (ECO.clusterCount, integer(len(clusters))),
                    (ECO.listPosition, integer(position))])
    return out


def _triple_helix(f: Facts) -> list[ox.Triple]:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for org, clusters in f.in_clusters.items():
        helix = f.helix.get(org, set())
        kinds = [name for name, iri in HELIXES.items() if iri in helix] or ["other"]
        for cluster in clusters:
            for m in f.places.get(org, ()):
                cell = counts[(cluster, m)]
                cell["all"] += 1
                for kind in kinds:
                    cell[kind] += 1
    measures = (("all", ECO.organisationCount), ("company", ECO.companyCount),
                ("knowledge", ECO.knowledgeInstitutionCount), ("government", ECO.governmentBodyCount),
                ("other", ECO.otherCount))
    out: list[ox.Triple] = []
    for (cluster, m), cell in counts.items():
        keys = [f.key(cluster, "sector"), f.key(m, "municipality")]
        values: list[tuple[str, ox.NamedNode | ox.Literal]] = [
            (ECO.refSector, ox.NamedNode(cluster)), (REF_AREA, ox.NamedNode(m))]
        values += [(prop, integer(cell.get(name, 0))) for name, prop in measures]
        out += observation(f.base, "triple-helix", "triple-helix", keys, values)
    return out


def _company_coverage(f: Facts) -> list[ox.Triple]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for company in f.companies:
        for sector in f.in_sectors.get(company, ()):
            for m in f.places.get(company, ()):
                counts[(sector, m)] += 1
    out: list[ox.Triple] = []
    for (sector, m), n in counts.items():
        keys = [f.key(sector, "sector"), f.key(m, "municipality")]
        out += observation(f.base, "company-coverage", "company-sector", keys, [
            (ECO.refSector, ox.NamedNode(sector)), (REF_AREA, ox.NamedNode(m)), (ECO.organisationCount, integer(n))])
    return out


def _research_ties(f: Facts) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    pairs = [(org, sector) for org, sectors in f.research.items() for sector in sectors
             if ECO.KnowledgeInstitution in f.helix.get(org, ()) and f.places.get(org)]
    # the list's order: by institution name, then sector name (see _data_gaps)
    pairs.sort(key=lambda pair: (*f.by_name(pair[0])[:2], f.sector_name(pair[1]), pair[0], pair[1]))
    partners = {org: [c for c in f.tied.get(org, ()) if c in f.companies] for org, _ in pairs}
    for position, (org, sector) in enumerate(pairs, start=1):
        counts: dict[str, int] = {m: 0 for m in f.places.get(org, ())}
        for company in partners[org]:
            if sector in f.in_sectors.get(company, ()):
                for m in f.places.get(company, ()):
                    counts[m] = counts.get(m, 0) + 1
        for m, n in counts.items():
            keys = [f.key(org, "org"), f.key(sector, "sector"), f.key(m, "municipality")]
            out += observation(f.base, "research-ties", "research-tie", keys, [
                (ECO.refOrganisation, ox.NamedNode(org)), (ECO.refSector, ox.NamedNode(sector)),
                (REF_AREA, ox.NamedNode(m)), (ECO.tiedCompanyCount, integer(n)),
                (ECO.listPosition, integer(position))])
    return out


def _structures(base: str) -> list[ox.Triple]:
    organisation: Component = ("organisation", "dimension", ECO.refOrganisation, "")
    sector: Component = ("sector", "dimension", ECO.refSector, f"{base}/id/scheme/sectors")
    area: Component = ("municipality", "dimension", REF_AREA, f"{base}/id/scheme/places")
    count: Component = ("count", "measure", ECO.organisationCount, "")
    datasets: list[tuple[str, tuple[str, str], list[Component]]] = [
        ("data-gaps", ("Data gaps per organisation", "Ontbrekende gegevens per organisatie"), [
            organisation, *(
                (part, "measure", prop, "") for part, prop in (
                    ("sector", ECO.missingSector), ("stage", ECO.missingStage),
                    ("place", ECO.missingPlace), ("source", ECO.missingSource))),
            ("position", "attribute", ECO.listPosition, "")]),
        ("cluster-bridges", ("Organisations bridging clusters", "Organisaties die clusters verbinden"), [
            organisation, sector, area, ("clusters", "measure", ECO.clusterCount, ""),
            ("position", "attribute", ECO.listPosition, "")]),
        ("triple-helix", ("Triple helix per cluster", "Triple helix per cluster"), [
            sector, area, count, ("companies", "measure", ECO.companyCount, ""),
            ("knowledge", "measure", ECO.knowledgeInstitutionCount, ""),
            ("government", "measure", ECO.governmentBodyCount, ""), ("other", "measure", ECO.otherCount, "")]),
        ("company-coverage", ("Companies per sector", "Bedrijven per sector"), [sector, area, count]),
        ("research-ties", ("Ties of research to companies", "Banden van onderzoek met bedrijven"), [
            organisation, sector, area, ("tied", "measure", ECO.tiedCompanyCount, ""),
            ("position", "attribute", ECO.listPosition, "")]),
    ]
    out: list[ox.Triple] = []
    for name, labels, components in datasets:
        out += structure(base, name, labels, components)
    return out


def materialise_organisations(facts: Facts) -> list[ox.Triple]:
    """The five organisation datasets."""
    out = _structures(facts.base)
    for build in (_data_gaps, _cluster_bridges, _triple_helix, _company_coverage, _research_ties):
        out += build(facts)
    return out
