"""What the graph does not know, per cell: the unknown counts of the gap questions (graph ``<base>/graph/cube``).

Five ``qb:DataSet``\\ s next to the coverage counts of ``ecograph.build.cube.materialise``, counted with the rule of
``ecograph.model.gaps`` (nonzero observations only, like the coverage datasets):

- ``<base>/id/dataset/stage-unknown`` — ``eco:refSector`` × ``sdmx-dimension:refArea``: the
  organisations located in the municipality that are active in the sector (or a narrower one)
  with no capability in it at any stage;
- ``<base>/id/dataset/megatrend-stage-unknown`` — the same for ``eco:refMegatrend``;
- ``<base>/id/dataset/unplaced`` — ``eco:refSector``: organisations active in the sector that are
  located nowhere; ``<base>/id/dataset/megatrend-unplaced`` the same per megatrend;
- ``<base>/id/dataset/unclassified`` — ``sdmx-dimension:refArea``: organisations located in the
  municipality that are in no sector at all.

The measure is ``eco:organisationCount`` throughout. Like the coverage counts they are additive
over municipalities (an organisation has at most one place), so a region's figure is the sum.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pyoxigraph as ox

from ecograph.build.cube.common import REF_AREA, Component, integer, key, observation, structure
from ecograph.build.cube.organisations import Facts
from ecograph.model.gaps import stage_unknown_in, unclassified, unplaced_in
from ecograph.model.namespaces import ECO, sparql_prefixes

_ANSWERS = "SELECT ?m ?s WHERE { ?m eco:answeredBy ?s }"


def _rows(store: ox.Store, graphs: list[ox.NamedNode], query: str) -> list[tuple[str, ...]]:
    out = []
    for row in store.query(sparql_prefixes() + query, default_graph=graphs):
        values = tuple(term.value if isinstance(term, ox.NamedNode) else "" for term in row)
        if values and values[0]:
            out.append(values)
    return out


def _components(concept_dim: str, scheme: str, base: str, area: bool) -> list[Component]:
    parts: list[Component] = []
    if concept_dim:
        parts.append(("concept", "dimension", concept_dim, f"{base}/id/scheme/{scheme}"))
    if area:
        parts.append(("municipality", "dimension", REF_AREA, f"{base}/id/scheme/places"))
    parts.append(("count", "measure", ECO.organisationCount, ""))
    return parts


def materialise_unknown(store: ox.Store, graphs: list[ox.NamedNode], facts: Facts) -> list[ox.Triple]:
    """The five datasets of the module docstring over ``graphs``."""
    base, ups, orgs = facts.base, facts.above, facts.org_sectors()
    # ``ups``: common.sector_ups; a sector outside the scheme counts for itself only (broader_or_self)
    sectors = set(ups)
    answered_sets: dict[str, set[str]] = defaultdict(set)
    for megatrend, sector in _rows(store, graphs, _ANSWERS):
        answered_sets[megatrend].add(sector)
    answered = {m: frozenset(s) for m, s in answered_sets.items()}
    unknown: Counter[tuple[str, str]] = Counter()  # (concept, municipality)
    nowhere: Counter[str] = Counter()
    for org in orgs:
        if org.municipality:
            unknown.update((concept, org.municipality) for concept in stage_unknown_in(org, ups, answered))
        nowhere.update(unplaced_in(org, ups, answered))
    out: list[ox.Triple] = []
    for kind, dim, scheme, prefix, members in (("", ECO.refSector, "sectors", "sector", sectors),
                                               ("megatrend-", ECO.refMegatrend, "megatrends", "megatrend",
                                                set(answered))):
        out += structure(base, f"{kind}stage-unknown", ("Organisations whose stage is unknown",
                                                        "Organisaties met onbekende schakel"),
                         _components(dim, scheme, base, True))
        out += structure(base, f"{kind}unplaced", ("Organisations without a place", "Organisaties zonder plaats"),
                         _components(dim, scheme, base, False))
        for (concept, m), n in sorted(unknown.items()):
            if concept not in members:
                continue
            keys = [key(ox.NamedNode(concept), f"{base}/id/{prefix}/"),
                    key(ox.NamedNode(m), f"{base}/id/municipality/")]
            out += observation(base, f"{kind}stage-unknown", f"{kind}stage-unknown", keys,
                               [(dim, ox.NamedNode(concept)), (REF_AREA, ox.NamedNode(m)),
                                (ECO.organisationCount, integer(n))])
        for concept, n in sorted(nowhere.items()):
            if concept in members:
                out += observation(base, f"{kind}unplaced", f"{kind}unplaced",
                                   [key(ox.NamedNode(concept), f"{base}/id/{prefix}/")],
                                   [(dim, ox.NamedNode(concept)), (ECO.organisationCount, integer(n))])
    out += structure(base, "unclassified", ("Organisations in no sector", "Organisaties zonder sector"),
                     _components("", "", base, True))
    for m, n in sorted(Counter(o.municipality for o in orgs if o.municipality and unclassified(o)).items()):
        out += observation(base, "unclassified", "unclassified", [key(ox.NamedNode(m), f"{base}/id/municipality/")],
                           [(REF_AREA, ox.NamedNode(m)), (ECO.organisationCount, integer(n))])
    return out
