"""The coverage counts, materialised at build time as an RDF Data Cube (graph ``<base>/graph/cube``).

The dashboard questions (value-chain coverage, megatrend coverage, broken chains, …) all count
the distinct organisations of a region per sector (or megatrend) and value-chain stage. Joining
region → organisation → capability → sector on every request costs 0.3–1.5 s on a
million-triple graph, so the build counts once per *municipality* and the queries sum the
municipalities of the region they are asked about.

Summing is exact because an organisation has at most one ``eco:locatedIn``: the organisations
counted in two municipalities are disjoint, so the distinct count over a set of municipalities
is the sum of the per-municipality distinct counts. (It is *not* additive over stages or
sectors: an organisation active at two stages is one organisation; the queries only ever sum
over municipalities.)

Two ``qb:DataSet``\\ s, each with its own ``qb:DataStructureDefinition`` (so every observation
has every dimension of its dataset, as the Data Cube integrity constraints ask):

- ``<base>/id/dataset/coverage`` — dimensions ``eco:refSector`` (every sub-sector *and* every
  cluster; a capability in a sub-sector counts for its cluster), ``eco:refStage``,
  ``sdmx-dimension:refArea`` (the municipality); observations
  ``<base>/id/observation/sector-stage/<sector>.<stage>.<nis>``;
- ``<base>/id/dataset/megatrend-coverage`` — ``eco:refMegatrend`` instead of the sector, an
  organisation counting for a megatrend when it has a capability in a sector that answers it
  (``eco:answeredBy``) or in a narrower one; observations
  ``<base>/id/observation/megatrend-stage/<megatrend>.<stage>.<nis>``.

The measure is ``eco:organisationCount``. An observation counting one organisation also names
it with the attribute ``eco:soleOrganisation`` (``qb:componentRequired false``): a region's cell
that sums to 1 is then one observation, and the single-points-of-failure question reads the
organisation from it instead of joining the capabilities again. Zero cells are not stored: the queries make them
from the concept schemes. Everything has an IRI (no blank nodes), so two builds of the same data
give the very same graph.
"""

from __future__ import annotations

import pyoxigraph as ox

from ecograph.build.cube.common import (
    REF_AREA,
    broader_values,
    integer,
    iri,
    key,
    observation,
    sector_ups,
    structure,
)
from ecograph.build.cube.organisations import Facts, materialise_organisations
from ecograph.build.cube.unknown import materialise_unknown
from ecograph.model.namespaces import ECO, sparql_prefixes

# a capability counts for its own sector and every broader one: the pairs come from model.gaps's
# rule (common.sector_ups) as a VALUES block, so the cube counts as the dashboard and the viewer do
_CELLS = """
SELECT ?concept ?stage ?m (COUNT(DISTINCT ?org) AS ?n) (MIN(STR(?org)) AS ?only)
WHERE {{
  {{ SELECT ?org ?m WHERE {{ ?org eco:locatedIn ?m }} }}
  {{ SELECT ?cap ?org WHERE {{ ?cap eco:organisation ?org }} }}
  {{ SELECT ?cap ?stage WHERE {{ ?cap eco:stage ?stage }} }}
  {{ SELECT ?cap ?capSector WHERE {{ ?cap eco:sector ?capSector }} }}
  {{ SELECT DISTINCT ?capSector ?concept WHERE {{ {concept} }} }}
}}
GROUP BY ?concept ?stage ?m
"""

SECTOR_OF = "{broader} BIND(?sector AS ?concept)"
MEGATREND_OF = "{broader} ?concept eco:answeredBy ?sector"


def _coverage_structure(
    base: str, name: str, concept_dim: str, scheme: str, labels: tuple[str, str]
) -> list[ox.Triple]:
    return structure(base, name, labels, [
        ("concept", "dimension", concept_dim, f"{base}/id/scheme/{scheme}"),
        ("stage", "dimension", ECO.refStage, f"{base}/id/scheme/stages"),
        ("municipality", "dimension", REF_AREA, f"{base}/id/scheme/places"),
        ("count", "measure", ECO.organisationCount, ""),
        ("sole", "attribute", ECO.soleOrganisation, ""),
    ])


def _observations(
    store: ox.Store,
    base: str,
    graphs: list[ox.NamedNode],
    name: str,
    kind: str,
    concept_dim: str,
    concept_of: str,
    concept_prefix: str,
    broader: str,
) -> list[ox.Triple]:
    query = sparql_prefixes() + _CELLS.format(concept=concept_of.format(broader=broader))
    out: list[ox.Triple] = []
    for row in store.query(query, default_graph=graphs):
        concept, stage, place, n = row["concept"], row["stage"], row["m"], row["n"]
        if not all(isinstance(t, ox.NamedNode) for t in (concept, stage, place)):
            continue
        keys = [
            key(concept, f"{base}/id/{concept_prefix}/"),
            key(stage, f"{base}/id/stage/"),
            key(place, f"{base}/id/municipality/"),
        ]
        values: list[tuple[str, ox.NamedNode | ox.Literal]] = [
            (concept_dim, concept), (ECO.refStage, stage), (REF_AREA, place), (ECO.organisationCount, integer(n.value))]
        if int(n.value) == 1:  # the one organisation of the cell (an attribute, see the module docstring)
            values.append((ECO.soleOrganisation, iri(row["only"].value)))
        out += observation(base, name, kind, keys, values)
    return out


def materialise(store: ox.Store, base: str, graphs: list[ox.NamedNode]) -> set[ox.Triple]:
    """The cube over ``graphs`` (the published graphs): the coverage datasets and those of ``cube_organisations``.

    A set (the store keeps no order, so sorting would cost time for nothing); see the module
    docstring for the shape.
    """
    base = base.rstrip("/")
    found: set[ox.Triple] = set()
    sectors = ("Value-chain coverage", "Dekking van de waardeketen")
    found.update(_coverage_structure(base, "coverage", ECO.refSector, "sectors", sectors))
    found.update(
        _coverage_structure(
            base,
            "megatrend-coverage",
            ECO.refMegatrend,
            "megatrends",
            ("Megatrend coverage", "Dekking van de megatrends"),
        )
    )
    ups = sector_ups(store, base, graphs)  # read once, counted with by every dataset
    broader = broader_values(ups, "capSector", "sector")
    found.update(_observations(store, base, graphs, "coverage", "sector-stage", ECO.refSector, SECTOR_OF, "sector",
                               broader))
    found.update(
        _observations(
            store, base, graphs, "megatrend-coverage", "megatrend-stage", ECO.refMegatrend, MEGATREND_OF, "megatrend",
            broader,
        )
    )
    facts = Facts(store, base, graphs, ups)  # read once for the organisation and the unknown datasets
    found.update(materialise_organisations(facts))
    found.update(materialise_unknown(store, graphs, facts))
    return found
