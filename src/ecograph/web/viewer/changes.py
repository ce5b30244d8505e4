"""What changed at each build (``/changes``, one page, JSON and Turtle per build, an Atom feed) and the
region's trajectory (``/trajectory``); read from ``<base>/graph/changes`` by ``changes_read``."""

from __future__ import annotations

from collections.abc import Set
from typing import Any
from xml.sax.saxutils import escape

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ecograph.model.history import FIGURES, changes_graph, changeset_iri
from ecograph.model.namespaces import PREFIXES
from ecograph.questions.catalogue import get_query, plain, run_saved
from ecograph.web.errors import not_built_as
from ecograph.web.viewer.changes_read import BuildSummary, Changeset, builds, cell_history, changeset, figure_history
from ecograph.web.viewer.common import language, memo, not_built, not_found, render
from ecograph.web.viewer.data import local
from ecograph.web.viewer.i18n import translate

router = APIRouter(include_in_schema=False)

HEADLINE = ("added", "removed", "cellOpened", "cellClosed", "cellBecameSingle")


def _builds(request: Request) -> list[BuildSummary]:
    base = request.app.state.ecograph.settings.base
    return memo(request, "changes-builds", lambda store: builds(store, base))  # type: ignore[no-any-return]


def _changeset(request: Request, build: str) -> Changeset | None:
    base = request.app.state.ecograph.settings.base
    return memo(request, f"changes-{build}", lambda store: changeset(store, base, build))  # type: ignore[no-any-return]


def summary_text(b: BuildSummary, lang: str) -> str:
    """One line for a build: what it added, removed, and the cells it opened and closed."""
    parts = [f"{b.counts.get(k, 0)} {translate('chg.' + k, lang)}" for k in HEADLINE if b.counts.get(k)]
    return "; ".join(parts) or "—"


def latest(request: Request) -> dict[str, Any] | None:
    """The last build's headline changes, for the home page (None before any build changed anything)."""
    listed = _builds(request)
    if not listed:
        return None
    lang = language(request)
    return {"build": listed[0].build, "time": listed[0].time, "summary": summary_text(listed[0], lang)}


def cell_trajectory(request: Request, selected: dict[str, Any], cell: str, members: Set[str], cluster: str,
                    lang: str) -> str:
    """The dashboard drill-down's line on a cell's history ("medtech at production: 4 → 6 since 2026-12-01"),
    from the cube's counts summed over ``members`` (municipality IRIs); "" before any recorded build, or
    when the cell is a filtered one (a megatrend row within a cluster) whose count the cube does not hold."""
    if selected["kind"] == "megatrend" and cluster:
        return ""
    base = request.app.state.ecograph.settings.base
    kind, keys = f"{selected['kind']}-stage", f"{selected['key']}.{cell.rsplit('/', 1)[-1]}"
    codes = frozenset(m.rsplit("/", 1)[-1] for m in members)
    points = memo(request, f"changes-cell-{kind}-{keys}-{','.join(sorted(codes))}",
                  lambda store: cell_history(store, base, kind, keys, codes))
    if len(points) < 2:
        return ""
    counts = [p.count for p in points]
    path = [str(n) for i, n in enumerate(counts) if i == 0 or n != counts[i - 1]]
    return translate("chg.history", lang, row=selected["row"], stage=selected["stage"], path=" → ".join(path),
                     since=points[1].time[:10])


@router.get("/changes", response_class=HTMLResponse)
@not_built_as(not_built)
def changes_page(request: Request) -> HTMLResponse:
    lang = language(request)
    listed = [{"build": b.build, "time": b.time, "summary": summary_text(b, lang)} for b in _builds(request)]
    return render(request, "pages/changes.html", {"builds": listed})


