"""SPARQL editor for researchers: YASGUI (npm @zazuko/yasgui, served by the app) on ``/sparql``.

The saved questions are offered as examples. A saved query binds its parameters through the
engine; as an example it must stand alone, so each parameter gets its default as a trailing
``VALUES`` clause, and a ``BASE`` makes the query's relative IRIs resolve as they do when the
catalogue runs it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ecograph.questions.catalogue import QueryError, SavedQuery, expand_curie, load_catalogue, query_base
from ecograph.sparql.values import insert_values
from ecograph.web.viewer.common import render

router = APIRouter(include_in_schema=False)

DEFAULT_QUERY = """PREFIX eco: <https://w3id.org/ecograph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Organisations per kind
SELECT ?kind (COUNT(DISTINCT ?org) AS ?organisations)
WHERE {
  ?org a ?kind .
  ?kind rdfs:subClassOf* <http://www.w3.org/ns/org#FormalOrganization> .
  FILTER(STRSTARTS(STR(?kind), STR(eco:)))
}
GROUP BY ?kind
ORDER BY DESC(?organisations)
"""


def example_text(query: SavedQuery, base: str) -> str:
    """The saved query as a stand-alone example, with its parameters' defaults as VALUES."""
    values: list[tuple[str, str]] = []
    for p in query.params:
        if p.optional and not p.default:
            values.append((p.name, '""'))  # an optional parameter's "any"
            continue
        if p.default is None or p.type == "literal" and not p.default:
            continue
        if p.type == "integer":
            term = p.default
        elif p.type == "literal":
            term = '"' + p.default.replace("\\", "\\\\").replace('"', '\\"') + '"'
        else:
            value = expand_curie(p.default.strip("<>"))
            if "://" not in value:
                if "/" not in value and p.kind:
                    value = f"{p.kind}/{value}"
                value = f"{base}/id/{value.lstrip('/')}"
            term = f"<{value}>"
        values.append((p.name, term))
    # bound as the engine binds them: a VALUES block at the start of every group that uses the
    # parameter (one trailing VALUES clause would join only after grouping)
    text = insert_values(query.text.rstrip(), dict(values), keep_text=True)
    return f"BASE <{query_base(base)}>\n" + text + "\n"


@router.get("/editor", response_class=HTMLResponse)
def editor(request: Request, example: str = "") -> HTMLResponse:
    base = request.app.state.ecograph.settings.base
    try:
        catalogue = load_catalogue()
    except QueryError:
        catalogue = {}
    examples = [{"name": q.name, "summary": q.summary, "text": example_text(q, base)} for q in catalogue.values()]
    initial = next((e["text"] for e in examples if e["name"] == example), DEFAULT_QUERY)
    return render(request, "pages/editor.html", {"examples": examples, "initial": initial})
