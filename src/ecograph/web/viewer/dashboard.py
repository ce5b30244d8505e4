"""The gap dashboard: sector × stage and megatrend × stage heatmaps for a region.

The counts are the saved questions ``value-chain-coverage`` and ``megatrend-coverage`` (the same
numbers a researcher gets from the catalogue). Their parameters are only the region, so when a
filter they cannot express is on (kind of organisation; cluster for the megatrend rows) the
counts are made here from the same facts, with the same rule: an organisation counts once per
cell when it has a capability at that stage in the row's sector or a narrower one. Clicking a
cell lists the organisations behind it, with the sources of each capability.

The region is any text :mod:`ecograph.questions.regions` resolves (a key, a NIS or NUTS code, a
name, a list of municipalities); ``compare`` puts a second region beside it with the difference
of the two (:mod:`ecograph.web.viewer.compare`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ecograph.model.gaps import GAP, NOT_APPLICABLE, SINGLE, UNKNOWN, broader_or_self, cell_status, unclassified
from ecograph.questions.catalogue import QueryError, get_query, plain, run_saved
from ecograph.questions.organisations import KINDS
from ecograph.questions.regions import RegionIndex, RegionNotFound, Resolved, region_index, resolve
from ecograph.web.errors import not_built_as
from ecograph.web.viewer import compare as cmp
from ecograph.web.viewer.changes import cell_trajectory
from ecograph.web.viewer.common import not_built, page_url, render, snapshot
from ecograph.web.viewer.data import Cap, Org, Snapshot, local

router = APIRouter(include_in_schema=False)

DEFAULT_REGION = "arrondissement-leuven"
RING_REGION = "vlaams-brabant"
SECTOR_QUERY = "value-chain-coverage"
MEGATREND_QUERY = "megatrend-coverage"


@dataclass
class CellOrg:
    org: Org
    caps: list[Cap] = field(default_factory=list)


@dataclass(frozen=True)
class Counts:
    """What a cell's saved question says: organisations found, unknown ones, whether the stage applies."""

    known: int
    unknown: int = 0  # stage unknown in the region + without a place in the concept
    applicable: bool = True
    unclassified: int = 0  # the region's organisations in no sector (the same for every cell)

    @property
    def status(self) -> str:
        return cell_status(self.known, self.unknown + self.unclassified, self.applicable)


Unknown = tuple[dict[str, list[Org]], dict[str, list[Org]], list[Org]]


def _members(snap: Snapshot, region: str | Set[str]) -> Set[str]:
    """A region's municipalities: ``region`` is an eco:Region IRI or already the set."""
    return snap.region_members.get(region, set()) if isinstance(region, str) else region


def unknown_orgs(snap: Snapshot, region: str | Set[str], kind: str, cluster: str) -> Unknown:
    """Per concept (sector or megatrend IRI): the region's organisations whose stage is unknown
    there, and the organisations located nowhere that are in it; and the region's organisations in
    no sector. Filters as for the counts (kind; cluster: organisations in that cluster)."""
    members = _members(snap, region)
    stage: dict[str, list[Org]] = defaultdict(list)
    nowhere: dict[str, list[Org]] = defaultdict(list)
    none: list[Org] = []
    for iri, org in snap.orgs.items():
        facts = snap.org_sectors.get(iri)
        if facts is None or (kind and org.kind != kind):
            continue
        if cluster and cluster not in snap.in_sectors.get(iri, ()):
            continue
        if org.municipality in members:
            for concept in snap.stage_unknown.get(iri, ()):
                stage[concept].append(org)
            if unclassified(facts):
                none.append(org)
        for concept in snap.unplaced.get(iri, ()):
            nowhere[concept].append(org)
    return stage, nowhere, none


def _facts(snap: Snapshot, region: str | Set[str], kind: str, cluster: str) -> list[tuple[Cap, Org]]:
    members = _members(snap, region)
    out = []
    for cap in snap.caps:
        org = snap.orgs.get(cap.org)
        if org is None or org.municipality not in members:
            continue
        if kind and org.kind != kind:
            continue
        if cluster and snap.cluster_of.get(cap.sector) != cluster:
            continue
        out.append((cap, org))
    return out


def sector_cells(snap: Snapshot, facts: list[tuple[Cap, Org]]) -> dict[tuple[str, str], dict[str, CellOrg]]:
    """(sector IRI, stage IRI) → organisations behind the cell with their capabilities."""
    cells: dict[tuple[str, str], dict[str, CellOrg]] = defaultdict(dict)
    for cap, org in facts:
        for row in broader_or_self(cap.sector, snap.ups):
            cells[(row, cap.stage)].setdefault(org.iri, CellOrg(org)).caps.append(cap)
    return cells


