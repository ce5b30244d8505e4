"""Linked Open Data: ``/id/…`` → 303 → ``/doc/…`` with content negotiation, and ``/ontology``.

An entity's document is every triple with the entity as subject, from every graph, so each fact
can be shown with the source graph it came from (and that source's licence). Lookups go straight
to the store's indexes (no SPARQL; on the remote backend one SELECT per pattern), run in a
thread, and are cached per generation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from ecograph.model.namespaces import ONTOLOGY_IRI
from ecograph.model.sources import SOURCES
from ecograph.sparql import formats
from ecograph.sparql.writers import PREFIXES, write_quads
from ecograph.store.graphstore import GraphStore
from ecograph.web.deps import StateDep, StoreDep
from ecograph.web.errors import text
from ecograph.web.state import WebState

router = APIRouter(tags=["Linked Data"])

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT_SOURCE = "http://purl.org/dc/terms/source"
LABELS = (RDFS + "label", SKOS + "prefLabel", "https://schema.org/name")
COMMENTS = (RDFS + "comment", SKOS + "definition", "http://purl.org/dc/terms/description")
ECO_NS = ONTOLOGY_IRI + "#"
EXTENSIONS = {"ttl": formats.TURTLE, "nt": formats.NTRIPLES, "jsonld": formats.JSONLD,
              "rdf": formats.RDFXML, "trig": formats.TRIG, "nq": formats.NQUADS, "html": formats.HTML}
MAX_INCOMING = 200
VARY = {"Vary": "Accept"}

#: Richer HTML pages for some kinds of entity (the viewer registers e.g. ``org``): an async
#: function of (request, kind, key, iri) returning a response, or None to use the plain page.
HtmlPage = Callable[[Request, str, str, str], Awaitable[Response | None]]
HTML_PAGES: dict[str, HtmlPage] = {}


def _pick_label(literals: Iterable[Any]) -> str | None:
    best: tuple[int, str] | None = None
    for lit in literals:
        if not isinstance(lit, ox.Literal):
            continue
        rank = {None: 0, "en": 1, "nl": 2}.get(lit.language, 3)
        if best is None or rank < best[0]:
            best = (rank, lit.value)
    return best[1] if best else None


def label_of(store: GraphStore, iri: str) -> str | None:
    node = ox.NamedNode(iri)
    for prop in LABELS:
        found = _pick_label(q.object for q in store.quads_for_pattern(node, ox.NamedNode(prop), None))
        if found:
            return found
    return None


def curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


@dataclass
class Link:
    iri: str
    href: str
    label: str


@dataclass
class Fact:
    predicate: Link
    values: list[Link | str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def href_for(iri: str, base: str) -> str:
    """Where a page links an IRI: our entities to their document, ontology terms to the docs."""
    if iri.startswith(base + "/id/"):
        return "/doc/" + iri[len(base) + 4:]
    if iri.startswith(ECO_NS):
        return "/ontology#" + iri[len(ECO_NS):]
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    return iri


def source_of_graph(graph: str, base: str) -> dict[str, str]:
    name = graph[len(base) + 7:] if graph.startswith(base + "/graph/") else graph
    for source in SOURCES:
        if source.name == name:
            return {"name": name, "title": source.title, "licence": source.licence,
                    "licence_label": source.licence_label, "page": source.page}
    titles = {"inferred": "inferred by reasoning over the other graphs",
              "cube": "coverage counts per sector or megatrend, stage and municipality (RDF Data Cube)",
              "ontology": "the ecograph ontology and concept schemes",
              "meta": "provenance records"}
    return {"name": name, "title": titles.get(name, name), "licence": "", "licence_label": "",
            "page": ""}


def entity_document(store: GraphStore, iri: str, base: str) -> dict[str, Any] | None:
    """Everything the HTML page of an entity shows; None when the store does not describe it."""
    node = ox.NamedNode(iri)
    quads = list(store.quads_for_pattern(node, None, None, None))
    if not quads:
        return None
    labels: dict[str, str] = {}

    def link(term: ox.NamedNode) -> Link:
        if term.value not in labels:
            labels[term.value] = label_of(store, term.value) or curie(term.value)
        return Link(term.value, href_for(term.value, base), labels[term.value])

    facts: dict[tuple[str, str], Fact] = {}
    graphs_seen: dict[str, dict[str, str]] = {}
    for q in sorted(quads, key=lambda q: (q.predicate.value, str(q.object))):
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        src = graphs_seen.setdefault(graph, source_of_graph(graph, base))
        key = (q.predicate.value, str(q.object))
        fact = facts.get(key)
        if fact is None:
            value: Link | str = link(q.object) if isinstance(q.object, ox.NamedNode) else (
                q.object.value if isinstance(q.object, ox.Literal) else str(q.object))
            fact = facts[key] = Fact(link(q.predicate), [value])
        if src["name"] not in fact.sources:
            fact.sources.append(src["name"])
    incoming: list[tuple[Link, Link]] = []
    seen_in: set[tuple[str, str]] = set()
    for q in store.quads_for_pattern(None, None, node, None):
        if not isinstance(q.subject, ox.NamedNode):
            continue
        pair = (q.subject.value, q.predicate.value)
        if pair in seen_in:
            continue
        seen_in.add(pair)
        incoming.append((link(q.subject), link(q.predicate)))
        if len(incoming) >= MAX_INCOMING:
            break
    title = label_of(store, iri) or iri.rsplit("/", 1)[-1]
    types = [link(q.object) for q in quads
             if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode)]
    unique_types = list({t.iri: t for t in types}.values())
    pages = sorted({q.object.value for q in quads
                    if q.predicate.value == DCT_SOURCE and isinstance(q.object, ox.NamedNode)})
    return {"iri": iri, "title": title, "types": unique_types, "facts": list(facts.values()),
            "incoming": incoming, "sources": graphs_seen, "pages": pages}


def _doc_path(kind: str, key: str) -> str:
    return f"/doc/{kind}/{key}"


@router.get("/id/{kind}/{key:path}", summary="Entity IRI: 303 See Other to its document",
            status_code=303, response_class=Response)
async def entity_iri(kind: str, key: str, state: StateDep) -> Response:
    iri = state.settings.id(kind, key)
    if not await _exists(state, iri):
        return text(f"Not found: {iri} is not described in this graph.", 404)
    return RedirectResponse(_doc_path(kind, key), status_code=303, headers=VARY)


async def _exists(state: WebState, iri: str) -> bool:
    key = (state.store.generation(), "exists", iri)
    cached = state.docs.get(key)
    if cached is not None:
        return bool(cached)
    store = state.store.get()
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # a key with spaces, NUL, "<"…: no IRI of ours, so nothing is described there
        return False
    found = next(iter(store.quads_for_pattern(node, None, None, None)), None) is not None
    state.docs.put(key, found, 1)
    return found


@router.get("/doc/{kind}/{key:path}", summary="Entity document: HTML, Turtle, JSON-LD, N-Triples, RDF/XML",
            response_class=Response)
async def entity_doc(kind: str, key: str, request: Request, state: StateDep) -> Response:
    base = state.settings.base
    media: str | None = None
    iri = state.settings.id(kind, key)
    stem, dot, ext = key.rpartition(".")
    if dot and ext in EXTENSIONS and not await _exists(state, iri):
        key, media = stem, EXTENSIONS[ext]
        iri = state.settings.id(kind, key)
    if media is None:
        media = formats.negotiate(request.headers.get("accept"), formats.DOC_OFFERS)
        if media is None:
            return text("Available as: " + ", ".join(formats.DOC_OFFERS), 406, VARY)
        if media in ("application/xhtml+xml",):
            media = formats.HTML
    generation = state.store.generation()
    cache_key = (generation, "doc", iri, media)
    cached = state.docs.get(cache_key)
    if cached is not None:
        return cached()  # type: ignore[no-any-return]
    if not await _exists(state, iri):
        return text(f"Not found: {iri} is not described in this graph.", 404, VARY)
    store = state.store.get()
    alternates = ", ".join(
        f'<{_doc_path(kind, key)}.{ext}>; rel="alternate"; type="{mt}"'
        for ext, mt in EXTENSIONS.items() if ext not in ("trig", "nq")
    )
    headers = {**VARY, "Link": alternates}
    if media == formats.HTML and kind in HTML_PAGES:
        page = await HTML_PAGES[kind](request, kind, key, iri)
        if page is not None:
            return page
    if media == formats.HTML:
        doc = await run_in_threadpool(entity_document, store, iri, base)
        if doc is None:
            return text(f"Not found: {iri}", 404, VARY)
        html = state.templates.get_template("doc.html").render(
            doc=doc, kind=kind, key=key, doc_path=_doc_path(kind, key), settings=state.settings,
            formats=[e for e in EXTENSIONS if e != "html"],
        ).encode()
        body, media_type = html, "text/html; charset=utf-8"
    else:
        rdf = formats.RDF[media]
        node = ox.NamedNode(iri)
        body = await run_in_threadpool(
            lambda: write_quads(store.quads_for_pattern(node, None, None, None), rdf))
        media_type = formats.RDF_MEDIA[rdf]

    def make() -> Response:
        return Response(body, media_type=media_type, headers=headers)

    state.docs.put(cache_key, make, len(body))
    return make()


# --- the ontology -----------------------------------------------------------------------------------


def ontology_quads(store: GraphStore, base: str) -> list[ox.Quad]:
    """The ontology's own triples (its IRI, its terms and their blank nodes), not the schemes."""
    graph = ox.NamedNode(base + "/graph/ontology")
    all_quads = list(store.quads_for_pattern(None, None, None, graph))
    by_subject: dict[Any, list[ox.Quad]] = {}
    for q in all_quads:
        by_subject.setdefault(q.subject, []).append(q)
    chosen: list[ox.Quad] = []
    todo = [s for s in by_subject if isinstance(s, ox.NamedNode)
            and (s.value == ONTOLOGY_IRI or s.value.startswith(ECO_NS))]
    seen: set[Any] = set()
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for q in by_subject.get(subject, []):
            chosen.append(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()))
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
    return chosen


