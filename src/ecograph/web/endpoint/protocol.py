"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (query only).

The route reads the protocol request (GET, URL-encoded POST or direct POST), refuses what the
endpoint will not do (:mod:`.guard`), negotiates the result format (:mod:`.formats`), answers
from the result cache when it can, and otherwise hands the query to a killable worker
(:mod:`.workers`), or on the remote backend to the SPARQL server (:mod:`.remote_queries`).
A GET without ``query`` returns the service description.

A protocol dataset (``default-graph-uri`` / ``named-graph-uri``) only ever selects graphs of the
store: a graph the store does not hold is empty, never fetched. ``FROM`` in the query text naming
a graph the store does not hold is refused, since other engines would fetch it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ecograph.settings import Settings
from ecograph.sparql import formats
from ecograph.sparql.guard import Checked, Refused, check_query
from ecograph.store.errors import StoreNotBuilt
from ecograph.web import errors
from ecograph.web.deps import StateDep
from ecograph.web.endpoint.workers import Job, Overloaded, QueryTimeout, WorkerDied
from ecograph.web.errors import not_built_as, retry_later
from ecograph.web.state import WebState

router = APIRouter(tags=["SPARQL"])

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")
FORMAT_DOC = "json, xml, csv, tsv, ttl, nt, rdf, jsonld, trig, nq or a media type; overrides Accept."
VARY = {"Vary": "Accept"}


class ProtocolRequest:
    """The parameters of one protocol request, each parameter with all its values."""

    def __init__(self, params: dict[str, list[str]]) -> None:
        self.params = params

    def one(self, name: str) -> str | None:
        values = self.params.get(name, [])
        if len(values) > 1:
            raise Refused(400, f"The request has {len(values)} '{name}' parameters; send exactly one.")
        return values[0] if values else None

    def many(self, name: str) -> tuple[str, ...] | None:
        values = self.params.get(name)
        return tuple(values) if values else None


def _utf8(body: bytes, charset: str, what: str, subject: str) -> str:
    """A request body as text: only UTF-8 is accepted (415 for another charset, 400 for bad bytes)."""
    if charset not in ("utf-8", "utf8"):
        raise Refused(415, f"charset={charset} is not supported: send {what} as UTF-8.")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, f"{subject} is not valid UTF-8.") from None


def _parse_pairs(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, f"The {where} is not valid UTF-8 after percent-decoding.") from None


def _media_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    main, *rest = header.split(";")
    params = {}
    for piece in rest:
        name, _, value = piece.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), params


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise Refused(413, f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_protocol(request: Request, max_body: int) -> ProtocolRequest:
    """Collect the protocol parameters of a GET or POST; refuse malformed requests."""
    try:
        raw_qs = request.scope.get("query_string", b"").decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "The URL's query string is not valid UTF-8.") from None
    pairs = _parse_pairs(raw_qs, "URL's query string")
    if request.method == "POST":
        media, media_params = _media_type(request.headers.get("content-type"))
        body = await _read_body(request, max_body)
        charset = media_params.get("charset", "utf-8").lower()
        if media == "application/x-www-form-urlencoded":
            pairs += _parse_pairs(_utf8(body, charset, "the form", "The form body"), "form body")
        elif media == "application/sparql-query":
            text = _utf8(body, charset, "the query", "The query")
            if any(name == "query" for name, _ in pairs):
                raise Refused(400, "The request has a query in the body and another in the URL.")
            pairs.append(("query", text))
        elif media == "application/sparql-update":
            raise Refused(403, "This endpoint is read-only: SPARQL Update is not accepted.")
        elif not media:
            raise Refused(
                415,
                "A POST needs a Content-Type: application/x-www-form-urlencoded or "
                "application/sparql-query.",
            )
        else:
            raise Refused(
                415,
                f"Content-Type {media} is not accepted: use application/x-www-form-urlencoded or "
                "application/sparql-query.",
            )
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    if any(name in params for name in UPDATE_PARAMS):
        raise Refused(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    return ProtocolRequest(params)


def choose_media(checked: Checked, fmts: tuple[str, ...] | None, accept: str | None) -> str:
    """The media type to answer with, from ``format`` or else from ``Accept``.

    Some clients send ``format`` more than once (SPARQLWrapper) or ask a CONSTRUCT for SPARQL
    results types (rdflib's SPARQLStore); they get the first usable format, or the default of the
    query form, rather than an error. An ``Accept`` naming nothing the endpoint can write gets 406.
    """
    table: dict[str, object] = formats.RDF if checked.is_graph else formats.RESULTS  # type: ignore[assignment]
    if fmts:
        aliases = formats.GRAPH_FORMAT_ALIASES if checked.is_graph else formats.FORMAT_ALIASES
        for fmt in fmts:
            media = formats.resolve_format(fmt, aliases)
            if media is not None and media in table:
                return media
        names = sorted(k for k, v in aliases.items() if v in table)
        raise Refused(400, f"format={fmts[0]} is not available for {checked.form}; use one of: "
                           f"{', '.join(names)} or a media type.")
    offers, others = ((formats.GRAPH_OFFERS, formats.RESULT_OFFERS) if checked.is_graph
                      else (formats.RESULT_OFFERS, formats.GRAPH_OFFERS))
    media = formats.negotiate(accept, offers)
    if media is None:
        if formats.negotiate(accept, others) is not None:
            return offers[0]
        raise Refused(406, f"None of the accepted media types is available for {checked.form}; "
                           f"available: {', '.join(offers)}.")
    return media


def _client(request: Request) -> str:
    """The limiter's key: the client address, or its /64 for IPv6 (one host's usual allocation)."""
    host = request.client.host if request.client else "unknown"
    if ":" in host:
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_network(f"{host}/64", strict=False))
    return host


