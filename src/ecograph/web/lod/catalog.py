"""VoID and DCAT-AP 3 descriptions of the dataset, built from the meta graph and ``sources.py``.

* ``/.well-known/void``: a VoID description; one ``void:subset`` per named graph (the sources', the
  ontology, inferred, cube, meta and changes graphs) carrying the provenance the build recorded
  (publisher, licence, origin, retrieval time, triples) and what it holds (``build.dumps.OWN_GRAPHS``).
* ``/catalog``: a DCAT-AP 3 catalogue: the dataset, one distribution per dump (licence, size,
  checksum, media type), a distribution and data service for ``/sparql``, the publisher, spatial
  coverage (the region), temporal coverage (earliest dated fact → build date), issued and
  modified dates, ``conformsTo`` the ontology.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import Response
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ecograph.build.dumps import CC_BY, DumpInfo, graph_description, issued_date, read_dumps
from ecograph.model.namespaces import ONTOLOGY_IRI
from ecograph.model.sources import SOURCES
from ecograph.sparql import formats
from ecograph.store.errors import StoreNotBuilt
from ecograph.store.graphstore import GraphStore
from ecograph.web.deps import StateDep
from ecograph.web.state import WebState

router = APIRouter(tags=["Catalogue"])

VOID = Namespace("http://rdfs.org/ns/void#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
IANA = "http://www.iana.org/assignments/media-types/"
THEME = URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON")
NUTS_LEUVEN = URIRef("http://data.europa.eu/nuts/code/BE242")

FILE_TYPES = {"Turtle": "RDF_TURTLE", "N-Triples": "RDF_N_TRIPLES", "N-Quads": "RDF_N_QUADS",
              "TriG": "RDF_TRIG", "JSON-LD": "JSON_LD"}
RDFLIB_FORMATS = {ox.RdfFormat.TURTLE: "turtle", ox.RdfFormat.N_TRIPLES: "nt", ox.RdfFormat.RDF_XML: "xml",
                  ox.RdfFormat.JSON_LD: "json-ld"}
OFFERS = (formats.TURTLE, formats.HTML, formats.JSONLD, formats.NTRIPLES, formats.RDFXML,
          "application/x-turtle", "application/json", "text/plain")
VOCABULARIES = (ONTOLOGY_IRI + "#", "http://www.w3.org/ns/org#", "http://www.w3.org/2004/02/skos/core#",
                "http://www.w3.org/ns/prov#", "https://schema.org/",
                "http://www.w3.org/2003/01/geo/wgs84_pos#", "http://purl.org/dc/terms/")
TITLE = "ecograph: knowledge graph of the Leuven innovation region"
DESCRIPTION = (
    "Organisations of the Leuven innovation region (Belgium), their capabilities per sector and "
    "value-chain stage, their relations, and the places, sectors, megatrends and stages they are "
    "classified by; combined from official open data and curated facts, each with its source; "
    "with a record of what changed at each build (graph /graph/changes)."
)


def _bind(g: Graph) -> Graph:
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("void", VOID),
                       ("prov", PROV), ("spdx", SPDX), ("xsd", XSD), ("sd", SD), ("skos", SKOS)):
        g.bind(prefix, ns)
    return g


def _build_time(store: GraphStore) -> datetime:
    return store.built_at().replace(microsecond=0)


def _earliest_year(store: GraphStore) -> int | None:
    query = """
        SELECT (MIN(?y) AS ?min) WHERE {
          { ?s <https://schema.org/foundingDate> ?d } UNION
          { ?s <https://w3id.org/ecograph/ontology#year> ?d }
          BIND(xsd:integer(SUBSTR(STR(?d), 1, 4)) AS ?y)
        }"""
    rows = list(store.query("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>" + query))
    value = rows[0]["min"] if rows else None
    return int(value.value) if value is not None else None


def _meta(store: GraphStore, base: str) -> Graph:
    """The meta graph (provenance per source graph) as an rdflib graph."""
    g = Graph()
    data = ox.serialize(
        [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(base + "/graph/meta")],
        format=ox.RdfFormat.N_TRIPLES)
    if data:
        g.parse(data=data.decode(), format="nt")
    return g


def _typed(g: Graph, iri: str, cls: URIRef) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, cls))
    return node


def _licence(g: Graph, iri: str) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, DCTERMS.LicenseDocument))
    return node


def _publisher(g: Graph, base: str) -> URIRef:
    node = URIRef("https://w3id.org/ecograph")
    g.add((node, RDF.type, FOAF.Agent))
    g.add((node, FOAF.name, Literal("ecograph project")))
    g.add((node, FOAF.homepage, URIRef(base + "/")))
    return node


def build_catalog(store: GraphStore, settings: Any, dumps: list[DumpInfo] | None) -> Graph:
    """The DCAT-AP 3 catalogue."""
    base = settings.base
    g = _bind(Graph())
    built = _build_time(store)
    issued = issued_date(Path(settings.store), built)
    catalog = URIRef(base + "/catalog")
    dataset = URIRef(base + "/catalog#ecograph")
    service = URIRef(base + "/catalog#sparql")
    publisher = _publisher(g, base)
    cc_by = _licence(g, CC_BY)
    rights = URIRef(base + "/catalog#rights")
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    g.add((rights, RDFS.label, Literal(
        "Combines the source graphs, each under its own licence (see the per-graph distributions); "
        "the combination is published under CC BY 4.0.", lang="en")))

    g.add((catalog, RDF.type, DCAT.Catalog))
    g.add((catalog, DCTERMS.title, Literal("ecograph open data catalogue", lang="en")))
    g.add((catalog, DCTERMS.description, Literal(
        "The datasets and data services of ecograph, the knowledge graph of the Leuven innovation "
        "region.", lang="en")))
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, FOAF.homepage, _typed(g, base + "/", FOAF.Document)))
    g.add((catalog, DCTERMS.license, cc_by))
    g.add((catalog, DCTERMS.modified, Literal(built.isoformat(), datatype=XSD.dateTime)))
    g.add((catalog, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))

    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCTERMS.issued, Literal(issued.isoformat(), datatype=XSD.date)))
    g.add((dataset, DCTERMS.modified, Literal(built.isoformat(), datatype=XSD.dateTime)))
    g.add((dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    g.add((URIRef(ONTOLOGY_IRI), RDF.type, DCTERMS.Standard))
    g.add((dataset, DCAT.landingPage, _typed(g, base + "/", FOAF.Document)))
    g.add((dataset, DCAT.theme, _typed(g, str(THEME), SKOS.Concept)))
    g.add((THEME, SKOS.prefLabel, Literal("Economy and finance", lang="en")))
    for word in ("innovation", "Leuven", "organisations", "value chain", "linked data"):
        g.add((dataset, DCAT.keyword, Literal(word, lang="en")))
    for place, label in ((NUTS_LEUVEN, "Arrondissement Leuven (NUTS 3 BE242)"),
                         (URIRef(f"{base}/id/region/arrondissement-leuven"),
                          "Arrondissement Leuven, the default region of ecograph")):
        g.add((dataset, DCTERMS.spatial, place))
        g.add((place, RDF.type, DCTERMS.Location))
        g.add((place, RDFS.label, Literal(label, lang="en")))
    period = BNode("temporal")
    g.add((dataset, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    start = _earliest_year(store)
    if start is not None:
        g.add((period, DCAT.startDate, Literal(f"{start:04d}-01-01", datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal(built.date().isoformat(), datatype=XSD.date)))
    for source in SOURCES:  # the datasets this one is derived from
        page = _typed(g, source.page, DCAT.Dataset)
        g.add((dataset, DCTERMS.source, page))
        g.add((page, DCTERMS.title, Literal(source.title, lang="en")))
        g.add((page, DCTERMS.description, Literal(
            f"Published by {source.publisher} under {source.licence_label}.", lang="en")))

    for info in dumps or []:
        dist = URIRef(f"{base}/catalog#dump-{info.name}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        what = f"graph <{info.graph}>" if info.graph else "the whole graph"
        g.add((dist, DCTERMS.title, Literal(f"{info.format} dump of {what} (gzip)", lang="en")))
        if graph_description(info.graph, base):
            g.add((dist, DCTERMS.description, Literal(graph_description(info.graph, base), lang="en")))
        g.add((dist, DCAT.accessURL, URIRef(base + "/dumps/")))
        g.add((dist, DCAT.downloadURL, URIRef(f"{base}/dumps/{info.name}")))
        g.add((dist, DCAT.mediaType, _typed(g, IANA + info.media_type.split(";")[0], DCTERMS.MediaType)))
        g.add((dist, DCAT.compressFormat, _typed(g, IANA + "application/gzip", DCTERMS.MediaType)))
        g.add((dist, DCTERMS.format, _typed(g, str(FILE_TYPE[FILE_TYPES[info.format]]),
                                            DCTERMS.MediaTypeOrExtent)))
        g.add((dist, DCAT.byteSize, Literal(info.size, datatype=XSD.decimal)))
        g.add((dist, DCTERMS.license, _licence(g, info.licence or CC_BY)))
        g.add((dist, DCTERMS.modified, Literal(built.isoformat(), datatype=XSD.dateTime)))
        g.add((dist, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
        checksum = BNode(f"checksum-{info.name}")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(info.sha256, datatype=XSD.hexBinary)))
        if not info.graph:
            g.add((dist, DCTERMS.rights, rights))

    endpoint = URIRef(base + "/sparql")
    sparql_dist = URIRef(base + "/catalog#sparql-distribution")
    g.add((dataset, DCAT.distribution, sparql_dist))
    g.add((sparql_dist, RDF.type, DCAT.Distribution))
    g.add((sparql_dist, DCTERMS.title, Literal("SPARQL 1.1 endpoint (read-only)", lang="en")))
    g.add((sparql_dist, DCAT.accessURL, endpoint))
    g.add((sparql_dist, DCAT.accessService, service))
    g.add((sparql_dist, DCTERMS.license, cc_by))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("ecograph SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, _typed(g, "https://www.w3.org/TR/sparql11-protocol/",
                                               DCTERMS.Standard)))
    g.add((service, DCTERMS.license, cc_by))
    g.add((service, DCTERMS.publisher, publisher))
    return g


def build_void(store: GraphStore, settings: Any, dumps: list[DumpInfo] | None,
               triples: dict[str, int]) -> Graph:
    """The VoID description."""
    base = settings.base
    g = _bind(Graph())
    doc = URIRef(base + "/.well-known/void")
    dataset = URIRef(base + "/catalog#ecograph")
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, DCTERMS.title, Literal("VoID description of ecograph", lang="en")))
    g.add((doc, FOAF.primaryTopic, dataset))
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal(TITLE, lang="en")))
    g.add((dataset, DCTERMS.description, Literal(DESCRIPTION, lang="en")))
    g.add((dataset, DCTERMS.publisher, _publisher(g, base)))
    g.add((dataset, DCTERMS.license, URIRef(CC_BY)))
    g.add((dataset, DCTERMS.modified, Literal(_build_time(store).isoformat(), datatype=XSD.dateTime)))
    g.add((dataset, FOAF.homepage, URIRef(base + "/")))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(base + "/sparql")))
    g.add((dataset, VOID.uriSpace, Literal(base + "/id/")))
    g.add((dataset, VOID.rootResource, URIRef(f"{base}/id/region/arrondissement-leuven")))
    g.add((dataset, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    for vocabulary in VOCABULARIES:
        g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    by_graph: dict[str, DumpInfo] = {}
    for info in dumps or []:
        if info.graph:
            by_graph[info.graph] = info
        else:
            g.add((dataset, VOID.dataDump, URIRef(f"{base}/dumps/{info.name}")))
            if info.format == "N-Triples":
                g.add((dataset, VOID.triples, Literal(info.statements, datatype=XSD.integer)))
    meta = _meta(store, base)
    for graph, count in triples.items():
        node = URIRef(graph)
        g.add((dataset, VOID.subset, node))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, VOID.triples, Literal(count, datatype=XSD.integer)))
        if graph_description(graph, base):
            g.add((node, DCTERMS.description, Literal(graph_description(graph, base), lang="en")))
        if graph in by_graph:
            g.add((node, VOID.dataDump, URIRef(f"{base}/dumps/{by_graph[graph].name}")))
        for p, o in meta.predicate_objects(node):
            if p != VOID.triples:
                g.add((node, p, o))
    return g


def _respond(request: Request, state: WebState, name: str, build: Any, title: str) -> Response:
    accept = request.headers.get("accept")
    fmt = request.query_params.get("format")
    media = formats.resolve_format(fmt, formats.GRAPH_FORMAT_ALIASES) if fmt else formats.negotiate(accept, OFFERS)
    headers = {"Vary": "Accept"}
    if media is None or (media not in formats.RDF and media != formats.HTML):
        return Response("Available as: " + ", ".join(OFFERS) + "\n", status_code=406,
                        media_type="text/plain; charset=utf-8", headers=headers)
    graph: Graph = state.memoised(name, build)
    if media == formats.HTML:
        return state.templates.TemplateResponse(
            request, "rdf.html",
            {"title": title, "path": request.url.path, "turtle": graph.serialize(format="turtle")},
            headers=headers)
    rdf = formats.RDF[media]
    rdflib_format = RDFLIB_FORMATS.get(rdf)
    if rdflib_format is None:
        return Response(f"{title} is available as Turtle, N-Triples, RDF/XML and JSON-LD.\n",
                        status_code=406, media_type="text/plain; charset=utf-8", headers=headers)
    body = graph.serialize(format=rdflib_format, encoding="utf-8")
    return Response(body, media_type=formats.RDF_MEDIA[rdf], headers=headers)


def _dumps_or_none(state: WebState) -> list[DumpInfo] | None:
    try:
        generation = state.store.generation()
        return read_dumps(state.settings.store, generation) if generation is not None else None
    except StoreNotBuilt:
        return None


@router.get("/.well-known/void", summary="VoID description (Turtle, JSON-LD, N-Triples, RDF/XML)",
            response_class=Response)
async def void(request: Request, state: StateDep) -> Response:
    dumps = _dumps_or_none(state)
    return _respond(
        request, state, f"void-{bool(dumps)}",
        lambda store: build_void(store, state.settings, dumps, state.stats().triples),
        "VoID description")


@router.get("/catalog", summary="DCAT-AP 3 catalogue (Turtle, JSON-LD, N-Triples, RDF/XML)",
            response_class=Response)
async def catalog(request: Request, state: StateDep) -> Response:
    dumps = _dumps_or_none(state)
    return _respond(request, state, f"catalog-{bool(dumps)}",
                    lambda store: build_catalog(store, state.settings, dumps), "DCAT-AP catalogue")
