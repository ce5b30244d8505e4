"""Downloads for reports: the dashboard's and the questions' figures as SVG, answers as XLSX, embed views.

- ``/dashboard/figure.svg?map=sectors|megatrends&region=…`` and ``/questions/<name>/figure.svg?…``: the
  heatmap or bar chart as the page shows it, drawn by ``figures`` (the PNG is made from it in the browser);
- ``/questions/<name>.xlsx?…``: the answer, with a second sheet saying what it is (``about``);
- ``/dashboard/embed`` and ``/questions/<name>/embed``: the figure (and the answer) with minimal chrome, for
  an iframe. Every figure and sheet names the build (generation) it came from, and its permalink does too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ecograph.questions.catalogue import QueryError, SavedQuery
from ecograph.web.errors import not_built_as
from ecograph.web.viewer import dashboard
from ecograph.web.viewer.about import About, about_for, xlsx
from ecograph.web.viewer.common import language, not_built, render, snapshot
from ecograph.web.viewer.data import Snapshot
from ecograph.web.viewer.figures import Frame, HeatCell, HeatRow, bar_svg, heatmap_svg
from ecograph.web.viewer.i18n import translate
from ecograph.web.viewer.questions import _display, _load, _run, _values, chart_for

router = APIRouter(include_in_schema=False)

SVG = "image/svg+xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAPS = ("sectors", "megatrends")


def _dashboard(request: Request) -> tuple[Snapshot, dict[str, Any], str, str]:
    """The dashboard's context for the address's region, cluster and kind (validated as the page does)."""
    lang = language(request)
    snap = snapshot(request)
    params = request.query_params
    regions = dict(dashboard.region_choices(snap, lang))
    region = params.get("region", dashboard.DEFAULT_REGION)
    region = region if region in regions else dashboard.DEFAULT_REGION
    cluster = params.get("cluster", "")
    cluster = cluster if cluster in {c.key for c in snap.clusters} else ""
    kind = params.get("kind", "")
    kind = kind if kind in dashboard.KINDS else ""
    context = dashboard.build_dashboard(request, snap, region, cluster, kind, "", lang)
    context.update(region=region, cluster=cluster, kind=kind, region_label=regions.get(region, region),
                   ring_label=regions.get(context["ring_key"], ""))
    return snap, context, region, lang


def _map(request: Request) -> str:
    chosen = request.query_params.get("map", "sectors")
    return chosen if chosen in MAPS else "sectors"


def _dashboard_about(request: Request, context: dict[str, Any], lang: str, which: str) -> About:
    title = translate("dash.sectors" if which == "sectors" else "dash.megatrends", lang)
    parameters = [(k, context[k]) for k in ("region", "cluster", "kind") if context[k]]
    return about_for(request, title, context["region_label"], parameters)


@router.get("/dashboard/figure.svg")
@not_built_as(not_built)
def dashboard_svg(request: Request) -> Response:
    _snap, context, _region, lang = _dashboard(request)
    which = _map(request)
    about = _dashboard_about(request, context, lang, which)
    rows = [HeatRow(r["label"] if not r.get("notation") else f"{r['notation']} {r['label']}",
                    [HeatCell(c["count"], c["status"], c["unknown"], c["ring"]) for c in r["cells"]], r.get("level", 0))
            for r in context["sector_rows" if which == "sectors" else "mt_rows"]]
    legend = translate("rep.gap", lang) + " · " + translate("rep.legend", lang)
    if context["ring_label"]:
        legend += f" · (n) {context['ring_label']}"
    frame = Frame(about.title, context["region_label"], about.credit(lang), legend)
    return _svg(heatmap_svg(frame, context["stages"], rows), f"dashboard-{which}-{context['region']}.svg")


def _svg(text: str, filename: str) -> Response:
    return Response(text, media_type=SVG, headers={"Content-Disposition": f'inline; filename="{filename}"',
                                                   "X-Content-Type-Options": "nosniff"})


@router.get("/dashboard/embed", response_class=HTMLResponse)
@not_built_as(not_built)
def dashboard_embed(request: Request) -> HTMLResponse:
    _snap, context, _region, lang = _dashboard(request)
    which = _map(request)
    about = _dashboard_about(request, context, lang, which)
    rows = context["sector_rows" if which == "sectors" else "mt_rows"]
    for row in rows:
        for cell in row["cells"]:
            cell["href"] = cell["href"].replace("/dashboard/embed", "/dashboard")
    return render(request, "pages/embed.html", {
        "about": about, "credit": about.credit(lang), "heat_rows": rows, "stages": context["stages"],
        "heat_max": context["sector_max" if which == "sectors" else "mt_max"], "ring_label": context["ring_label"],
        "figure": "", "table": None, "open": about.url.replace("/dashboard/embed", "/dashboard"),
    })


def _question(request: Request, name: str) -> tuple[SavedQuery, dict[str, str], Any, Snapshot, str] | None:
    query = _load(name)
    if query is None:
        return None
    values = _values(request, query)
    return query, values, _run(request, query, values), snapshot(request), language(request)


def _question_about(request: Request, query: SavedQuery, values: dict[str, str], snap: Snapshot,
                    lang: str) -> About:
    effective = {p.name: values.get(p.name, p.default or "") for p in query.params}
    region = next((v for p in query.params if p.type == "region" and (v := effective[p.name])), "")
    region_label = snap.regions[snap.region_iri(region)].label(lang) if snap.region_iri(region) in snap.regions \
        else region
    return about_for(request, query.summary, region_label, [(k, v) for k, v in effective.items() if v])


def _rows(result: Any, snap: Snapshot, lang: str) -> list[list[dict[str, Any]]]:
    return [[_display(t, snap, lang) for t in row] for row in result.rows]


def _question_svg(request: Request, query: SavedQuery, values: dict[str, str], result: Any, snap: Snapshot,
                  lang: str) -> str | None:
    if result.kind != "select":
        return None
    chart = chart_for(result, _rows(result, snap, lang), snap)
    if chart is None:
        return None
    about = _question_about(request, query, values, snap, lang)
    frame = Frame(query.summary, about.region or "", about.credit(lang))
    if chart["type"] == "heatmap":
        rows = [HeatRow(chart["labels"][key], [HeatCell(chart["cells"].get((key, s.iri), 0)) for s in snap.stages])
                for key in chart["order"]]
        return heatmap_svg(frame, [s.label(lang) for s in snap.stages], rows)
    return bar_svg(frame, chart["labels"], chart["values"], chart["value"])


Found = tuple[SavedQuery, dict[str, str], Any, Snapshot, str]


def _plain(status: int, text: str) -> Response:
    return Response(text + "\n", status_code=status, media_type="text/plain; charset=utf-8")


def _answered(request: Request, name: str) -> Found | Response:
    """The question, its values, its answer; or the plain-text 400/404 to send instead."""
    try:
        found = _question(request, name)
    except QueryError as exc:
        return _plain(400, str(exc))
    return found if found is not None else _plain(404, f"no saved question named {name!r}")


def _with_answer(route: Callable[[Request, str, Found], Response]) -> Callable[[Request, str], Response]:
    """The route ``(request, name)`` that calls ``route`` with the question's answer, or sends the 400/404.

    Not ``functools.wraps``: FastAPI reads the parameters of the function it is given, and the answer is not one.
    """

    def answered(request: Request, name: str) -> Response:
        found = _answered(request, name)
        return found if isinstance(found, Response) else route(request, name, found)

    answered.__name__ = answered.__qualname__ = route.__name__
    answered.__doc__ = route.__doc__
    return answered


@router.get("/questions/{name}/figure.svg")
@not_built_as(not_built)
@_with_answer
def question_svg(request: Request, name: str, found: Found) -> Response:
    svg = _question_svg(request, *found)
    if svg is None:
        return _plain(404, "no figure for this question")
    return _svg(svg, f"{name}.svg")


def _sheet(result: Any, snap: Snapshot, lang: str) -> tuple[list[str], list[list[Any]]]:
    """The answer's columns (numbers as numbers, IRIs as IRIs), with a label column after every IRI column."""
    shown = _rows(result, snap, lang)
    header = list(result.variables)
    rows = [[c.get("value", c["text"]) if c["num"] else c.get("iri") or c["text"] for c in row] for row in shown]
    for i in reversed([i for i in range(len(header)) if any(r[i].get("iri") for r in shown)]):
        header.insert(i + 1, f"{header[i]} (label)")
        for row, cells in zip(rows, shown, strict=True):
            row.insert(i + 1, cells[i]["text"])
    return header, rows


