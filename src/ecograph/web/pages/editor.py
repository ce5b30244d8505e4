"""SPARQL editor for researchers: YASGUI (npm @zazuko/yasgui, served by the app) on ``/sparql``.

The saved questions are offered as examples. A saved query binds its parameters through the
engine; as an example it must stand alone, so each parameter gets its default as a trailing
``VALUES`` clause, and a ``BASE`` makes the query's relative IRIs resolve as they do when the
catalogue runs it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...queries import QueryError, SavedQuery, expand_curie, load_catalogue, query_base
from .common import render

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
    values = []
    for p in query.params:
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
        values.append(f"VALUES ?{p.name} {{ {term} }}")
    text = f"BASE <{query_base(base)}>\n" + query.text.rstrip() + "\n"
    return text + "".join(v + "\n" for v in values)


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
