"""Every organisation with what the pages and the network need of it, read once; who counts as one.

One loader for all of them: the kind (the most specific of :data:`KINDS`: the precedence rule
lives here only), the name, the place and coordinates, the sectors it is active in, the sectors
and stages of its capabilities, and whether it is abroad. It reads any store with the
``GraphStore.query`` convention or a bare ``pyoxigraph.Store``, see ``ecograph.questions.source``.
:data:`ANY` is also who the build's cube counts (``ecograph.build.cube.organisations``, which reads
the same facts as flat pairs shared with its other datasets).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ecograph.model.gaps import OrgSectors
from ecograph.model.namespaces import ECO, sparql_prefixes
from ecograph.questions.source import select

#: Organisation kinds (local names of eco: classes), most specific first.
KINDS = (
    "StartUp", "University", "UniversityCollege", "ResearchCentre", "Hospital", "Company",
    "GovernmentBody", "BusinessAssociation", "IncubatorOrSciencePark", "InvestorOrFund",
    "NetworkOrPlatform", "OtherOrganisation",
)
OTHER = "OtherOrganisation"

#: Which resources are organisations: the typed ones (the viewer's), or as the cube counts them
#: (instances of org:Organization or a sub-class, and anything placed, in a sector or with a capability).
FORMAL = "?org a org:FormalOrganization"
ANY = """{ ?class rdfs:subClassOf* org:Organization . ?org a ?class } UNION { ?org eco:locatedIn ?m }
  UNION { ?org eco:activeIn ?s } UNION { ?c eco:organisation ?org }"""

_MEMBERS = """SELECT ?org ?name ?m ?lat ?long WHERE {{
  {{ SELECT DISTINCT ?org WHERE {{ {members} }} }}
  OPTIONAL {{ ?org rdfs:label ?name }}
  OPTIONAL {{ ?org schema:name ?name }}
  OPTIONAL {{ ?org eco:locatedIn ?m }}
  OPTIONAL {{ ?org wgs:lat ?lat ; wgs:long ?long }}
}}"""
_TYPES = f'SELECT ?org ?t WHERE {{ ?org a ?t FILTER(STRSTARTS(STR(?t), "{ECO.base}")) }}'
_ACTIVE = "SELECT DISTINCT ?org ?s WHERE { ?org eco:activeIn ?s }"
_CAPS = """SELECT DISTINCT ?org ?s ?st WHERE {
  { SELECT ?cap ?org WHERE { ?cap eco:organisation ?org } }
  OPTIONAL { ?cap eco:sector ?s } OPTIONAL { ?cap eco:stage ?st } }"""
ABROAD = 'SELECT DISTINCT ?org WHERE { ?org schema:addressCountry ?c FILTER(UCASE(STR(?c)) != "BE") }'


def local(iri: str) -> str:
    """The key of an entity IRI (its last path segment)."""
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def kind_of(types: Iterable[str]) -> str:
    """The kind of an organisation with these eco: types (local names): the first of KINDS it has."""
    found = set(types)
    return next((k for k in KINDS if k in found), OTHER)


@dataclass
class Organisation:
    iri: str
    name: str | None = None  # rdfs:label, else schema:name
    kind: str = OTHER
    municipality: str | None = None
    lat: float | None = None
    long: float | None = None
    active: set[str] = field(default_factory=set)  # eco:activeIn
    known: set[str] = field(default_factory=set)  # the sectors of its capabilities
    stages: set[str] = field(default_factory=set)  # the stages of its capabilities
    abroad: bool = False  # an address outside Belgium

    @property
    def key(self) -> str:
        return local(self.iri)

    def sectors(self) -> OrgSectors:
        """What the gap rule (``ecograph.model.gaps``) needs of the organisation."""
        return OrgSectors(self.iri, self.municipality, frozenset(self.active | self.known), frozenset(self.known),
                          self.abroad)


def _rows(store: Any, query: str, graphs: list[str] | None) -> Iterable[Any]:
    return select(store, sparql_prefixes() + query, default_graph=graphs)


def _iri(term: Any) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def load_organisations(store: Any, *, members: str = FORMAL,
                       graphs: list[str] | None = None) -> dict[str, Organisation]:
    """Every organisation (``members``: :data:`FORMAL` or :data:`ANY`) by IRI, sorted by IRI.

    ``graphs``: the graphs to read (IRI strings); None reads the union of all of them.
    """
    orgs: dict[str, Organisation] = {}
    for row in _rows(store, _MEMBERS.format(members=members), graphs):
        iri = _iri(row["org"])
        if iri is None or iri in orgs:
            continue
        name, lat, lon = row["name"], row["lat"], row["long"]
        orgs[iri] = Organisation(
            iri, name=name.value if name is not None else None, municipality=_iri(row["m"]),
            lat=float(lat.value) if lat is not None else None, long=float(lon.value) if lon is not None else None)
    types: dict[str, set[str]] = defaultdict(set)
    for row in _rows(store, _TYPES, graphs):
        if row["org"].value in orgs:
            types[row["org"].value].add(local(row["t"].value))
    for iri, found in types.items():
        orgs[iri].kind = kind_of(found)
    for row in _rows(store, _ACTIVE, graphs):
        org, sector = orgs.get(row["org"].value), _iri(row["s"])
        if org is not None and sector:
            org.active.add(sector)
    for row in _rows(store, _CAPS, graphs):
        org = orgs.get(row["org"].value)
        if org is None:
            continue
        if sector := _iri(row["s"]):
            org.known.add(sector)
        if stage := _iri(row["st"]):
            org.stages.add(stage)
    for row in _rows(store, ABROAD, graphs):
        if row["org"].value in orgs:
            orgs[row["org"].value].abroad = True
    return dict(sorted(orgs.items()))
