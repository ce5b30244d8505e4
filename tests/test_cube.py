"""The coverage cube (``ecograph.build.cube.materialise``) against the direct join it replaces, on the fixture region.

Every sector/megatrend × stage × municipality cell of the grid must hold the number of
distinct organisations that the on-the-fly join (the saved queries before the cube) counts;
a cell missing from the cube is a 0.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest

from ecograph.build.cube.materialise import materialise

try:
    from .queries_fixtures import BASE, VARIANTS, fixture_store
except ImportError:  # tests/ is not a package
    from queries_fixtures import BASE, VARIANTS, fixture_store  # type: ignore[no-redef]

PREFIXES = """
PREFIX eco:  <https://w3id.org/ecograph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qb:   <http://purl.org/linked-data/cube#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
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
    assert first == materialise(store, BASE, list(reversed(graphs)))  # the same triples, whatever the order
    assert not any(isinstance(term, ox.BlankNode) for t in first for term in (t.subject, t.object))
    obs = {t.subject.value for t in first if "/id/observation/" in t.subject.value}
    assert f"{BASE}/id/observation/sector-stage/health.research.24062" in obs
    assert f"{BASE}/id/observation/megatrend-stage/mt01.research.24062" in obs
    qb = "http://purl.org/linked-data/cube#"
    datasets = {t.subject.value for t in first if t.object == ox.NamedNode(qb + "DataSet")}
    assert datasets == {f"{BASE}/id/dataset/{n}" for n in (
        "coverage", "megatrend-coverage", "data-gaps", "cluster-bridges", "triple-helix", "company-coverage",
        "research-ties", "stage-unknown", "megatrend-stage-unknown", "unplaced", "megatrend-unplaced",
        "unclassified")}


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


# the unknown counts of ecograph.model.gaps, as a direct join (no Python rule)
_IN_CONCEPT = {
    "sector": "?concept skos:inScheme <id/scheme/sectors> . ?s skos:broader* ?concept .",
    "megatrend": "?concept eco:answeredBy ?t . ?s skos:broader* ?t .",
}
DIRECT_UNKNOWN = """
    SELECT ?concept ?m (COUNT(DISTINCT ?org) AS ?n) WHERE {{
      ?org eco:locatedIn ?m .
      {{ ?org eco:activeIn ?s }} UNION {{ ?c eco:organisation ?org ; eco:sector ?s }}
      {concept}
      FILTER NOT EXISTS {{ ?k eco:organisation ?org ; eco:sector ?ks . {known} }}
    }} GROUP BY ?concept ?m"""
DIRECT_UNPLACED = """
    SELECT ?concept (COUNT(DISTINCT ?org) AS ?n) WHERE {{
      {{ ?org eco:activeIn ?s }} UNION {{ ?c eco:organisation ?org ; eco:sector ?s }}
      {concept}
      FILTER NOT EXISTS {{ ?org eco:locatedIn ?anywhere }}
    }} GROUP BY ?concept"""
CUBE_UNKNOWN = """
    SELECT ?concept ?m ?n WHERE {{
      ?obs qb:dataSet <id/dataset/{dataset}> ; {dim} ?concept ; eco:organisationCount ?n .
      OPTIONAL {{ ?obs sdmx-dimension:refArea ?m }} }}"""


def _counts(store: ox.Store, query: str) -> dict[tuple[str, str], int]:
    rows = store.query(PREFIXES + query, base_iri=BASE + "/", use_default_graph_as_union=True)
    return {(r["concept"].value, r["m"].value if r["m"] is not None else ""): int(r["n"].value) for r in rows}


@pytest.mark.parametrize("kind", ["sector", "megatrend"])
def test_unknown_counts_equal_the_direct_join(store: ox.Store, kind: str) -> None:
    concept = _IN_CONCEPT[kind]
    known = concept.replace("?s ", "?ks ").replace("?t ", "?kt ").replace("?t .", "?kt .")
    known = known.replace("?concept skos:inScheme <id/scheme/sectors> . ", "")
    direct = _counts(store, DIRECT_UNKNOWN.format(concept=concept, known=known))
    named = "" if kind == "sector" else "megatrend-"
    dim = "eco:refSector" if kind == "sector" else "eco:refMegatrend"
    assert _counts(store, CUBE_UNKNOWN.format(dataset=f"{named}stage-unknown", dim=dim)) == direct
    unplaced = {(c, ""): n for (c, _m), n in _counts(store, DIRECT_UNPLACED.format(concept=concept)).items()}
    assert _counts(store, CUBE_UNKNOWN.format(dataset=f"{named}unplaced", dim=dim)) == unplaced
    if kind == "sector":
        assert direct, "the fixture has organisations whose stage is unknown"