@router.get("/questions/{name}.xlsx")
@not_built_as(not_built)
@_with_answer
def question_xlsx(request: Request, name: str, found: Found) -> Response:
    query, values, result, snap, lang = found
    about = _question_about(request, query, values, snap, lang)
    if result.kind == "select":
        header, rows = _sheet(result, snap, lang)
    else:
        header, rows = ["answer"], [[str(result.boolean).lower()]] if result.kind == "ask" else []
    body = xlsx(header, rows, about, lang)
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})


@router.get("/questions/{name}/embed", response_class=HTMLResponse)
@not_built_as(not_built)
@_with_answer
def question_embed(request: Request, name: str, found: Found) -> Response:
    query, values, result, snap, lang = found
    about = _question_about(request, query, values, snap, lang)
    query_string = request.url.query
    table = None
    has_figure = False  # the figure is linked, not drawn here: only whether the answer has a chart
    if result.kind == "select":
        rows = _rows(result, snap, lang)
        has_figure = chart_for(result, rows, snap) is not None
        table = {"header": result.variables, "rows": rows[:500]}
    return render(request, "pages/embed.html", {
        "about": about, "credit": about.credit(lang), "heat_rows": None, "stages": [], "heat_max": 0,
        "ring_label": "", "table": table,
        "figure": f"/questions/{quote(name)}/figure.svg" + (f"?{query_string}" if query_string else "")
        if has_figure else "",
        "open": about.url.replace(f"/questions/{name}/embed", f"/questions/{name}"),
    })
