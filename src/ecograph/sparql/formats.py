"""Content negotiation as tables: media type → serialisation format.

Each table lists the media types a resource offers in the server's order of preference; the
first one is the default. ``negotiate`` picks the offer with the highest client q-value (ties go
to the server's order), and ``FORMAT_ALIASES`` maps the short names accepted by the ``format``
query parameter (and by file extensions) to a media type.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

# --- SELECT / ASK --------------------------------------------------------------------------------

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"

#: Results (SELECT, ASK): offered media type → the format a worker writes.
RESULTS: dict[str, str] = {
    SPARQL_JSON: "json",
    SPARQL_XML: "xml",
    CSV: "csv",
    TSV: "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
#: The media type sent for each results format (the aliases above answer with the canonical type).
RESULTS_MEDIA: dict[str, str] = {
    "json": SPARQL_JSON,
    "xml": SPARQL_XML,
    "csv": CSV + "; charset=utf-8",
    "tsv": TSV + "; charset=utf-8",
}

# --- CONSTRUCT / DESCRIBE and every RDF document -------------------------------------------------

TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
JSONLD = "application/ld+json"
TRIG = "application/trig"
NQUADS = "application/n-quads"
HTML = "text/html"

#: RDF: offered media type → pyoxigraph format.
RDF: dict[str, ox.RdfFormat] = {
    TURTLE: ox.RdfFormat.TURTLE,
    NTRIPLES: ox.RdfFormat.N_TRIPLES,
    RDFXML: ox.RdfFormat.RDF_XML,
    JSONLD: ox.RdfFormat.JSON_LD,
    TRIG: ox.RdfFormat.TRIG,
    NQUADS: ox.RdfFormat.N_QUADS,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/n3": ox.RdfFormat.TURTLE,
    "text/rdf+n3": ox.RdfFormat.TURTLE,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/xml": ox.RdfFormat.RDF_XML,
    "text/xml": ox.RdfFormat.RDF_XML,
}
RDF_MEDIA: dict[ox.RdfFormat, str] = {
    ox.RdfFormat.TURTLE: TURTLE + "; charset=utf-8",
    ox.RdfFormat.N_TRIPLES: NTRIPLES + "; charset=utf-8",
    ox.RdfFormat.RDF_XML: RDFXML + "; charset=utf-8",
    ox.RdfFormat.JSON_LD: JSONLD,
    ox.RdfFormat.TRIG: TRIG + "; charset=utf-8",
    ox.RdfFormat.N_QUADS: NQUADS + "; charset=utf-8",
}

#: Short names for the ``format`` parameter and for file extensions.
FORMAT_ALIASES: dict[str, str] = {
    "json": SPARQL_JSON,
    "srj": SPARQL_JSON,
    "xml": SPARQL_XML,
    "srx": SPARQL_XML,
    "csv": CSV,
    "tsv": TSV,
    "ttl": TURTLE,
    "turtle": TURTLE,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "rdf": RDFXML,
    "rdfxml": RDFXML,
    "rdf+xml": RDFXML,
    "owl": RDFXML,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "trig": TRIG,
    "nq": NQUADS,
    "nquads": NQUADS,
    "n-quads": NQUADS,
    "html": HTML,
}

#: For graph results, ``format=json``/``xml`` mean JSON-LD and RDF/XML (what SPARQLWrapper sends).
GRAPH_FORMAT_ALIASES: dict[str, str] = {**FORMAT_ALIASES, "json": JSONLD, "xml": RDFXML, "n3": TURTLE}

#: Offers of each kind of resource, best first.
RESULT_OFFERS: tuple[str, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV, "application/json",
                                  "application/xml", "text/xml")
GRAPH_OFFERS: tuple[str, ...] = (TURTLE, NTRIPLES, RDFXML, JSONLD, TRIG, NQUADS,
                                 "application/x-turtle", "text/n3", "text/rdf+n3", "application/json",
                                 "application/xml", "text/xml", "text/plain")
DOC_OFFERS: tuple[str, ...] = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML, TRIG, NQUADS,
                               "application/xhtml+xml", "application/json", "text/plain")
RDF_DOC_OFFERS: tuple[str, ...] = (TURTLE, JSONLD, NTRIPLES, RDFXML, "application/json",
                                   "text/plain", HTML)


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    q: float
    order: int

    def matches(self, media_type: str) -> int:
        """Specificity of the match with a concrete media type (-1: no match)."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return -1
        return 2 + len(self.params)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an ``Accept`` header; a missing or empty header accepts everything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", (), 1.0, 0)]
    ranges: list[MediaRange] = []
    for order, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        kind, _, sub = pieces[0].lower().partition("/")
        q = 1.0
        params: list[tuple[str, str]] = []
        for piece in pieces[1:]:
            name, _, value = piece.partition("=")
            name = name.strip().lower()
            value = value.strip().strip('"')
            if name == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
            elif name:
                params.append((name, value))
        ranges.append(MediaRange(kind, sub or "*", tuple(params), q, order))
    return ranges


def negotiate(accept: str | None, offers: tuple[str, ...]) -> str | None:
    """The offer the client prefers, or None when it accepts none of them."""
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for index, offer in enumerate(offers):
        quality = -1.0
        specificity = -1
        for media_range in ranges:
            spec = media_range.matches(offer)
            if spec > specificity:
                specificity, quality = spec, media_range.q
        if specificity < 0 or quality <= 0:
            continue
        key = (quality, -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def resolve_format(value: str, aliases: dict[str, str]) -> str | None:
    """A ``format`` parameter (short name or media type) as a media type."""
    value = value.strip().lower()
    if "/" in value:
        return value.split(";")[0].strip()
    return aliases.get(value)