def megatrend_cells(snap: Snapshot, facts: list[tuple[Cap, Org]]) -> dict[tuple[str, str], dict[str, CellOrg]]:
    cells: dict[tuple[str, str], dict[str, CellOrg]] = defaultdict(dict)
    for mt in snap.megatrends:
        answering = snap.answered_by.get(mt.iri, set())
        for cap, org in facts:
            if any(snap.sector_matches(cap.sector, s) for s in answering):
                cells[(mt.iri, cap.stage)].setdefault(org.iri, CellOrg(org)).caps.append(cap)
    return cells


def saved_counts(state: Any, name: str, row_var: str, region_key: str) -> dict[tuple[str, str], Counts] | None:
    """Counts per (row IRI, stage IRI) from a saved question; None when it is not available."""

    def build(store: Any) -> dict[tuple[str, str], Counts] | None:
        try:
            query = get_query(name)
            result = run_saved(store, query, {"region": region_key}, base=state.settings.base)
        except QueryError:
            return None
        counts = {}
        for rec in result.records():
            row, stage, n = rec.get(row_var), rec.get("stage"), rec.get("organisations")
            if row is None or stage is None:
                continue
            unknown = int(plain(rec.get("stageUnknown")) or 0) + int(plain(rec.get("unplaced")) or 0)
            applicable = str(plain(rec.get("applicable"))).lower() != "false"
            counts[(plain(row), plain(stage))] = Counts(int(plain(n) or 0), unknown, applicable,
                                                        int(plain(rec.get("unclassified")) or 0))
        return counts

    return state.memoised(f"saved:{name}:{region_key}", build)  # type: ignore[no-any-return]


def _count_of(counts: dict[tuple[str, str], Counts] | None, cells: dict[tuple[str, str], dict[str, CellOrg]],
              key: tuple[str, str], unknown: Unknown, not_applicable: set[tuple[str, str]]) -> Counts:
    if counts is not None:
        return counts.get(key, Counts(0))
    stage, nowhere, none = unknown
    return Counts(_known(None, cells, key), len(stage.get(key[0], [])) + len(nowhere.get(key[0], [])),
                  key not in not_applicable, len(none))


def _known(counts: dict[tuple[str, str], Counts] | None, cells: dict[tuple[str, str], dict[str, CellOrg]],
           key: tuple[str, str]) -> int:
    """Organisations known in the cell: the saved question's count, or the organisations behind it."""
    if counts is not None:
        return counts.get(key, Counts(0)).known
    return len(cells.get(key, {}))