def endpoint_url(request: Request) -> str:
    """The endpoint's address as the client called it."""
    return str(request.url.replace(query="", fragment=""))


_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Query results, or the service description when no query is given."},
    400: {"description": "Syntax error, repeated parameter, bad encoding."},
    403: {"description": "Update, SERVICE, LOAD or FROM of a graph the store does not hold."},
    406: {"description": "No acceptable result format."},
    413: {"description": "Request body too large."},
    415: {"description": "Unsupported POST media type."},
    429: {"description": "Too many concurrent queries; see Retry-After."},
    503: {"description": "Query exceeded the time limit, or the store is not built."},
}


_PARAMETERS: list[dict[str, Any]] = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE); without it: the service description."},
    {"name": "default-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "description": "Default graph(s) of the dataset."},
    {"name": "named-graph-uri", "in": "query", "required": False,
     "schema": {"type": "array", "items": {"type": "string"}}, "description": "Named graph(s) of the dataset."},
    {"name": "format", "in": "query", "required": False, "schema": {"type": "string"}, "description": FORMAT_DOC},
]


@not_built_as(retry_later)
async def sparql(request: Request, state: StateDep) -> Response:
    """The protocol handler (parameters are read from the raw request, see ``read_protocol``).

    ``Refused`` and ``StoreNotBuilt`` are answered by :mod:`ecograph.web.errors`."""
    settings = state.settings
    fast_key: tuple[Any, ...] | None = None
    if request.method == "GET":
        # Cache hits skip all parsing: keyed on the raw query string and Accept header.
        fast_key = ("GET", state.store.generation(), request.scope.get("query_string", b""),
                    request.headers.get("accept", ""))
        cached = state.results.get(fast_key)
        if cached is not None:
            return cached()  # type: ignore[no-any-return]
    proto = await read_protocol(request, settings.max_body)
    query = proto.one("query")
    fmt = proto.many("format")
    if query is None:
        return service_description(request, state, fmt[0] if fmt else None)
    response = await _answer(request, state, settings, proto, query, fmt)
    factory = getattr(request.state, "cache_factory", None)
    if fast_key is not None and fast_key[1] is not None and factory is not None:
        state.results.put(fast_key, factory, len(response.body))
    return response


router.add_api_route("/sparql", sparql, methods=["GET"], response_class=Response, responses=_RESPONSES,
                     summary="SPARQL query by GET; without a query: the service description",
                     operation_id="sparql_get", openapi_extra={"parameters": _PARAMETERS})
router.add_api_route("/sparql", sparql, methods=["POST"], response_class=Response, responses=_RESPONSES,
                     summary="SPARQL query by POST (URL-encoded form or application/sparql-query)",
                     operation_id="sparql_post", openapi_extra={"parameters": _PARAMETERS[1:]})
router.add_api_route("/sparql/", sparql, methods=["GET", "POST"], include_in_schema=False)


