"""The organisation directory: every organisation of the graph as a faceted, searchable table.

Every state of the page is its address: facets are repeated GET parameters (``?kind=Company&kind=StartUp``),
plus ``q`` (a search over names and aliases, ignoring case and accents), ``region`` and ``cell`` (what the
dashboard links with), ``sort`` and ``page``. The same address with ``.csv``, ``.json`` or ``.xlsx``
downloads exactly the filtered list (every page of it). The index behind it (``directory_facets``) is
built once per generation from the viewer's snapshot.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ecograph.web.errors import not_built_as
from ecograph.web.viewer.about import about_for, xlsx
from ecograph.web.viewer.common import language, memo, not_built, render, snapshot
from ecograph.web.viewer.data import Snapshot, local
from ecograph.web.viewer.directory_facets import (
    FACETS,
    FILTERS,
    SORTS,
    Directory,
    Entry,
    Selection,
    build_directory,
    select_entries,
)
from ecograph.web.viewer.i18n import kind_label, translate

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
COLUMNS = ("key", "name", "aliases", "kind", "municipality", "nis", "arrondissement", "province", "founded",
           "clusters", "sectors", "stages", "graphs", "unknown", "iri")


def directory_of(request: Request) -> Directory:
    snap = snapshot(request)
    return memo(request, "viewer-directory", lambda store: build_directory(snap, store))  # type: ignore[no-any-return]


def chosen_filters(request: Request) -> dict[str, list[str]]:
    return {name: [v for v in request.query_params.getlist(name) if v] for name in FACETS + FILTERS}


def _selection(request: Request) -> tuple[Selection, dict[str, list[str]], str, str]:
    chosen = chosen_filters(request)
    query = request.query_params.get("q", "").strip()
    sort = request.query_params.get("sort", "name")
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    return select_entries(directory_of(request), chosen, query, sort), chosen, query, sort


def _url(request: Request, path: str, drop: tuple[str, ...] = (), add: tuple[tuple[str, str], ...] = (),
         remove: tuple[str, str] | None = None) -> str:
    items = [(k, v) for k, v in request.query_params.multi_items()
             if k not in drop and (k, v) != remove and v != ""]
    items += [item for item in add if item not in items]
    query = urlencode(items)
    return path + ("?" + query if query else "")


class Labels:
    """Labels of facet values in one language."""

    def __init__(self, snap: Snapshot, lang: str) -> None:
        self.snap, self.lang = snap, lang
        self.stages = {s.key: s for s in snap.stages}

    def value(self, facet: str, key: str) -> str:
        snap, lang = self.snap, self.lang
        if facet in ("cluster", "sector"):
            concept = snap.sectors.get(f"{snap.base}/id/sector/{key}")
            return concept.label(lang) if concept else key
        if facet == "stage":
            return self.stages[key].label(lang) if key in self.stages else key
        if facet == "kind":
            return kind_label(key, lang)
        if facet in ("municipality", "arrondissement", "province"):
            place = snap.places.get(f"{snap.base}/id/{facet}/{key}")
            return place.label(lang) if place else key
        if facet == "unknown":
            return translate(f"dir.unknown.{key}", lang)
        if facet == "region":
            region = snap.regions.get(snap.region_iri(key))
            return region.label(lang) if region else key
        if facet == "cell":
            parts = key.split("/")
            if len(parts) == 3:
                row = (self.value("cluster", parts[1]) if parts[0] == "sector" else
                       next((m.label(lang) for m in snap.megatrends if m.key == parts[1]), parts[1]))
                return f"{row} × {self.value('stage', parts[2])}"
        return key

    def iri(self, iri: str | None) -> str:
        if not iri:
            return ""
        concept = self.snap.places.get(iri) or self.snap.sectors.get(iri)
        if concept is None:
            concept = next((s for s in self.snap.stages if s.iri == iri), None)
        return concept.label(self.lang) if concept else local(iri)


def export_row(entry: Entry, labels: Labels) -> dict[str, Any]:
    place = labels.snap.places.get(entry.municipality or "")
    return {
        "key": entry.key, "name": entry.name, "aliases": "; ".join(entry.aliases), "kind": entry.kind,
        "municipality": labels.iri(entry.municipality), "nis": (place.notation if place else "") or "",
        "arrondissement": labels.iri(entry.arrondissement), "province": labels.iri(entry.province),
        "founded": entry.founded, "clusters": "; ".join(labels.iri(c) for c in entry.clusters),
        "sectors": "; ".join(labels.iri(s) for s in entry.sectors),
        "stages": "; ".join(labels.iri(s) for s in entry.stages), "graphs": "; ".join(entry.graphs),
        "unknown": "; ".join(entry.unknown), "iri": entry.iri,
    }


def _facet_order(facet: str, counts: dict[str, int], labels: Labels) -> list[str]:
    if facet == "stage":
        return [s.key for s in labels.snap.stages if s.key in counts]
    if facet == "cluster":
        return [c.key for c in labels.snap.clusters if c.key in counts]
    return sorted(counts, key=lambda k: (-counts[k], labels.value(facet, k).casefold()))


@router.get("/organisations", response_class=HTMLResponse)
@not_built_as(not_built)
def organisations(request: Request) -> HTMLResponse:
    lang = language(request)
    labels = Labels(snapshot(request), lang)
    selection, chosen, query, sort = _selection(request)
    try:
        size = max(1, min(MAX_PAGE_SIZE, int(request.query_params.get("per", PAGE_SIZE))))
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        size, page = PAGE_SIZE, 1
    total = len(selection.rows)
    pages = max(1, -(-total // size))
    page = min(page, pages)
    path = "/organisations"
    facets = []
    for facet in FACETS:
        counts = selection.counts.get(facet, {})
        values = []
        for key in _facet_order(facet, counts, labels):
            on = key in chosen[facet]
            values.append({"key": key, "label": labels.value(facet, key), "count": counts[key], "on": on,
                           "href": _url(request, path, drop=("page",), remove=(facet, key)) if on
                           else _url(request, path, drop=("page",), add=((facet, key),))})
        if values:
            facets.append({"name": facet, "label": translate(f"dir.facet.{facet}", lang), "options": values,
                           "open": bool(chosen[facet]) or len(values) <= 8})
    active = [{"label": f"{translate(f'dir.facet.{name}', lang)}: {labels.value(name, value)}",
               "href": _url(request, path, drop=("page",), remove=(name, value))}
              for name in FILTERS + FACETS for value in chosen[name]]
    rows = [{"e": e, "place": labels.iri(e.municipality), "place_key": local(e.municipality or ""),
             "clusters": [labels.iri(c) for c in e.clusters], "stages": [labels.iri(s) for s in e.stages]}
            for e in selection.rows[(page - 1) * size: page * size]]
    sorts = [{"key": key, "label": translate(f"dir.sort.{key}", lang),
              "href": _url(request, path, drop=("sort", "page"),
                           add=(("sort", f"-{key}" if sort == key else key),)),
              "on": sort.lstrip("-") == key, "desc": sort == f"-{key}"} for key in SORTS]
    downloads = {fmt: _url(request, f"{path}.{fmt}", drop=("page", "per", "lang")) for fmt in ("csv", "json", "xlsx")}
    return render(request, "pages/organisations.html", {
        "facets": facets, "active": active, "rows": rows, "total": total, "q": query, "sort": sort,
        "page": page, "pages": pages, "size": size, "sorts": sorts, "downloads": downloads,
        "hidden": [(k, v) for k, v in request.query_params.multi_items() if k not in ("q", "page", "lang")],
        "prev": _url(request, path, drop=("page",), add=(("page", str(page - 1)),)) if page > 1 else "",
        "next": _url(request, path, drop=("page",), add=(("page", str(page + 1)),)) if page < pages else "",
        "clear": path + (f"?lang={lang}" if request.query_params.get("lang") else ""),
    })


def _export(request: Request) -> tuple[list[dict[str, Any]], Labels, dict[str, list[str]], str]:
    labels = Labels(snapshot(request), language(request))
    selection, chosen, query, _sort = _selection(request)
    return [export_row(e, labels) for e in selection.rows], labels, chosen, query


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/organisations.csv")
@not_built_as(not_built)
def organisations_csv(request: Request) -> Response:
    rows, _labels, _chosen, _query = _export(request)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=_attachment("organisations.csv"))


@router.get("/organisations.json")
@not_built_as(not_built)
def organisations_json(request: Request) -> Response:
    rows, labels, chosen, query = _export(request)
    about = about_for(request, translate("dir.title", labels.lang))
    body = {"build": about.generation, "built": about.built, "licence": "https://creativecommons.org/licenses/by/4.0/",
            "filters": {k: v for k, v in chosen.items() if v} | ({"q": [query]} if query else {}),
            "count": len(rows), "organisations": rows}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), media_type="application/json",
                    headers=_attachment("organisations.json"))


@router.get("/organisations.xlsx")
@not_built_as(not_built)
def organisations_xlsx(request: Request) -> Response:
    rows, labels, chosen, query = _export(request)
    lang = labels.lang
    parameters = [(name, labels.value(name, v)) for name, values in chosen.items() for v in values]
    if query:
        parameters.append(("q", query))
    region = ", ".join(labels.value("region", v) for v in chosen.get("region", []))
    about = about_for(request, translate("dir.title", lang), region, parameters)
    body = xlsx(COLUMNS, [[r[c] for c in COLUMNS] for r in rows], about, lang)
    return Response(body, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers=_attachment("organisations.xlsx"))