@dataclass
class Term:
    local: str
    iri: str
    label: str
    comment: str
    kind: str
    facts: list[tuple[str, list[Link]]]


TERM_KINDS = {OWL + "Class": "Classes", RDFS + "Class": "Classes",
              OWL + "ObjectProperty": "Object properties",
              OWL + "DatatypeProperty": "Datatype properties",
              OWL + "AnnotationProperty": "Annotation properties",
              "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property": "Properties"}
TERM_LINKS = {RDFS + "subClassOf": "subclass of", RDFS + "subPropertyOf": "subproperty of",
              RDFS + "domain": "domain", RDFS + "range": "range", OWL + "inverseOf": "inverse of",
              OWL + "equivalentClass": "equivalent to", OWL + "equivalentProperty": "equivalent to"}


def ontology_document(store: GraphStore, base: str) -> dict[str, Any]:
    quads = ontology_quads(store, base)
    by_subject: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if isinstance(q.subject, ox.NamedNode):
            by_subject.setdefault(q.subject.value, []).append(q)
    def link(iri: str) -> Link:
        return Link(iri, href_for(iri, base), label_of(store, iri) or curie(iri))

    meta = by_subject.get(ONTOLOGY_IRI, [])
    terms: dict[str, list[Term]] = {}
    for iri, qs in sorted(by_subject.items()):
        if not iri.startswith(ECO_NS):
            continue
        kinds = [TERM_KINDS[q.object.value] for q in qs
                 if q.predicate.value == RDF_TYPE and q.object.value in TERM_KINDS]
        kind = kinds[0] if kinds else "Other terms"
        label = _pick_label(q.object for q in qs if q.predicate.value in LABELS) or iri[len(ECO_NS):]
        comment = _pick_label(q.object for q in qs if q.predicate.value in COMMENTS) or ""
        facts = []
        for prop, name in TERM_LINKS.items():
            targets = [link(q.object.value) for q in qs
                       if q.predicate.value == prop and isinstance(q.object, ox.NamedNode)]
            if targets:
                facts.append((name, targets))
        terms.setdefault(kind, []).append(Term(iri[len(ECO_NS):], iri, label, comment, kind, facts))
    title = _pick_label(q.object for q in meta if q.predicate.value in
                        ("http://purl.org/dc/terms/title", RDFS + "label")) or "ecograph ontology"
    description = _pick_label(q.object for q in meta if q.predicate.value in COMMENTS) or ""
    version = _pick_label(q.object for q in meta if q.predicate.value == OWL + "versionInfo") or ""
    order = ["Classes", "Object properties", "Datatype properties", "Annotation properties",
             "Properties", "Other terms"]
    return {"iri": ONTOLOGY_IRI, "title": title, "description": description, "version": version,
            "sections": [(k, terms[k]) for k in order if k in terms]}