async def _answer(
    request: Request, state: WebState, settings: Settings, proto: ProtocolRequest, text: str,
    fmt: str | None,
) -> Response:
    default_graphs = proto.many("default-graph-uri")
    named_graphs = proto.many("named-graph-uri")
    accept = request.headers.get("accept", "")
    generation = state.store.current()
    key = (generation, text, default_graphs, named_graphs, fmt, accept)
    cached = state.results.get(key)
    if cached is not None:
        request.state.cache_factory = cached
        return cached()  # type: ignore[no-any-return]
    held = state.memoised("graphs", lambda store: frozenset(store.graphs()))
    base_iri = settings.base + "/sparql"
    # off the event loop: the parse is linear, but a body of a megabyte still takes a while
    checked = check_query(text, held, base_iri=base_iri) if len(text) < 4096 else \
        await asyncio.to_thread(check_query, text, held, base_iri=base_iri)
    media = choose_media(checked, fmt, accept)
    if state.pool is None:
        raise StoreNotBuilt("query workers are not running")
    client = _client(request)
    if not state.limiter.acquire(client):
        return errors.text(f"At most {state.limiter.limit} concurrent queries per client; retry later.", 429,
                           {"Retry-After": "2"})
    try:
        job = Job(
            query=checked.text, form=checked.form, media_type=media, max_rows=settings.max_rows,
            max_bytes=settings.max_result_bytes,
            base_iri=base_iri, default_graphs=default_graphs, named_graphs=named_graphs,
            from_graphs=tuple(checked.from_graphs),
            from_named=tuple(checked.from_named),
        )
        reply = await state.pool.run(job, settings.query_timeout)
    except QueryTimeout:
        return errors.text(f"The query was stopped after the time limit of {settings.query_timeout:g} s. "
                           "Narrow it down (LIMIT, more specific patterns) and try again.", 503)
    except WorkerDied:
        return errors.text("The query stopped its worker, most likely by needing more memory than a query may "
                           "use. Narrow it down and try again.", 503)
    except Overloaded as exc:
        return errors.text(f"The endpoint is busy ({exc}); retry later.", 429,
                           {"Retry-After": str(max(1, int(settings.query_timeout // 4)))})
    finally:
        state.limiter.release(client)
    headers = {**VARY, **reply.headers}
    if reply.status != 200:
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)
    body, media_type = reply.body, reply.media_type

    def make() -> Response:
        return Response(body, media_type=media_type, headers=headers)

    state.results.put((reply.generation or generation, *key[1:]), make, len(body))
    request.state.cache_factory = make
    return make()


# --- service description ---------------------------------------------------------------------------

RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "TriG", "N-Quads",
)


def description_quads(endpoint: str, settings: Settings, triples: dict[str, int]) -> list[ox.Triple]:
    """The service description: only what holds for this endpoint."""
    n = ox.NamedNode
    svc = n(endpoint)
    sd = lambda local: n(SD + local)  # noqa: E731
    out = [
        ox.Triple(svc, n(RDF_TYPE), sd("Service")),
        ox.Triple(svc, sd("endpoint"), svc),
        ox.Triple(svc, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(svc, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(svc, sd("defaultEntailmentRegime"), n("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(svc, n("http://purl.org/dc/terms/title"), ox.Literal("ecograph SPARQL endpoint")),
        ox.Triple(svc, n("http://www.w3.org/2000/01/rdf-schema#comment"), ox.Literal(
            "Read-only SPARQL 1.1 query service. The default graph is the union of the named graphs. "
            "SPARQL Update, SERVICE and FROM of graphs not listed here are refused. Each query runs "
            f"for at most {settings.query_timeout:g} s and returns at most {settings.max_rows} rows.",
            language="en")),
    ]
    out += [ox.Triple(svc, sd("resultFormat"), n(FORMATS_NS + name)) for name in RESULT_FORMAT_IRIS]
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    out += [
        ox.Triple(svc, sd("defaultDataset"), dataset),
        ox.Triple(dataset, n(RDF_TYPE), sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, n(RDF_TYPE), sd("Graph")),
    ]
    for index, (graph, count) in enumerate(triples.items()):
        named = ox.BlankNode(f"named{index}")
        desc = ox.BlankNode(f"graph{index}")
        out += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, n(RDF_TYPE), sd("NamedGraph")),
            ox.Triple(named, sd("name"), n(graph)),
            ox.Triple(named, sd("graph"), desc),
            ox.Triple(desc, n(RDF_TYPE), sd("Graph")),
            ox.Triple(desc, n("http://rdfs.org/ns/void#triples"), ox.Literal(str(count), datatype=n(
                "http://www.w3.org/2001/XMLSchema#integer"))),
        ]
    return out


def service_description(request: Request, state: WebState, fmt: str | None) -> Response:
    accept = request.headers.get("accept")
    offers = (formats.TURTLE, formats.RDFXML, formats.JSONLD, formats.NTRIPLES, formats.TRIG,
              formats.NQUADS, formats.HTML, "application/x-turtle", "text/plain", "application/json")
    if fmt:
        media = formats.resolve_format(fmt, formats.GRAPH_FORMAT_ALIASES)
        if media not in formats.RDF and media != formats.HTML:
            raise Refused(400, f"format={fmt} is not available for the service description.")
    else:
        # A browser asks for HTML first; it gets a query form that links to the RDF.
        media = formats.negotiate(accept, offers)
        if media is None:
            raise Refused(406, f"The service description is available as: {', '.join(offers)}.")
    endpoint = endpoint_url(request)
    try:
        stats = state.stats().triples
    except StoreNotBuilt:
        stats = {}
    if media == formats.HTML:
        return state.templates.TemplateResponse(
            request, "sparql.html",
            {"endpoint": endpoint, "graphs": stats, "settings": state.settings},
            headers=VARY,
        )
    assert media is not None
    rdf = formats.RDF[media]
    body = _serialize(description_quads(endpoint, state.settings, stats), rdf)
    return Response(body, media_type=formats.RDF_MEDIA[rdf], headers=VARY)


def _serialize(triples: list[ox.Triple], rdf: ox.RdfFormat) -> bytes:
    from ecograph.sparql.writers import write_triples

    return write_triples(triples, rdf)