def build_dashboard(request: Request, snap: Snapshot, region_key: str, cluster_key: str, kind: str,
                    cell: str, lang: str, members: Set[str] | None = None, ring: bool = True) -> dict[str, Any]:
    """The heatmaps of ``region_key`` (its ``members`` when given: any region the resolver found);
    without ``ring`` no wider ring (the second region of a comparison)."""
    state = request.app.state.ecograph
    region: str | Set[str] = snap.region_iri(region_key) if members is None else members
    ring_key = RING_REGION if region_key != RING_REGION and ring else ""
    cluster = f"{snap.base}/id/sector/{cluster_key}" if cluster_key else ""
    facts = _facts(snap, region, kind, "")
    ring_facts = _facts(snap, snap.region_iri(ring_key), kind, "") if ring_key else []
    s_cells = sector_cells(snap, facts)
    s_ring = sector_cells(snap, ring_facts)
    unknown = unknown_orgs(snap, region, kind, "")
    # the megatrend matrix follows the cluster filter; without one it counts what the sector matrix counts
    mt_unknown = unknown_orgs(snap, region, kind, cluster) if cluster else unknown
    mt_facts = _facts(snap, region, kind, cluster) if cluster else facts
    m_cells = megatrend_cells(snap, mt_facts)
    mt_ring_facts = _facts(snap, snap.region_iri(ring_key), kind, cluster) if ring_key and cluster else ring_facts
    m_ring = megatrend_cells(snap, mt_ring_facts) if ring_key else {}
    # the saved questions answer the unfiltered matrices
    s_counts = saved_counts(state, SECTOR_QUERY, "sector", region_key) if not kind else None
    s_ring_counts = saved_counts(state, SECTOR_QUERY, "sector", ring_key) if ring_key and not kind else None
    m_counts = saved_counts(state, MEGATREND_QUERY, "megatrend", region_key) if not (kind or cluster) else None
    m_ring_counts = (saved_counts(state, MEGATREND_QUERY, "megatrend", ring_key)
                     if ring_key and not (kind or cluster) else None)

    def cells_for(kind_: str, row_iri: str, cells: Any, counts: Any, ring_cells: Any, ring_counts: Any,
                  label: str, unknown_: Any) -> list[dict[str, Any]]:
        out = []
        for stage in snap.stages:
            key = (row_iri, stage.iri)
            n = _count_of(counts, cells, key, unknown_, snap.not_applicable)
            cell_id = f"{kind_}/{local(row_iri)}/{stage.key}"
            out.append({
                "count": n.known,
                "unknown": n.unknown + n.unclassified,
                "status": n.status,
                # the wider ring shows only how many organisations are known there
                "ring": _known(ring_counts, ring_cells, key) if ring_key else None,
                "id": cell_id,
                "href": page_url(request, cell=cell_id) + "#cell",
                "selected": cell_id == cell,
                "stage": stage.label(lang),
                "row": label,
            })
        return out

    sector_rows = []
    for c in snap.clusters:
        if cluster and c.iri != cluster:
            continue
        for concept, level in [(c, 0)] + [(s, 1) for s in snap.subsectors.get(c.iri, [])]:
            label = concept.label(lang)
            sector_rows.append({"key": concept.key, "label": label, "level": level,
                                "cells": cells_for("sector", concept.iri, s_cells, s_counts, s_ring, s_ring_counts,
                                                   label, unknown)})
    mt_rows = []
    for mt in snap.megatrends:
        label = mt.label(lang)
        mt_rows.append({"key": mt.key, "label": label, "notation": mt.notation,
                        "cells": cells_for("megatrend", mt.iri, m_cells, m_counts, m_ring, m_ring_counts, label,
                                           mt_unknown)})

    def extent(rows: list[dict[str, Any]]) -> int:
        return max((c["count"] for r in rows for c in r["cells"]), default=0)

    selected = None
    parts = cell.split("/")
    if len(parts) == 3 and parts[0] in ("sector", "megatrend"):
        row_kind, row_key, stage_key = parts
        stage = next((s for s in snap.stages if s.key == stage_key), None)
        if row_kind == "sector":
            concept = snap.sectors.get(f"{snap.base}/id/sector/{row_key}")
            cells = s_cells
        else:
            concept = next((m for m in snap.megatrends if m.key == row_key), None)
            cells = m_cells
        if stage is not None and concept is not None:
            found = cells.get((concept.iri, stage.iri), {})
            orgs = sorted(found.values(), key=lambda co: co.org.name.casefold())
            stage_unknown, nowhere, _none = unknown if row_kind == "sector" else mt_unknown
            by_name = lambda o: o.name.casefold()  # noqa: E731
            selected = {"row": concept.label(lang), "stage": stage.label(lang), "kind": row_kind, "key": row_key,
                        "orgs": [_org_row(snap, co, lang) for co in orgs],
                        "applicable": (concept.iri, stage.iri) not in snap.not_applicable,
                        "stage_unknown": [_org_row(snap, CellOrg(o), lang)
                                          for o in sorted(stage_unknown.get(concept.iri, []), key=by_name)],
                        "unplaced": [_org_row(snap, CellOrg(o), lang)
                                     for o in sorted(nowhere.get(concept.iri, []), key=by_name)]}
    statuses = [c["status"] for r in sector_rows for c in r["cells"]]
    unclassified_n = next(iter(s_counts.values())).unclassified if s_counts else len(unknown[2])
    return {
        "sector_rows": sector_rows, "sector_max": extent(sector_rows),
        "mt_rows": mt_rows, "mt_max": extent(mt_rows),
        "stages": [s.label(lang) for s in snap.stages],
        "selected": selected, "ring_key": ring_key,
        "sector_saved": s_counts is not None, "mt_saved": m_counts is not None,
        "sector_gaps": statuses.count(GAP), "sector_unknown": statuses.count(UNKNOWN),
        "sector_single": statuses.count(SINGLE), "sector_na": statuses.count(NOT_APPLICABLE),
        "unclassified": unclassified_n,
    }


def _org_row(snap: Snapshot, co: CellOrg, lang: str) -> dict[str, Any]:
    org = co.org
    place = snap.places.get(org.municipality or "")
    caps = []
    for cap in sorted(co.caps, key=lambda c: (c.sector, c.stage)):
        sector = snap.sectors.get(cap.sector)
        stage = next((s for s in snap.stages if s.iri == cap.stage), None)
        caps.append({"sector": sector.label(lang) if sector else local(cap.sector),
                     "stage": stage.label(lang) if stage else local(cap.stage),
                     "sources": list(cap.sources), "rule": cap.rule, "iri": cap.iri})
    return {"key": org.key, "name": org.name, "kind": org.kind,
            "place": place.label(lang) if place else "", "place_key": local(org.municipality or ""),
            "caps": caps}