@router.get("/ontology", summary="The ontology: HTML documentation or RDF by Accept",
            response_class=Response)
async def ontology(request: Request, state: StateDep) -> Response:
    media = formats.negotiate(request.headers.get("accept"), formats.DOC_OFFERS)
    return await _ontology(request, state, media)


@router.get("/ontology.{ext}", summary="The ontology in one format (ttl, nt, jsonld, rdf, html)",
            response_class=Response)
async def ontology_ext(ext: str, request: Request, state: StateDep) -> Response:
    if ext not in EXTENSIONS:
        return text(f"Unknown extension .{ext}; use one of: {', '.join(EXTENSIONS)}", 404)
    return await _ontology(request, state, EXTENSIONS[ext])


@router.get("/ontology/{term}", summary="An ontology term: 303 to its documentation or to the Turtle",
            status_code=303, response_class=Response)
async def ontology_term(term: str, request: Request, store: StoreDep) -> Response:
    try:
        node = ox.NamedNode(ECO_NS + term)
    except ValueError:
        node = None
    if node is None or next(iter(store.quads_for_pattern(node, None, None, None)), None) is None:
        return text(f"Not found: {ECO_NS + term} is not a term of the ontology.", 404)
    media = formats.negotiate(request.headers.get("accept"), formats.DOC_OFFERS)
    target = f"/ontology#{term}" if media in (formats.HTML, "application/xhtml+xml", None) else "/ontology.ttl"
    return RedirectResponse(target, status_code=303, headers=VARY)


async def _ontology(request: Request, state: WebState, media: str | None) -> Response:
    if media is None:
        return text("Available as: " + ", ".join(formats.DOC_OFFERS), 406, VARY)
    if media == "application/xhtml+xml":
        media = formats.HTML
    base = state.settings.base
    if media == formats.HTML:
        doc = state.memoised("ontology-doc", lambda store: ontology_document(store, base))
        return state.templates.TemplateResponse(request, "ontology.html", {"doc": doc}, headers=VARY)
    rdf = formats.RDF[media]
    quads = state.memoised("ontology-quads", lambda store: ontology_quads(store, base))
    body = write_quads(quads, rdf)
    if not body.strip():
        return text("The ontology graph is empty in this build.", 404)
    return Response(body, media_type=formats.RDF_MEDIA[rdf], headers=VARY)
