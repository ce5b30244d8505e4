"""The coverage cube (``ecograph.cube``) against the direct join it replaces, on the fixture region.

Every sector/megatrend × stage × municipality cell of the grid must hold the number of
distinct organisations that the on-the-fly join (the saved queries before the cube) counts;
a cell missing from the cube is a 0.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from ecograph.cube import materialise

try:
    from .queries_fixtures import BASE, VARIANTS, fixture_store
except ImportError:  # tests/ is not a package
    from queries_fixtures import BASE, VARIANTS, fixture_store  # type: ignore[no-redef]

PREFIXES = """
PREFIX eco:  <https://w3id.org/ecograph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb:   <http://purl.org/linked-data/cube#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
"""

# the join the dashboard questions ran before the cube, grouped by municipality
DIRECT = {
    "sector": """
        SELECT ?concept ?stage ?m (COUNT(DISTINCT ?org) AS ?n) WHERE {
          ?org eco:locatedIn ?m .
          ?cap eco:organisation ?org ; eco:stage ?stage ; eco:sector ?capSector .
          ?concept skos:inScheme <id/scheme/sectors> . ?capSector skos:broader* ?concept .
        } GROUP BY ?concept ?stage ?m""",
    "megatrend": """
        SELECT ?concept ?stage ?m (COUNT(DISTINCT ?org) AS ?n) WHERE {
          ?org eco:locatedIn ?m .
          ?cap eco:organisation ?org ; eco:stage ?stage ; eco:sector ?capSector .
          ?sector skos:inScheme <id/scheme/sectors> . ?capSector skos:broader* ?sector .
          ?concept eco:answeredBy ?sector .
        } GROUP BY ?concept ?stage ?m""",
}
CUBE = {
    "sector": """
        SELECT ?concept ?stage ?m ?n WHERE {
          ?obs qb:dataSet <id/dataset/coverage> ; eco:refSector ?concept ; eco:refStage ?stage ;
               sdmx-dimension:refArea ?m ; eco:organisationCount ?n }""",
    "megatrend": """
        SELECT ?concept ?stage ?m ?n WHERE {
          ?obs qb:dataSet <id/dataset/megatrend-coverage> ; eco:refMegatrend ?concept ;
               eco:refStage ?stage ; sdmx-dimension:refArea ?m ; eco:organisationCount ?n }""",
}
GRID = """
    SELECT DISTINCT ?concept ?stage ?m WHERE {
      ?concept skos:inScheme <id/scheme/{scheme}> . ?stage eco:stageOrder ?order .
      ?m a eco:Municipality }"""


def _cells(store: ox.Store, query: str) -> dict[tuple[str, str, str], int]:
    rows = store.query(PREFIXES + query, base_iri=BASE + "/", use_default_graph_as_union=True)
    out: dict[tuple[str, str, str], int] = {}
    for row in rows:
        key = (row["concept"].value, row["stage"].value, row["m"].value)
        assert key not in out, f"two values for the cell {key}"
        out[key] = int(row["n"].value)
    return out


@pytest.fixture(scope="module", params=VARIANTS)
def store(request: pytest.FixtureRequest) -> Any:
    return fixture_store(request.param)


@pytest.mark.parametrize(("kind", "scheme"), [("sector", "sectors"), ("megatrend", "megatrends")])
def test_every_cell_equals_the_direct_join(store: ox.Store, kind: str, scheme: str) -> None:
    direct = _cells(store, DIRECT[kind])
    cube = _cells(store, CUBE[kind])
    assert cube, "the cube has no observations"
    assert all(n > 0 for n in cube.values()), "zero cells are not stored"
    grid = {
        (r["concept"].value, r["stage"].value, r["m"].value)
        for r in store.query(
            PREFIXES + GRID.replace("{scheme}", scheme), base_iri=BASE + "/", use_default_graph_as_union=True
        )
    }
    assert set(direct) <= grid and set(cube) <= grid
    assert len(grid) >= 100  # the grid, not just the non-empty cells
    for cell in sorted(grid):
        assert cube.get(cell, 0) == direct.get(cell, 0), cell


def test_cube_is_deterministic_and_has_no_blank_nodes(store: ox.Store) -> None:
    graphs = [g for g in store.named_graphs() if g.value != f"{BASE}/graph/cube"]
    first = materialise(store, BASE, graphs)
    assert first == materialise(store, BASE, list(reversed(graphs)))
    assert first == sorted(first, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    assert not any(isinstance(term, ox.BlankNode) for t in first for term in (t.subject, t.object))
    obs = {t.subject.value for t in first if "/id/observation/" in t.subject.value}
    assert f"{BASE}/id/observation/sector-stage/health.research.24062" in obs
    assert f"{BASE}/id/observation/megatrend-stage/mt01.research.24062" in obs
    qb = "http://purl.org/linked-data/cube#"
    datasets = {t.subject.value for t in first if t.object == ox.NamedNode(qb + "DataSet")}
    assert datasets == {f"{BASE}/id/dataset/{n}" for n in (
        "coverage", "megatrend-coverage", "data-gaps", "cluster-bridges", "triple-helix", "company-coverage",
        "research-ties")}


def test_sole_organisation_names_the_one_organisation(store: ox.Store) -> None:
    """A cell of one organisation names it; the single-points-of-failure question reads it."""
    rows = store.query(
        PREFIXES
        + """SELECT ?obs ?n ?org WHERE {
            VALUES ?dataset { <id/dataset/coverage> <id/dataset/megatrend-coverage> }
            ?obs qb:dataSet ?dataset ; eco:organisationCount ?n OPTIONAL { ?obs eco:soleOrganisation ?org } }""",
        base_iri=BASE + "/",
        use_default_graph_as_union=True,
    )
    named = {r["obs"].value: (int(r["n"].value), r["org"]) for r in rows}
    assert all((n == 1) == (org is not None) for n, org in named.values())
    cell = named[f"{BASE}/id/observation/sector-stage/electronics.production.24020"]
    assert cell == (1, ox.NamedNode(f"{BASE}/id/org/chipfab"))
