"""Shared helpers of the saved-query tests: the fixture store in three variants."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ecograph.build.cube.materialise import materialise

BASE = "http://ecograph.test"
FIXTURES = Path(__file__).parent / "data" / "queries"
VARIANTS = ("plain", "inferred", "duplicated")

_INFER = f"""
PREFIX eco:  <https://w3id.org/ecograph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT {{ GRAPH <{BASE}/graph/inferred> {{ ?x a ?super }} }}
WHERE {{ GRAPH ?g {{ ?x a ?c }} GRAPH ?o {{ ?c rdfs:subClassOf+ ?super }} }} ;
INSERT {{ GRAPH <{BASE}/graph/inferred> {{ ?a skos:broaderTransitive ?b . ?b skos:narrowerTransitive ?a }} }}
WHERE {{ GRAPH ?g {{ ?a skos:broader+ ?b }} }} ;
INSERT {{ GRAPH <{BASE}/graph/inferred> {{ ?b eco:hasSpinOff ?a }} }} WHERE {{ GRAPH ?g {{ ?a eco:spinOffOf ?b }} }} ;
INSERT {{ GRAPH <{BASE}/graph/inferred> {{ ?b eco:partnerOf ?a }} }} WHERE {{ GRAPH ?g {{ ?a eco:partnerOf ?b }} }} ;
INSERT {{ GRAPH <{BASE}/graph/inferred> {{ ?b eco:collaboratesWith ?a }} }}
WHERE {{ GRAPH ?g {{ ?a eco:collaboratesWith ?b }} }} ;
INSERT {{ GRAPH <{BASE}/graph/inferred> {{ ?o eco:hasCapability ?c }} }}
WHERE {{ GRAPH ?g {{ ?c eco:organisation ?o }} }}
"""

_DUPLICATE = f"""
INSERT {{ GRAPH <{BASE}/graph/copy> {{ ?s ?p ?o }} }}
WHERE {{ GRAPH <{BASE}/graph/curated> {{ ?s ?p ?o }} }}
"""


def fixture_store(variant: str = "plain", files: tuple[str, ...] = ("base.trig", "region.trig")) -> ox.Store:
    """The fixture graphs; ``inferred`` adds a materialised inference graph like the build's,
    ``duplicated`` repeats the curated graph in a second graph (the union keeps duplicates).
    Every variant gets the coverage cube (``<BASE>/graph/cube``) that the dashboard questions read."""
    store = ox.Store()
    for name in files:
        store.load(path=str(FIXTURES / name), format=ox.RdfFormat.TRIG)
    if variant == "inferred":
        store.update(_INFER)
    elif variant == "duplicated":
        store.update(_DUPLICATE)
    # the coverage cube, as the build materialises it over the published graphs
    cube = materialise(store, BASE, list(store.named_graphs()))
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(f"{BASE}/graph/cube")) for t in cube)
    return store


def short(value: object) -> object:
    """Test-data IRIs without the base (``org/univ``), other values unchanged."""
    if isinstance(value, str) and value.startswith(BASE + "/id/"):
        return value[len(BASE) + 4:]
    if isinstance(value, str) and value.startswith(BASE + "/"):
        return value[len(BASE) + 1:]
    return value
