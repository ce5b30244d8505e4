"""Content negotiation tables: media type (with q-values) → format."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ecograph.sparql import formats
from ecograph.sparql.formats import GRAPH_OFFERS, RESULT_OFFERS, negotiate


@pytest.mark.parametrize(
    "accept,offers,expected",
    [
        (None, RESULT_OFFERS, formats.SPARQL_JSON),
        ("", RESULT_OFFERS, formats.SPARQL_JSON),
        ("*/*", RESULT_OFFERS, formats.SPARQL_JSON),
        ("application/sparql-results+xml", RESULT_OFFERS, formats.SPARQL_XML),
        ("text/csv", RESULT_OFFERS, formats.CSV),
        ("text/tab-separated-values", RESULT_OFFERS, formats.TSV),
        ("application/json", RESULT_OFFERS, "application/json"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", RESULT_OFFERS, formats.SPARQL_XML),
        ("application/sparql-results+json;q=0.1, text/*;q=0.8", RESULT_OFFERS, formats.CSV),
        ("application/sparql-results+json;q=0, */*;q=0.1", RESULT_OFFERS, formats.SPARQL_XML),
        ("text/turtle", RESULT_OFFERS, None),
        ("text/turtle", GRAPH_OFFERS, formats.TURTLE),
        ("application/n-triples", GRAPH_OFFERS, formats.NTRIPLES),
        ("application/rdf+xml", GRAPH_OFFERS, formats.RDFXML),
        ("application/ld+json", GRAPH_OFFERS, formats.JSONLD),
        ("application/trig", GRAPH_OFFERS, formats.TRIG),
        ("application/n-quads", GRAPH_OFFERS, formats.NQUADS),
        ("text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", GRAPH_OFFERS, "application/xml"),
        ("application/rdf+xml;q=0.5, text/turtle", GRAPH_OFFERS, formats.TURTLE),
        ("TEXT/Turtle", GRAPH_OFFERS, formats.TURTLE),
        ("text/html", formats.DOC_OFFERS, formats.HTML),
        ("text/turtle;q=0.9, text/html;q=0.8", formats.DOC_OFFERS, formats.TURTLE),
        ("application/pdf", formats.DOC_OFFERS, None),
    ],
)
def test_negotiate(accept: str | None, offers: tuple[str, ...], expected: str | None) -> None:
    assert negotiate(accept, offers) == expected


def test_browser_accept_gets_rdf_xml_for_a_graph() -> None:
    browser = "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8"
    assert formats.RDF[negotiate(browser, GRAPH_OFFERS) or ""] == ox.RdfFormat.RDF_XML


@pytest.mark.parametrize("media", formats.RESULT_OFFERS)
def test_every_result_offer_has_a_format(media: str) -> None:
    assert formats.RESULTS[media] in formats.RESULTS_MEDIA


@pytest.mark.parametrize("media", formats.GRAPH_OFFERS)
def test_every_graph_offer_has_a_format(media: str) -> None:
    assert isinstance(formats.RDF[media], ox.RdfFormat)
    assert formats.RDF[media] in formats.RDF_MEDIA


@pytest.mark.parametrize("alias,media", [("json", formats.SPARQL_JSON), ("csv", formats.CSV),
                                         ("ttl", formats.TURTLE), ("jsonld", formats.JSONLD),
                                         ("text/csv", "text/csv"), ("nope", None)])
def test_format_parameter(alias: str, media: str | None) -> None:
    assert formats.resolve_format(alias, formats.FORMAT_ALIASES) == media


def test_graph_aliases_read_json_and_xml_as_rdf() -> None:
    assert formats.resolve_format("json", formats.GRAPH_FORMAT_ALIASES) == formats.JSONLD
    assert formats.resolve_format("xml", formats.GRAPH_FORMAT_ALIASES) == formats.RDFXML
