"""Saved questions: the catalogue, and one page per saved query.

A question page is a GET form built from the query's parameters, so the page address is the
permalink: it holds every parameter value and reproduces the answer. The answer is shown as a
table, as a chart when the shape of the result suggests one (a row label, a stage and a count
make a heatmap; a label and a count make a bar chart), and can be downloaded as CSV or as
SPARQL JSON results from the same address with ``.csv`` / ``.json``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ecograph.questions.catalogue import QueryError, Result, SavedQuery, get_query, load_catalogue, plain, run_saved
from ecograph.sparql import results
from ecograph.web.errors import not_built_as
from ecograph.web.viewer.common import language, not_built, not_found, render, snapshot
from ecograph.web.viewer.data import Snapshot, local

router = APIRouter(include_in_schema=False)

MAX_TABLE_ROWS = 2000
MAX_BARS = 40


def _values(request: Request, query: SavedQuery) -> dict[str, str]:
    """Parameter values given in the address (empty ones fall back to the default)."""
    values = {}
    for p in query.params:
        raw = request.query_params.get(p.name)
        if raw is not None and raw.strip():
            values[p.name] = raw.strip()
    return values


def _run(request: Request, query: SavedQuery, values: dict[str, str]) -> Result:
    state = request.app.state.ecograph
    store = state.store.get()
    key = (state.store.generation(), "question", query.name, tuple(sorted(values.items())))
    cached = state.results.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result = run_saved(store, query, values, base=state.settings.base)
    state.results.put(key, result, 64 * max(1, len(result.rows)) * max(1, len(result.variables)))
    return result


def _load(name: str) -> SavedQuery | None:
    try:
        return get_query(name)
    except QueryError:
        return None


def _display(term: Any, snap: Snapshot, lang: str) -> dict[str, Any]:
    """A result cell for the table: text, and a link for IRIs (ours to /doc, others as is)."""
    if term is None:
        return {"text": "", "href": "", "num": False}
    if isinstance(term, ox.NamedNode):
        iri = term.value
        text = iri
        href = iri
        prefix = snap.base + "/id/"
        if iri.startswith(prefix):
            href = "/doc/" + iri[len(prefix):]
            if iri in snap.orgs:
                text = snap.orgs[iri].name
            elif iri in snap.sectors:
                text = snap.sectors[iri].label(lang)
            elif iri in snap.places:
                text = snap.places[iri].label(lang)
            elif iri in snap.regions:
                text = snap.regions[iri].label(lang)
            else:
                concept = next((c for c in snap.stages + snap.megatrends if c.iri == iri), None)
                text = concept.label(lang) if concept else iri[len(prefix):]
        return {"text": text, "href": href, "num": False, "iri": iri}
    value = plain(term)
    if isinstance(value, bool):
        return {"text": "true" if value else "false", "href": "", "num": False}
    if isinstance(value, int):
        return {"text": str(value), "href": "", "num": True, "value": value}
    return {"text": str(value), "href": "", "num": False}


def chart_for(result: Result, rows: list[list[dict[str, Any]]], snap: Snapshot) -> dict[str, Any] | None:
    """A heatmap (label × stage → count) or a bar chart (label → count), or None."""
    if result.kind != "select" or not result.rows:
        return None
    cols = result.variables
    numeric = [i for i, _ in enumerate(cols) if all(r[i].get("num") or r[i]["text"] == "" for r in rows)
               and any(r[i].get("num") for r in rows)]
    if not numeric:
        return None
    value_col = numeric[-1]
    stage_iris = {s.iri for s in snap.stages}
    stage_col = next((i for i, _ in enumerate(cols) if rows and all(r[i].get("iri") in stage_iris for r in rows)), None)
    label_cols = [i for i, c in enumerate(cols) if i not in numeric and i != stage_col
                  and not c.endswith("Label") and any(r[i]["text"] for r in rows)]
    if not label_cols:
        return None
    if stage_col is not None:
        # the most specific row label: the last IRI column before the stage (sector after cluster)
        before = [i for i in label_cols if i < stage_col] or label_cols
        row_col = before[-1]
        order: list[str] = []
        cells: dict[tuple[str, str], int] = {}
        labels: dict[str, str] = {}
        for r in rows:
            key = r[row_col].get("iri") or r[row_col]["text"]
            if key not in labels:
                order.append(key)
                labels[key] = r[row_col]["text"]
            cell = (key, r[stage_col]["iri"])
            cells[cell] = cells.get(cell, 0) + int(r[value_col].get("value", 0))
        return {"type": "heatmap", "order": order, "labels": labels, "cells": cells,
                "value": cols[value_col], "max": max(cells.values(), default=0)}
    row_col = label_cols[0]
    bars = [(r[row_col]["text"], int(r[value_col].get("value", 0))) for r in rows if r[value_col].get("num")]
    if len(bars) < 2:
        return None
    bars = sorted(bars, key=lambda b: -b[1])[:MAX_BARS]
    return {"type": "bar", "labels": [b[0] for b in bars], "values": [b[1] for b in bars],
            "value": cols[value_col], "label": cols[row_col]}


def _param_choices(snap: Snapshot, query: SavedQuery, lang: str) -> dict[str, list[tuple[str, str]]]:
    from ecograph.web.viewer.dashboard import region_choices

    choices: dict[str, list[tuple[str, str]]] = {}
    for p in query.params:
        if p.type == "region":
            choices[p.name] = region_choices(snap, lang)
        elif p.kind == "org":
            choices[p.name] = sorted(((o.key, o.name) for o in snap.orgs.values()), key=lambda kv: kv[1].casefold())
        elif p.kind == "municipality":
            with_orgs = {o.municipality for o in snap.orgs.values()}
            choices[p.name] = sorted(((c.notation or local(i), c.label(lang)) for i, c in snap.places.items()
                                      if i in with_orgs), key=lambda kv: kv[1].casefold())
    return choices


@router.get("/questions", response_class=HTMLResponse)
def catalogue(request: Request) -> HTMLResponse:
    try:
        queries = load_catalogue()
    except QueryError as exc:
        return render(request, "pages/message.html", {"title": "Saved queries", "message": str(exc)}, 500)
    return render(request, "pages/questions.html", {"queries": list(queries.values())})


def _download_answer(request: Request, name: str, fmt: str) -> Response:
    query = _load(name)
    if query is None:
        return Response(f"no saved question named {name!r}\n", status_code=404, media_type="text/plain; charset=utf-8")
    try:
        result = _run(request, query, _values(request, query))
    except QueryError as exc:
        return Response(f"{exc}\n", status_code=400, media_type="text/plain; charset=utf-8")
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/sparql-results+json"
    return Response(results.render(result, fmt), media_type=media, headers=headers)


@router.get("/questions/{name}.csv")
def answer_csv(request: Request, name: str) -> Response:
    return _download_answer(request, name, "csv")


@router.get("/questions/{name}.json")
def answer_json(request: Request, name: str) -> Response:
    return _download_answer(request, name, "json")


@router.get("/questions/{name}", response_class=HTMLResponse)
@not_built_as(not_built)
def question(request: Request, name: str) -> HTMLResponse:
    query = _load(name)
    if query is None:
        return not_found(request, f"No saved question named {name!r}.")
    lang = language(request)
    snap = snapshot(request)
    values = _values(request, query)
    effective = {p.name: values.get(p.name, p.default or "") for p in query.params}
    error = None
    result = None
    status = 200
    missing = [p.name for p in query.params if not effective[p.name]]
    if not missing:
        try:
            result = _run(request, query, values)
        except QueryError as exc:
            error, status = str(exc), 400
    rows: list[list[dict[str, Any]]] = []
    chart = None
    truncated = False
    if result is not None and result.kind == "select":
        rows = [[_display(t, snap, lang) for t in row] for row in result.rows[:MAX_TABLE_ROWS]]
        truncated = len(result.rows) > MAX_TABLE_ROWS
        chart = chart_for(result, rows, snap)
    heat = None
    if chart and chart["type"] == "heatmap":
        stage_labels = [s.label(lang) for s in snap.stages]
        heat = {"stages": stage_labels, "max": chart["max"], "rows": [
            {"label": chart["labels"][key], "level": 0,
             "cells": [{"count": chart["cells"].get((key, s.iri), 0), "ring": None, "id": f"{local(key)}/{s.key}",
                        "href": "", "selected": False, "stage": s.label(lang), "row": chart["labels"][key]}
                       for s in snap.stages]} for key in chart["order"]]}
    permalink_query = urlencode({k: v for k, v in effective.items() if v})
    permalink = f"/questions/{name}" + ("?" + permalink_query if permalink_query else "")
    return render(request, "pages/question.html", {
        "q": query, "values": effective, "choices": _param_choices(snap, query, lang),
        "result": result, "rows": rows, "truncated": truncated, "max_rows": MAX_TABLE_ROWS,
        "error": error, "chart": chart, "heat": heat, "permalink": permalink,
        "query_string": permalink_query,
    }, status=status)
