"""Home: what is in the graph, where it comes from, under which licence, and where to start."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ecograph.model.namespaces import DCTERMS, ECO, PROV
from ecograph.model.sources import SOURCES
from ecograph.questions.organisations import KINDS
from ecograph.questions.source import select
from ecograph.web.errors import not_built_as
from ecograph.web.viewer.changes import latest
from ecograph.web.viewer.common import memo, not_built, render, snapshot
from ecograph.web.viewer.data import local

router = APIRouter(include_in_schema=False)

_ORGS_PER_GRAPH = """
SELECT ?g (COUNT(DISTINCT ?o) AS ?n) WHERE {{
  GRAPH ?g {{ ?o a ?k }} VALUES ?k {{ {} }}
}} GROUP BY ?g
""".format(" ".join(f"<{ECO[k]}>" for k in KINDS))

_RELATIONS = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p <{ECO.RelationStatement}> }} }}"
_META = f"""
SELECT ?g ?p ?o WHERE {{
  GRAPH ?meta {{ ?g ?p ?o }}
  VALUES ?p {{ <{DCTERMS.title}> <{DCTERMS.publisher}> <{DCTERMS.license}> <{DCTERMS.rights}>
              <{PROV.generatedAtTime}> <{PROV.wasDerivedFrom}> <{ECO.rowsRead}> <{ECO.rowsRejected}> }}
}}
"""


def source_table(store: Any, base: str) -> list[dict[str, Any]]:
    """One row per published source graph with its provenance record."""
    orgs = {row["g"].value: int(row["n"].value) for row in select(store, _ORGS_PER_GRAPH)}
    meta: dict[str, dict[str, Any]] = {}
    for row in select(store, _META):
        graph = row["g"].value
        if not graph.startswith(base + "/graph/"):
            continue
        entry = meta.setdefault(graph, {"derived": []})
        name = local(row["p"].value)
        value = row["o"].value
        if name == "wasDerivedFrom":
            entry["derived"].append(value)
        elif name not in entry or name == "title" and row["o"].language == "en":
            entry[name] = value
    catalogue = {s.name: s for s in SOURCES}
    out = []
    for graph, entry in sorted(meta.items()):
        name = graph.rsplit("/", 1)[-1]
        src = catalogue.get(name)
        out.append({
            "name": name, "graph": graph,
            "title": entry.get("title") or (src.title if src else name),
            "publisher": entry.get("publisher") or (src.publisher if src else ""),
            "publisher_url": src.publisher_url if src else "",
            "licence": entry.get("license") or (src.licence if src else ""),
            "licence_label": entry.get("rights") or (src.licence_label if src else ""),
            "page": src.page if src else "",
            "retrieved": entry.get("generatedAtTime", ""),
            "derived": sorted(entry["derived"]),
            "rows": entry.get("rowsRead", ""), "rejected": entry.get("rowsRejected", ""),
            "orgs": orgs.get(graph, 0),
        })
    return out


@router.get("/", response_class=HTMLResponse)
@not_built_as(not_built)
def home(request: Request) -> HTMLResponse:
    state = request.app.state.ecograph
    snap = snapshot(request)
    stats = state.stats()
    sources = memo(request, "viewer-sources", lambda store: source_table(store, state.settings.base))
    kinds = Counter(o.kind for o in snap.orgs.values())
    relations = memo(request, "viewer-relation-count",
                     lambda store: int(next(iter(select(store, _RELATIONS)))["n"].value))
    triples = {g.rsplit("/", 1)[-1]: n for g, n in stats.triples.items()}
    return render(request, "pages/home.html", {
        "kinds": [(k, kinds[k]) for k in KINDS if kinds.get(k)],
        "org_total": len(snap.orgs),
        "cap_total": len(snap.caps),
        "relation_total": relations,
        "municipality_total": len({o.municipality for o in snap.orgs.values() if o.municipality}),
        "sources": sources, "triples": triples, "triple_total": sum(stats.triples.values()),
        "stats": stats, "latest": latest(request),
    })
