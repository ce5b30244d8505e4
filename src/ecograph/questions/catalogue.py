"""The catalogue of saved queries: load ``queries/*.rq``, bind and check parameters, run them.

The work is split by step: ``saved`` loads a query and its header, ``params`` binds the values a
user gives, ``run`` runs the query and holds the answer, ``source`` is how all of them read a
store. This module is their public face: callers import from here.

A saved query is one SPARQL file; its name (the file name without ``.rq``) is its public name.
Its metadata sits in a grlc-style comment header (lines starting with ``#+``, YAML once the
``#+`` is cut; every scalar is read as a string), so the file stays valid SPARQL::

    #+ summary: One line
    #+ description: >
    #+   A paragraph on how to read the answer.
    #+ tags: [gaps, value chain]
    #+ params:
    #+   region:
    #+     type: region
    #+     description: The region to look at.
    #+ defaults:
    #+   - region: region/arrondissement-leuven

Parameter types: ``iri`` (with ``class:``, a CURIE; the value must exist in the graph with
that rdf:type, directly or through rdfs:subClassOf), ``literal``, ``integer`` and ``region``
(an ``eco:Region`` IRI, or a comma-separated list of municipalities given by NIS code, key or
IRI; a list is bound as one string literal ``"<iri> <iri> …"`` that the queries test with
``CONTAINS``, because an engine binding holds one term only).

Values are bound by the engine (Oxigraph ``substitutions``, SEP-0007), never pasted into the
query text. SEP-0007 only binds variables that the query projects, so every saved query
projects its parameters; ``run`` drops those constant columns from the result.

IRIs: a parameter value that is not absolute (``region/vlaams-brabant``) is resolved against
``<base>/id/``; a bare key (``vlaams-brabant``) gets the parameter's ``kind`` (``region``) in
front. Query text may use relative IRIs (``<id/scheme/sectors>``, ``<graph/inferred>``): they are
resolved against ``<base>/`` because the query runs with that base IRI.
"""

from __future__ import annotations

from ecograph.questions.params import bind_param, bind_params
from ecograph.questions.run import query_base, run_saved, run_sparql
from ecograph.questions.saved import (
    PARAM_TYPES,
    QUERIES_DIR,
    Param,
    SavedQuery,
    expand_curie,
    get_query,
    load_catalogue,
    load_query,
    parse_header,
)
from ecograph.sparql.results import QueryError, Result, Term, plain, to_result

__all__ = [
    "PARAM_TYPES", "QUERIES_DIR", "Param", "QueryError", "Result", "SavedQuery", "Term", "bind_param", "bind_params",
    "expand_curie", "get_query", "load_catalogue", "load_query", "parse_header", "plain", "query_base", "run_saved",
    "run_sparql", "to_result",
]