def test_unknown_counts_of_a_small_region() -> None:
    """One organisation per case, counted by hand: stage unknown, unplaced, unclassified, known."""
    store = ox.Store()
    store.load(input=f"""
        @prefix eco: <https://w3id.org/ecograph/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix org: <http://www.w3.org/ns/org#> . @prefix b: <{BASE}/id/> .
        GRAPH <{BASE}/graph/curated> {{
          b:sector\\/other skos:inScheme b:scheme\\/sectors .
          b:sector\\/finance skos:inScheme b:scheme\\/sectors ; skos:broader b:sector\\/other .
          b:megatrend\\/mt05 eco:answeredBy b:sector\\/finance .
          b:org\\/bank a org:Organization ; eco:locatedIn b:municipality\\/24062 ; eco:activeIn b:sector\\/finance .
          b:org\\/fund a org:Organization ; eco:activeIn b:sector\\/finance .
          b:org\\/abroad a org:Organization ; eco:activeIn b:sector\\/finance ;
                           <https://schema.org/addressCountry> "NL" .
          b:org\\/club a org:Organization ; eco:locatedIn b:municipality\\/24062 .
          b:org\\/insurer a org:Organization ; eco:locatedIn b:municipality\\/24062 ; eco:activeIn b:sector\\/other .
          b:capability\\/insurer eco:organisation b:org\\/insurer ; eco:sector b:sector\\/other ;
                                eco:stage b:stage\\/market .
        }}""", format=ox.RdfFormat.TRIG)
    cube = ox.Store()
    cube.extend(ox.Quad(t.subject, t.predicate, t.object) for t in materialise(store, BASE, list(store.named_graphs())))
    got = {(r["d"].value.rsplit("/", 1)[1], r["c"].value.rsplit("/", 1)[1] if r["c"] else "", int(r["n"].value))
           for r in cube.query(PREFIXES + """SELECT ?d ?c ?n WHERE { ?o qb:dataSet ?d ; eco:organisationCount ?n
               OPTIONAL { ?o eco:refSector|eco:refMegatrend ?c }
               FILTER(?d NOT IN (<""" + BASE + "/id/dataset/coverage>, <" + BASE + """/id/dataset/megatrend-coverage>))
               FILTER(STRENDS(STR(?d), "unknown") || STRENDS(STR(?d), "unplaced") || STRENDS(STR(?d), "classified"))
           }""")}
    assert got == {
        ("stage-unknown", "finance", 1),  # the bank: in finance, no stage anywhere
        ("stage-unknown", "other", 1),  # the bank again (finance is in "other"); the insurer's stage is known
        ("megatrend-stage-unknown", "mt05", 1),
        # the fund; not the one abroad, which is placed (in no region of ours)
        ("unplaced", "finance", 1), ("unplaced", "other", 1), ("megatrend-unplaced", "mt05", 1),
        ("unclassified", "", 1),  # the club
    }


def test_unclassified_counts_equal_the_direct_join(store: ox.Store) -> None:
    direct = _counts(store, """
        SELECT ("" AS ?concept) ?m (COUNT(DISTINCT ?org) AS ?n) WHERE {
          ?class rdfs:subClassOf* <http://www.w3.org/ns/org#Organization> . ?org a ?class ; eco:locatedIn ?m .
          FILTER NOT EXISTS { ?org eco:activeIn ?s } FILTER NOT EXISTS { ?c eco:organisation ?org } } GROUP BY ?m""")
    cube = _counts(store, """SELECT ("" AS ?concept) ?m ?n WHERE {
        ?obs qb:dataSet <id/dataset/unclassified> ; sdmx-dimension:refArea ?m ; eco:organisationCount ?n }""")
    assert cube == {(c.replace('""', ""), m): n for (c, m), n in direct.items()}
