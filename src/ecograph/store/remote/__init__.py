"""The remote store: the graph kept in a SPARQL server, read and written through the standard protocols.

Any server that speaks the SPARQL 1.1 Protocol (queries, updates) and, optionally, the Graph Store
HTTP Protocol will do: Oxigraph server, Virtuoso, Fuseki, GraphDB, Neptune. :class:`RemoteStore`
has the interface of :class:`ecograph.store.embedded.EmbeddedStore` and answers with the same Python
types (pyoxigraph ``QuerySolutions``, ``QueryTriples``, ``QueryBoolean``), so saved queries, the
web app and the tests do not care where the graph lives.

What stands in for the embedded store's generations:

* **The registry graph** ``<base>/graph/registry`` lists the published graphs (``void:subset``)
  and a stamp (``dcterms:identifier``) that changes with every publication. A build loads each
  source into a *staging* graph (``<base>/graph/staging/<source>``) first; staging graphs are
  never in the registry.
* **The default graph of a query** is the union of the published graphs only: every query is
  sent with one ``default-graph-uri`` and one ``named-graph-uri`` per registered graph, so
  staging graphs stay invisible to ``GRAPH ?g`` too. (A server-side "union default graph"
  option would show them.) The list is read when the store is opened; :meth:`is_stale` tells
  when the stamp changed, as the embedded store tells when a new generation was published.
* **Substitutions** and **the base IRI** have no protocol parameter: the query text says them
  (:mod:`.text`).
* **The publication time** is the registry's ``dcterms:modified`` (written with each stamp).
* **Time limits**: :meth:`RemoteStore.stream` reads an answer while it arrives and gives up
  after a wall-clock limit (the web endpoint's); Virtuoso is also sent its own ``timeout``
  (:mod:`.virtuoso`, with its other quirks). Oxigraph server has no per-request limit: start it
  with ``--timeout-s``.

Modules: :mod:`.store` (``RemoteStore``), :mod:`.http` (the one HTTP client), :mod:`.answers`
(answers as pyoxigraph types), :mod:`.text` (the query text sent), :mod:`.virtuoso`,
:mod:`.watch` (the registry followed in the background, for the web process).
"""

from ecograph.store.errors import BadAnswer, QueryTimedOut, RemoteError, ServerUnavailable
from ecograph.store.remote.answers import JSON_ACCEPT, RDF_ACCEPT, RDF_FORMATS
from ecograph.store.remote.http import NT_MEDIA, UPLOAD_MEDIA
from ecograph.store.remote.store import NOTHING, REGISTRY, STAGING, RemoteStore
from ecograph.store.remote.text import prepare, prepared
from ecograph.store.remote.virtuoso import ask_answer

__all__ = [
    "JSON_ACCEPT", "NOTHING", "NT_MEDIA", "RDF_ACCEPT", "RDF_FORMATS", "REGISTRY", "STAGING", "UPLOAD_MEDIA",
    "BadAnswer", "QueryTimedOut", "RemoteError", "RemoteStore", "ServerUnavailable", "ask_answer", "prepare",
    "prepared",
]