@router.get("/changes.atom")
@not_built_as(not_built)
def changes_feed(request: Request) -> Response:
    """Atom 1.0: one entry per build, newest first."""
    base = request.app.state.ecograph.settings.base
    root = str(request.base_url).rstrip("/")
    listed = _builds(request)
    updated = listed[0].time if listed else "1970-01-01T00:00:00Z"
    entries = "".join(
        f"<entry><id>{escape(changeset_iri(base, b.build))}</id>"
        f"<title>{escape(translate('chg.build', 'en', build=b.build))}</title>"
        f"<updated>{escape(b.time)}</updated><link rel=\"alternate\" type=\"text/html\""
        f" href=\"{escape(root)}/changes/{escape(b.build)}\"/>"
        f"<summary>{escape(summary_text(b, 'en'))}</summary></entry>"
        for b in listed)
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
           f"<id>{escape(changes_graph(base))}</id><title>ecograph: what changed at each build</title>"
           f"<updated>{escape(updated)}</updated><author><name>ecograph</name></author>"
           f"<link rel=\"self\" href=\"{escape(root)}/changes.atom\"/>{entries}</feed>\n")
    return Response(xml, media_type="application/atom+xml")


@router.get("/changes/{build}.json")
@not_built_as(not_built)
def changes_json(request: Request, build: str) -> Response:
    found = _changeset(request, build)
    if found is None:
        return JSONResponse({"error": f"no changes recorded for build {build}"}, status_code=404)
    return JSONResponse(found.as_json())


@router.get("/changes/{build}")
@not_built_as(not_built)
def changes_build(request: Request, build: str) -> Response:
    found = _changeset(request, build)
    if found is None:
        return not_found(request, f"no changes recorded for build {build}")
    if "text/turtle" in request.headers.get("accept", ""):
        return Response(_turtle(request, found), media_type="text/turtle; charset=utf-8")
    return render(request, "pages/changes_build.html", {"c": found, "local": local, "figures": FIGURES})


def _turtle(request: Request, found: Changeset) -> bytes:
    """The changeset's own triples and those of its parts (IRIs under the changeset's)."""
    base = request.app.state.ecograph.settings.base
    graph = changes_graph(base)

    def triples(store: Any) -> bytes:
        rows = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o "
                           f"FILTER(?s = <{found.iri}> || STRSTARTS(STR(?s), \"{found.iri}/\")) }} }}")
        return ox.serialize(list(rows), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)

    return memo(request, f"changes-ttl-{found.build}", triples)  # type: ignore[no-any-return]


@router.get("/trajectory", response_class=HTMLResponse)
@not_built_as(not_built)
def trajectory(request: Request) -> HTMLResponse:
    base = request.app.state.ecograph.settings.base
    points = memo(request, "changes-figures", lambda store: figure_history(store, base))
    lang = language(request)
    series = [{"name": name, "label": translate("fig." + name, lang),
               "values": [p[2].get(name) for p in points]} for name in FIGURES]
    labels = [p[0] or translate("chg.previous", lang) for p in points]
    founded = memo(request, "changes-founded", lambda store: founded_per_year(store, base))
    return render(request, "pages/trajectory.html", {"labels": labels, "series": series, "points": points,
                                                     "founded": founded, "founded_query": FOUNDED})


FOUNDED = "founded-per-year"


def founded_per_year(store: Any, base: str) -> dict[str, Any]:
    """The saved question ``founded-per-year`` for the default region as chart data: the years that
    have a founding, and per cluster its count for each of them."""
    result = run_saved(store, get_query(FOUNDED), {}, base=base)
    rows = [dict(zip(result.variables, (plain(v) for v in row), strict=True)) for row in result.rows]
    years = sorted({r["year"] for r in rows})
    clusters = dict(sorted({r["cluster"]: r["clusterLabel"] or local(r["cluster"]) for r in rows}.items(),
                           key=lambda kv: kv[1]))
    counts = {(r["year"], r["cluster"]): r["organisations"] for r in rows}
    return {"years": [str(y) for y in years],
            "series": [{"label": label, "values": [counts.get((y, c), 0) for y in years]}
                       for c, label in clusters.items()]}
