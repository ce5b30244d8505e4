"""Materialised inference, written into its own graph (``<base>/graph/inferred``).

OWL 2 RL-style rules that the gap questions and pages rely on, as SPARQL CONSTRUCTs run by
Oxigraph over the published graphs: class-hierarchy types, the ``skos:broaderTransitive``
closure, inverse properties and symmetric properties. Only triples not already asserted are
produced, so the union default graph does not double-count them.
"""

from __future__ import annotations

import pyoxigraph as ox

from ecograph.model.namespaces import sparql_prefixes

RULES: dict[str, str] = {
    "class hierarchy": """
        CONSTRUCT { ?x a ?super }
        WHERE {
          ?c rdfs:subClassOf+ ?super . FILTER(isIRI(?super) && ?super != owl:Thing)
          ?x a ?c .
          FILTER NOT EXISTS { ?x a ?super }
        }""",
    "broader closure": """
        CONSTRUCT { ?a skos:broaderTransitive ?b }
        WHERE { ?a skos:broader+ ?b }""",
    "inverse properties": """
        CONSTRUCT { ?o ?q ?s }
        WHERE {
          { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p }
          FILTER(isIRI(?p) && isIRI(?q))
          ?s ?p ?o . FILTER(!isLiteral(?o))
          FILTER NOT EXISTS { ?o ?q ?s }
        }""",
    "symmetric properties": """
        CONSTRUCT { ?o ?p ?s }
        WHERE {
          ?p a owl:SymmetricProperty .
          ?s ?p ?o . FILTER(!isLiteral(?o))
          FILTER NOT EXISTS { ?o ?p ?s }
        }""",
}


def infer(store: ox.Store, graphs: list[ox.NamedNode]) -> list[ox.Triple]:
    """The inferred triples over ``graphs``, sorted so that re-runs write identical data."""
    prefixes = sparql_prefixes()
    found: set[ox.Triple] = set()
    for rule in RULES.values():
        found.update(store.query(prefixes + rule, default_graph=graphs))
    return sorted(found, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
