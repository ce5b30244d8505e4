"""The 14 megatrends of the EU Megatrends Hub (JRC) and the sectors that answer them.

Two project-owned CSV files: ``megatrends.csv`` (our checked copy of the JRC list: official titles,
page URLs and our own one-sentence paraphrases) and ``megatrend_sectors.csv`` (our reviewed mapping
megatrend → sector key, with a rationale per row; the rationale is documentation and is not
published as triples).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecograph.ingest.base import IngestContext, IngestError, csv_records
from ecograph.model.namespaces import ECO, RDF, RDFS, SKOS
from ecograph.model.nt import TermError, Triple, iri, lit

MEGATREND_COLUMNS = ("megatrend_id", "title", "former_title", "source_url", "page_last_updated_seen",
                     "summary_paraphrased")
MAPPING_COLUMNS = ("megatrend_id", "sector_key", "rationale")

# The fixed sector keys of docs/MODEL.md (clusters first, then sub-sectors).
SECTOR_KEYS = frozenset((
    "health", "high_tech", "creativity", "other",
    "pharma_biotech", "medtech", "care",
    "electronics", "software", "manufacturing", "materials", "engineering_rd",
    "media", "design", "arts",
    "food", "energy", "logistics", "public", "finance",
))

_ID = re.compile(r"^MT[0-9]{2}$")
_URL = re.compile(r"^https?://[^\s<>\"]+$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Megatrend concepts, their scheme, and ``eco:answeredBy`` links to sectors."""
    path = ctx.file("megatrends")
    scheme = iri(ctx.id("scheme", "megatrends"))
    yield scheme, iri(RDF.type), iri(SKOS.ConceptScheme)
    yield scheme, iri(SKOS.prefLabel), lit("Megatrends (EU Megatrends Hub)", lang="en")
    yield scheme, iri(RDFS.seeAlso), iri("https://knowledge4policy.ec.europa.eu/foresight/tool/megatrends-hub_en")

    known: set[str] = set()
    for line, row in csv_records(path, MEGATREND_COLUMNS):
        ctx.rows_read += 1
        mid = row["megatrend_id"]
        if not _ID.match(mid):
            raise IngestError(path, line, f"megatrend_id {mid!r} is not of the form MT01")
        if mid in known:
            raise IngestError(path, line, f"megatrend_id {mid} repeated")
        for column in ("title", "summary_paraphrased", "source_url"):
            if not row[column]:
                raise IngestError(path, line, f"{column} is empty")
        if not _URL.match(row["source_url"]):
            raise IngestError(path, line, f"source_url {row['source_url']!r} is not an http(s) URL")
        if row["page_last_updated_seen"] and not _DATE.match(row["page_last_updated_seen"]):
            raise IngestError(path, line, "page_last_updated_seen is not a YYYY-MM-DD date")
        known.add(mid)
        s = iri(ctx.id("megatrend", mid.lower()))
        yield s, iri(RDF.type), iri(ECO.Megatrend)
        yield s, iri(RDF.type), iri(SKOS.Concept)
        yield s, iri(SKOS.inScheme), scheme
        yield s, iri(SKOS.topConceptOf), scheme
        yield scheme, iri(SKOS.hasTopConcept), s
        yield s, iri(SKOS.notation), lit(mid)
        yield s, iri(SKOS.prefLabel), lit(row["title"], lang="en")
        if row["former_title"]:
            yield s, iri(SKOS.altLabel), lit(row["former_title"], lang="en")
        yield s, iri(SKOS.definition), lit(row["summary_paraphrased"], lang="en")
        try:
            yield s, iri(RDFS.seeAlso), iri(row["source_url"])
        except TermError as exc:
            raise IngestError(path, line, str(exc)) from None

    mapping = ctx.file("mapping")
    pairs: set[tuple[str, str]] = set()
    for line, row in csv_records(mapping, MAPPING_COLUMNS):
        ctx.rows_read += 1
        mid, key = row["megatrend_id"], row["sector_key"]
        if mid not in known:
            raise IngestError(mapping, line, f"unknown megatrend_id {mid!r}")
        if key not in SECTOR_KEYS:
            raise IngestError(mapping, line, f"unknown sector key {key!r}")
        if (mid, key) in pairs:
            raise IngestError(mapping, line, f"{mid} → {key} repeated")
        if not row["rationale"]:
            raise IngestError(mapping, line, "rationale is empty")
        pairs.add((mid, key))
        yield iri(ctx.id("megatrend", mid.lower())), iri(ECO.answeredBy), iri(ctx.id("sector", key))
