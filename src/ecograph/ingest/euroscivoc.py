"""EuroSciVoc fields used by Horizon Europe projects (CORDIS extract) → a SKOS scheme of our own.

Concept IRIs are ``<base>/id/euroscivoc/<node_id>`` (the last element of the code path); the code
path itself is the notation. Each row is checked for internal consistency (node id = last path
element, parent = path minus its last element, level = depth), because a mismatch would silently
rewire the tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ecograph.ingest.base import IngestContext, IngestError, csv_records
from ecograph.model.namespaces import RDF, SKOS
from ecograph.model.nt import Triple, iri, lit

COLUMNS = ("code_path", "node_id", "level", "label_en", "parent_code_path")
_PATH = re.compile(r"^(?:/[0-9]+)+$")


def read(ctx: IngestContext) -> Iterator[Triple]:
    """One skos:Concept per node, with its broader node; level-1 fields are the top concepts."""
    path = ctx.file("nodes")
    scheme = iri(ctx.id("scheme", "euroscivoc"))
    yield scheme, iri(RDF.type), iri(SKOS.ConceptScheme)
    title = "European Science Vocabulary (EuroSciVoc), fields used by Horizon Europe projects"
    yield scheme, iri(SKOS.prefLabel), lit(title, lang="en")
    for line, row in csv_records(path, COLUMNS):
        ctx.rows_read += 1
        code_path, node_id, parent = row["code_path"], row["node_id"], row["parent_code_path"]
        if not _PATH.match(code_path):
            raise IngestError(path, line, f"code_path {code_path!r} is not of the form /27/79/483")
        parts = code_path.strip("/").split("/")
        if node_id != parts[-1]:
            raise IngestError(path, line, f"node_id {node_id!r} is not the last element of {code_path}")
        expected_parent = "/" + "/".join(parts[:-1]) if len(parts) > 1 else ""
        if parent != expected_parent:
            raise IngestError(path, line, f"parent_code_path {parent!r} does not match code_path {code_path}")
        if row["level"] != str(len(parts)):
            raise IngestError(path, line, f"level {row['level']!r} does not match code_path {code_path}")
        if not row["label_en"]:
            raise IngestError(path, line, "label_en is empty")
        s = iri(ctx.id("euroscivoc", node_id))
        yield s, iri(RDF.type), iri(SKOS.Concept)
        yield s, iri(SKOS.inScheme), scheme
        yield s, iri(SKOS.prefLabel), lit(row["label_en"], lang="en")
        yield s, iri(SKOS.notation), lit(code_path)
        if len(parts) > 1:
            yield s, iri(SKOS.broader), iri(ctx.id("euroscivoc", parts[-2]))
        else:
            yield s, iri(SKOS.topConceptOf), scheme
            yield scheme, iri(SKOS.hasTopConcept), s
