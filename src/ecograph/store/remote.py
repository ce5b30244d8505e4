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
* **Substitutions** (engine-bound variables, SEP-0007) cannot be sent over the protocol, so the
  query text is rewritten with ``VALUES`` blocks (:mod:`ecograph.sparql.values`).
* **The base IRI** has no protocol parameter: a ``BASE`` declaration is put in front.
* **The publication time** is the registry's ``dcterms:modified`` (written with each stamp).
* **Time limits**: :meth:`open_query` streams an answer and gives up after a wall-clock limit
  (the web endpoint's); Virtuoso is also sent its own ``timeout`` parameter (ms) so that it stops
  working too, and a Virtuoso "anytime" answer (partial results, ``X-SQL-State: S1TAT``) is
  taken for the time-out it is, never for the answer. Oxigraph server has no per-request limit:
  start it with ``--timeout-s``.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, Unauthorized

from ecograph.model.namespaces import DCTERMS, VOID
from ecograph.settings import Settings
from ecograph.sparql.values import bound_query
from ecograph.store.embedded import StoreNotBuilt, StoreUnavailable

REGISTRY = "registry"
NOTHING = "none"  # never written: stands for an empty list of graphs
STAGING = "staging"
NT_MEDIA = "application/n-triples"
# N-Triples is a subset of Turtle; servers that do not know the N-Triples media type (older
# Virtuoso) take it as Turtle.
UPLOAD_MEDIA = "text/turtle"
RDF_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
JSON_ACCEPT = "application/sparql-results+json"
RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


class RemoteError(OSError):
    """The server refused a request or answered with an error (``status`` is its HTTP status)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class ServerUnavailable(RemoteError, StoreUnavailable):
    """The server could not be reached at all (refused connection, reset, time-out).

    Also a ``StoreUnavailable``, so the web pages answer it with 503, and saved questions let it
    through instead of reporting it as an error in the question."""


class QueryTimedOut(ServerUnavailable):
    """The server did not answer in time, or said it stopped the query early (Virtuoso's partial answers)."""


#: Virtuoso answers 200 with *partial* results when a query hits its time limit, saying so here.
PARTIAL_HEADER = "x-sql-state"
PARTIAL_STATE = "S1TAT"


# --- query text --------------------------------------------------------------------------------
# The one SPARQL reading of the code base (ecograph.sparql) finds the query form and the groups
# that VALUES blocks go into.


def prepare(sparql: str, *, substitutions: Mapping[str, Any] | None = None, base_iri: str | None = None) -> str:
    """The text sent to the server: base IRI declared, substitutions bound."""
    return prepared(sparql, substitutions=substitutions, base_iri=base_iri)[0]


def prepared(sparql: str, *, substitutions: Mapping[str, Any] | None = None,
             base_iri: str | None = None) -> tuple[str, str]:
    """(:func:`prepare`'s text, the query form), from one parse."""
    text, form = bound_query(sparql, substitutions or {})  # the canonical text, bound
    if base_iri:
        text = f"BASE {ox.NamedNode(base_iri)}\n{text}"
    return text, form


# --- HTTP --------------------------------------------------------------------------------------


class _AnyAuth(httpx.Auth):
    """HTTP Basic or Digest, whichever the server asks for (Virtuoso: Digest; Fuseki: Basic)."""

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self.scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Any:
        if self.scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        if self.scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        self.scheme = "digest" if challenge.startswith("digest") else "basic"
        flow = (self._digest if self.scheme == "digest" else self._basic).auth_flow(request)
        # replay the chosen scheme's flow from its first request
        response = yield next(flow)
        while True:
            try:
                response = yield flow.send(response)
            except StopIteration:
                return


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


# --- the store ---------------------------------------------------------------------------------


class RemoteStore:
    """The published graphs of a SPARQL server, with the interface of ``EmbeddedStore``."""

    def __init__(
        self,
        query_endpoint: str,
        *,
        base: str,
        update_endpoint: str = "",
        graph_store: str = "",
        user: str = "",
        password: str = "",
        timeout: float = 300.0,
        require_published: bool = True,
    ) -> None:
        if not query_endpoint:
            raise ValueError("the remote backend needs ECOGRAPH_SPARQL_QUERY (the server's query endpoint)")
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        self.graph_store = graph_store
        self.base = base.rstrip("/")
        self.user, self.password = user, password
        self.timeout = timeout
        self.path = None  # no folder: the web app must not look for generation files
        self._auth = _AnyAuth(user, password) if user else None
        self._http = httpx.Client(timeout=timeout, auth=self._auth)
        self._query_auth: str | None = None
        self.server_software = ""  # the Server header of its answers (Virtuoso gets a time limit)
        self.published: list[str] = []
        self.stamp = ""
        self.refresh()
        if require_published and not self.published:
            raise StoreNotBuilt(f"no graph published on {query_endpoint}: run `ecograph build` first")

    @classmethod
    def from_settings(
        cls, settings: Settings, *, require_published: bool = True, timeout: float | None = None
    ) -> RemoteStore:
        """The store of ``settings``; ``timeout`` (seconds) bounds every request (default 300)."""
        return cls(
            settings.sparql_query,
            base=settings.base,
            update_endpoint=settings.sparql_update,
            graph_store=settings.sparql_graph_store,
            user=settings.sparql_user,
            password=settings.sparql_password,
            require_published=require_published,
            **({} if timeout is None else {"timeout": timeout}),
        )

    def close(self) -> None:
        self._http.close()

    # --- identity of what is published ---

    @property
    def registry(self) -> str:
        return f"{self.base}/graph/{REGISTRY}"

    def staging(self, name: str) -> str:
        return f"{self.base}/graph/{STAGING}/{name}"

    def read_registry(self) -> tuple[list[str], str]:
        """(published graphs, stamp) as the server has them now."""
        rows = self._select(
            f"SELECT ?g ?stamp WHERE {{ GRAPH <{self.registry}> {{"
            f" {{ <{self.registry}> <{VOID.subset}> ?g }} UNION"
            f" {{ <{self.registry}> <{DCTERMS.identifier}> ?stamp }} }} }}",
            dataset=False,
        )
        graphs = sorted({r["g"].value for r in rows if r["g"] is not None})
        stamps = sorted(r["stamp"].value for r in rows if r["stamp"] is not None)
        return graphs, (stamps[-1] if stamps else "")

    def refresh(self) -> None:
        self.published, self.stamp = self.read_registry()

    @property
    def generation(self) -> str:
        return self.stamp

    def is_stale(self) -> bool:
        """True when a build published something since this store was opened (or refreshed)."""
        return self.read_registry()[1] != self.stamp

    @property
    def oxigraph(self) -> _OxigraphFacade:
        """An object with ``pyoxigraph.Store.query``'s signature, for code written against it."""
        return _OxigraphFacade(self)

    # --- queries ---

    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, Any] | None = None,
        base_iri: str | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        use_union: bool = True,
    ) -> Any:
        """Run a query; the answer has the type pyoxigraph gives for the same query.

        Without ``default_graph``/``named_graphs`` the dataset is the published graphs (default
        graph: their union); with ``use_union=False`` and neither, no dataset is sent (the
        query's own ``FROM``, or the server's default).
        """
        text, form = prepared(sparql, substitutions=substitutions, base_iri=base_iri)
        default_graph, named_graphs = self._dataset(default_graph, named_graphs, use_union)
        body, media = self._send_query(text, form, default_graph, named_graphs)
        if form in ("SELECT", "ASK"):
            if _media(media) not in ("application/sparql-results+json", "application/json"):
                raise RemoteError(f"the server answered a {form} with {media!r}, not SPARQL JSON")
            answer = ox.parse_query_results(_safe_bnodes(body), format=ox.QueryResultsFormat.JSON)
            return ask_answer(answer) if form == "ASK" else answer
        fmt = RDF_FORMATS.get(_media(media))
        if fmt is None:
            raise RemoteError(f"the server answered a {form} with {media!r}")
        # A QueryTriples can only come from a query: load the answer into a scratch store and
        # read it back (graph answers are small; the dump path does not go through here).
        scratch = ox.Store()
        scratch.load(body, format=fmt, to_graph=ox.DefaultGraph())
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def _dataset(
        self, default_graph: list[str] | None, named_graphs: list[str] | None, use_union: bool
    ) -> tuple[list[str] | None, list[str] | None]:
        """The protocol dataset to send (see :meth:`query`)."""
        if default_graph is None and use_union:
            default_graph = self.published
        if named_graphs is None and default_graph is not None:
            named_graphs = self.published  # never the server's own list: it has the staging graphs
        # The protocol cannot say "no graphs" (no parameter means "the server's dataset"), so an
        # empty list is sent as a graph that is never written.
        empty = [f"{self.base}/graph/{NOTHING}"]
        if default_graph is not None and not default_graph:
            default_graph = empty
        if named_graphs is not None and not named_graphs:
            named_graphs = empty
        return default_graph, named_graphs

    @property
    def is_virtuoso(self) -> bool:
        return self.server_software.lower().startswith("virtuoso")

    def open_query(
        self,
        sparql: str,
        *,
        accept: str,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        timeout: float,
    ) -> httpx.Response:
        """Send a query and return the *streaming* response (the caller reads and closes it).

        The dataset is the published graphs unless ``default_graph``/``named_graphs`` narrow it
        (as in :meth:`query`). ``timeout`` bounds the wait for each piece of the answer; the
        caller bounds the whole read. Raises ``SyntaxError`` (HTTP 400), ``QueryTimedOut``,
        ``ServerUnavailable`` or ``RemoteError``.
        """
        default_graph, named_graphs = self._dataset(default_graph, named_graphs, True)
        data: list[tuple[str, str]] = [("query", sparql)]
        data += [("default-graph-uri", g) for g in default_graph or ()]
        data += [("named-graph-uri", g) for g in named_graphs or ()]
        if self.is_virtuoso:
            data.append(("timeout", _milliseconds(timeout)))
        request = self._http.build_request(
            "POST", self.query_endpoint, content=urlencode(data).encode("ascii"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))
        try:
            response = self._http.send(request, stream=True)
        except httpx.TimeoutException:
            raise QueryTimedOut(f"the query timed out after {timeout:g} s on {self.query_endpoint}") from None
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"cannot reach {self.query_endpoint}: {exc}") from None
        if response.status_code == 200 and response.headers.get(PARTIAL_HEADER, "") != PARTIAL_STATE:
            return response
        try:
            if response.status_code == 200:
                raise QueryTimedOut(f"the query timed out on {self.query_endpoint} (the server stopped it)")
            snippet = _snippet(response)
        finally:
            response.close()
        if response.status_code == 400:
            raise SyntaxError(snippet)
        raise RemoteError(f"query failed: HTTP {response.status_code}: {snippet}", response.status_code)

    def published_at(self) -> str:
        """When the registry was last written (ISO 8601), or "" when the build did not record it."""
        rows = self._select(
            f"SELECT ?t WHERE {{ GRAPH <{self.registry}> {{ <{self.registry}> <{DCTERMS.modified}> ?t }} }}",
            dataset=False,
        )
        return max((r["t"].value for r in rows if r["t"] is not None), default="")

    def _wrapper(self, text: str, form: str) -> SPARQLWrapper:
        sw = SPARQLWrapper(self.query_endpoint)
        sw.setMethod(POST)
        sw.setOnlyConneg(True)
        sw.setTimeout(max(1, int(self.timeout)))
        if self.is_virtuoso:  # so that it stops working too
            sw.addParameter("timeout", _milliseconds(self.timeout))
        sw.setQuery(text)
        if form in ("SELECT", "ASK"):
            sw.setReturnFormat(JSON)
            sw.addCustomHttpHeader("Accept", JSON_ACCEPT)
        else:
            sw.setReturnFormat(TURTLE)
            sw.addCustomHttpHeader("Accept", RDF_ACCEPT)
        if self.user and self._query_auth:
            sw.setCredentials(self.user, self.password)
            sw.setHTTPAuth(DIGEST if self._query_auth == "digest" else BASIC)
        return sw

    def _send_query(
        self, text: str, form: str, default_graph: Iterable[str] | None, named_graphs: Iterable[str] | None
    ) -> tuple[bytes, str]:
        for _attempt in range(2):
            sw = self._wrapper(text, form)
            for g in default_graph or ():
                sw.addDefaultGraph(g)
            for g in named_graphs or ():
                sw.addNamedGraph(g)
            try:
                result = sw.query()
                headers = result.response.headers
                self.server_software = headers.get("Server", "") or self.server_software
                if headers.get(PARTIAL_HEADER, "") == PARTIAL_STATE:
                    raise QueryTimedOut(f"the query timed out on {self.query_endpoint} (the server stopped it)")
                return result.response.read(), headers.get("Content-Type", "")
            except QueryBadFormed as exc:
                raise SyntaxError(_message(exc)) from None
            except SPARQLWrapperException as exc:
                if isinstance(exc, Unauthorized) and self.user and self._query_auth is None:
                    self._query_auth = self._probe_auth()
                    continue
                raise RemoteError(f"query failed: {_message(exc)}") from None
            except URLError as exc:
                code = getattr(exc, "code", 0)
                if code:
                    raise RemoteError(f"query failed: HTTP {code}: {_message(exc)}", code) from None
                if isinstance(exc.reason, TimeoutError):
                    raise QueryTimedOut(f"cannot reach {self.query_endpoint}: {exc.reason}") from None
                raise ServerUnavailable(f"cannot reach {self.query_endpoint}: {exc.reason}") from None
            except TimeoutError as exc:
                raise QueryTimedOut(f"cannot reach {self.query_endpoint}: {exc}") from None
            except http.client.HTTPException as exc:  # e.g. the connection closed in the middle of the answer
                raise ServerUnavailable(f"{self.query_endpoint} broke off its answer: {exc!r}") from None
            except ConnectionError as exc:
                raise ServerUnavailable(f"cannot reach {self.query_endpoint}: {exc}") from None
        raise RemoteError(f"the query endpoint {self.query_endpoint} refuses the credentials", 401)

    def _probe_auth(self) -> str:
        """Which scheme the query endpoint challenges with (SPARQLWrapper must be told)."""
        response = self._http.post(self.query_endpoint, data={"query": "ASK {}"}, auth=None)
        challenge = response.headers.get("www-authenticate", "").lower()
        return "digest" if challenge.startswith("digest") else "basic"

    def _select(self, sparql: str, *, dataset: bool = True) -> list[ox.QuerySolution]:
        return list(self.query(sparql, use_union=dataset))

    # --- the EmbeddedStore interface ---

    def graphs(self) -> list[str]:
        return list(self.published)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        for g in [graph] if graph else self.published:
            node = ox.NamedNode(g)
            for t in ox.parse(self.get_graph(g), format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def dump(self, output: Any, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Serialise the published dataset (quad formats) or one graph (triple formats)."""
        if graph is not None:
            ox.serialize((q.triple for q in self.quads(graph)), output, format=fmt)
        else:
            ox.serialize(self.quads(), output, format=fmt)

    def __len__(self) -> int:
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows else 0

    # --- Graph Store Protocol and updates ---

    def _gsp_params(self, graph: str) -> dict[str, str]:
        return {"graph": graph}

    def get_graph(self, graph: str) -> bytes:
        """One graph as N-Triples: Graph Store GET, or a CONSTRUCT without a graph-store endpoint."""
        if self.graph_store:
            response = self._request("GET", self.graph_store, params=self._gsp_params(graph),
                                     headers={"Accept": RDF_ACCEPT}, ok=(200, 404))
            if response.status_code == 404:
                return b""
            fmt = RDF_FORMATS.get(_media(response.headers.get("content-type", "")), ox.RdfFormat.TURTLE)
            if fmt == ox.RdfFormat.N_TRIPLES:
                return response.content
            return ox.serialize(ox.parse(response.content, format=fmt), format=ox.RdfFormat.N_TRIPLES)
        triples = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                             use_union=False)
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)

    def post_ntriples(self, graph: str, data: bytes) -> None:
        """Add N-Triples to a graph: Graph Store POST, or INSERT DATA without a graph-store endpoint."""
        if self.graph_store:
            self._request("POST", self.graph_store, params=self._gsp_params(graph), content=data,
                          headers={"Content-Type": UPLOAD_MEDIA}, ok=(200, 201, 204))
        else:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{data.decode('utf-8')}\n}} }}")

    def update(self, sparql: str) -> None:
        """Run one SPARQL Update request (one request: one transaction on the servers we know)."""
        self._request("POST", self.update_endpoint, data={"update": sparql}, ok=(200, 204))

    def _request(self, method: str, url: str, *, ok: tuple[int, ...], **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"cannot reach {url}: {exc}") from None
        if response.status_code not in ok:
            snippet = _snippet(response)
            raise RemoteError(f"{method} {url} → HTTP {response.status_code}: {snippet}", response.status_code)
        return response

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Wait until the query endpoint answers (used after starting a server)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._http.post(self.query_endpoint, data={"query": "ASK {}"})
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


class _OxigraphFacade:
    """``pyoxigraph.Store.query``'s keyword arguments, translated for a :class:`RemoteStore`.

    ``ecograph.questions.catalogue.run_saved`` and the web workers call ``store.query(...)`` the way
    pyoxigraph defines it; handing them this object lets them run unchanged on a server.
    """

    def __init__(self, remote: RemoteStore) -> None:
        self.remote = remote

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: Any = None,
        named_graphs: Any = None,
        substitutions: Mapping[Any, Any] | None = None,
        **_ignored: Any,
    ) -> Any:
        def names(nodes: Any) -> list[str] | None:
            if nodes is None:
                return None
            if isinstance(nodes, (ox.NamedNode, ox.DefaultGraph)):
                nodes = [nodes]
            return [n.value for n in nodes if isinstance(n, ox.NamedNode)]

        subs = {(k.value if isinstance(k, ox.Variable) else str(k)): v for k, v in (substitutions or {}).items()}
        return self.remote.query(query, substitutions=subs, base_iri=base_iri, default_graph=names(default_graph),
                                 named_graphs=names(named_graphs), use_union=use_default_graph_as_union)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter(ox.NamedNode(g) for g in self.remote.published)

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return graph.value in self.remote.published

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,  # noqa: A002 - pyoxigraph's name
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """The published quads matching a pattern (one SELECT; ``None`` matches anything)."""
        bound = {name: term for name, term in (("s", subject), ("p", predicate), ("o", object), ("g", graph_name))
                 if term is not None}
        if isinstance(bound.get("g"), ox.DefaultGraph):
            return iter(())  # nothing of ours is in the default graph
        rows = self.remote.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", substitutions=bound)
        return iter([ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows])

    def __len__(self) -> int:
        return len(self.remote)


def ask_answer(answer: Any) -> Any:
    """An ASK answer as a boolean, also from a server that answers ASK with rows (Virtuoso 7 does,
    for a POST: a ``__ASK_RETVAL`` column, one row holding 1 when true, no row when false)."""
    if not isinstance(answer, ox.QuerySolutions):
        return answer
    found = any(v is not None and v.value not in ("0", "false") for row in answer for v in row)
    return ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if found else b"false"),
                                  format=ox.QueryResultsFormat.JSON)


def _milliseconds(seconds: float) -> str:
    """Virtuoso's ``timeout`` parameter: whole milliseconds, at least 1 (0 would mean no limit)."""
    return str(max(1, int(seconds * 1000)))


def _safe_bnodes(body: bytes) -> bytes:
    """Blank node labels that pyoxigraph accepts (Virtuoso labels them ``nodeID://b10000``)."""
    if b'"bnode"' not in body:
        return body
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = _BNODE_BAD.sub("_", term["value"])
    return json.dumps(data).encode("utf-8")


_BNODE_BAD = re.compile(r"[^A-Za-z0-9_]")


def _snippet(response: httpx.Response) -> str:
    """The start of an error answer (streamed answers are read only that far)."""
    try:
        body = response.content
    except httpx.ResponseNotRead:
        body = b""
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > 4000:
                break
    detail = body.decode("utf-8", "replace").strip().splitlines()
    return " ".join(detail[:5])[:500]


def _message(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 800 else text[:800] + " …"