def region_choices(snap: Snapshot, lang: str) -> list[tuple[str, str]]:
    """The two regions of the issue first, then every other region that holds organisations (a REFNIS
    unit's region once: not again when a named region has the same municipalities)."""
    with_orgs = {o.municipality for o in snap.orgs.values()}
    first = [DEFAULT_REGION, RING_REGION]
    out = []
    seen: set[frozenset[str]] = set()
    for key in first:
        region = snap.regions.get(snap.region_iri(key))
        if region is not None:
            out.append((key, region.label(lang)))
            seen.add(frozenset(snap.region_members.get(region.iri, set())))
    others = []
    for iri, r in snap.regions.items():
        members = frozenset(snap.region_members.get(iri, set()))
        if local(iri) not in first and members & with_orgs and members not in seen:
            others.append((local(iri), r.label(lang)))
            seen.add(members)
    return out + sorted(others, key=lambda kv: kv[1].casefold())


def region_index_of(request: Request) -> RegionIndex:
    state = request.app.state.ecograph
    # the resolver's own cache (per store and generation), which the question pages' region parameter shares
    return state.memoised("region-index", lambda store: region_index(store, state.settings.base))  # type: ignore[no-any-return]


def _resolve(index: RegionIndex, text: str) -> Resolved | None:
    try:
        return resolve(index, text) if text.strip() else None
    except RegionNotFound:
        return None


def _choices(regions: list[tuple[str, str]], key: str, label: str) -> list[tuple[str, str]]:
    """The region list with ``key`` in it (a code or a list typed in the URL is shown as chosen)."""
    return regions if not key or key in dict(regions) else [(key, label), *regions]


def comparison(request: Request, snap: Snapshot, index: RegionIndex, a: dict[str, Any], compare: str,
               cluster: str, kind: str, lang: str) -> dict[str, Any]:
    """Region B's heatmaps (no ring, no drill-down) and the difference with region A's."""
    found = _resolve(index, compare)
    if found is None:
        return {"compare_missing": compare}
    b = build_dashboard(request, snap, compare, cluster, kind, "", lang, members=found.municipalities, ring=False)
    sector_diff = cmp.diff_rows(a["sector_rows"], b["sector_rows"])
    mt_diff = cmp.diff_rows(a["mt_rows"], b["mt_rows"])
    return {"compare": compare, "compare_label": cmp.region_label(index, found, snap.places, lang),
            "b": b, "sector_diff": sector_diff, "mt_diff": mt_diff,
            "sector_diff_summary": cmp.diff_summary(sector_diff), "mt_diff_summary": cmp.diff_summary(mt_diff)}


@router.get("/dashboard", response_class=HTMLResponse)
@not_built_as(not_built)
def dashboard(request: Request, region: str = DEFAULT_REGION, cluster: str = "", kind: str = "",
              cell: str = "", compare: str = "") -> HTMLResponse:
    from ecograph.web.viewer.common import language

    lang = language(request)
    snap = snapshot(request)
    index = region_index_of(request)
    regions = region_choices(snap, lang)
    found = _resolve(index, region)
    missing = "" if found is not None else region
    if found is None:
        region = DEFAULT_REGION
        found = _resolve(index, region)
    if cluster not in {c.key for c in snap.clusters}:
        cluster = ""
    if kind not in KINDS:
        kind = ""
    members = found.municipalities if found is not None else frozenset()
    context = build_dashboard(request, snap, region, cluster, kind, cell, lang, members=members)
    if context["selected"] and not kind:  # the cube's counts (the cell's history) are of every kind
        context["selected"]["history"] = cell_trajectory(request, context["selected"], cell, members, cluster, lang)
    region_label = cmp.region_label(index, found, snap.places, lang) if found is not None else region
    ring_label = dict(regions).get(context["ring_key"], "")
    side = comparison(request, snap, index, context, compare, cluster, kind, lang) if compare.strip() else {}
    return render(request, "pages/dashboard.html", {
        **context, **side,
        "regions": _choices(regions, region, region_label), "region": region, "region_label": region_label,
        "ring_label": ring_label, "region_missing": missing,
        "peers": cmp.peer_choices(index, found, lang),
        "compare_choices": _choices(regions, side.get("compare", ""), side.get("compare_label", "")),
        "clusters": [(c.key, c.label(lang)) for c in snap.clusters], "cluster": cluster,
        "kinds": KINDS, "kind": kind,
        "sector_query": SECTOR_QUERY, "mt_query": MEGATREND_QUERY,
    })
