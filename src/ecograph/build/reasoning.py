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


def infer(store: ox.Store, graphs: list[ox.NamedNode]) -> bytes:
    """The inferred triples over ``graphs`` as N-Triples, written by Oxigraph itself.

    No Python object per triple: the rules' answers go straight to text (a triple two rules
    derive comes twice; the store keeps one).
    """
    prefixes = sparql_prefixes()
    return b"".join(store.query(prefixes + rule, default_graph=graphs).serialize(format=ox.RdfFormat.N_TRIPLES)
                    for rule in RULES.values())
