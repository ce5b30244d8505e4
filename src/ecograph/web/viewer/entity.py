"""Organisation and municipality pages: the HTML of ``/doc/org/<key>`` and ``/doc/municipality/<nis>``.

``lod.py`` owns ``/doc/…`` (content negotiation, the other formats); for HTML it asks
``entity_page`` first, which answers for organisations and municipalities and returns None for
every other kind so the generic document is shown. Each fact is shown with the graph (source)
it comes from, and capabilities and relations with the pages their statements cite.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from ecograph.model.namespaces import DCTERMS, ECO, ORG, SCHEMA
from ecograph.store.embedded import StoreNotBuilt, run_query
from ecograph.web.viewer.common import language, render, snapshot
from ecograph.web.viewer.data import Org, Snapshot, local

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
INVERSE = {
    "spinOffOf": "hasSpinOff", "memberOf": "hasMember", "subOrganizationOf": "hasSubOrganization",
    "acquiredBy": "acquired", "fundedBy": "funds", "locatedInPark": "hostsOrganisation",
    "partnerOf": "partnerOf", "collaboratesWith": "collaboratesWith",
}
HANDLED = ("org", "municipality")


async def entity_page(request: Request, kind: str, key: str, iri: str | None = None) -> Response | None:
    """The viewer's HTML page for an organisation or municipality; None for anything else.

    Registered in ``lod.HTML_PAGES`` (signature: request, kind, key, iri).
    """
    if kind not in HANDLED:
        return None
    return await run_in_threadpool(render_entity_html, request, kind, key)


def render_entity_html(request: Request, kind: str, key: str) -> HTMLResponse | None:
    """Render synchronously; None when this is not an entity the viewer has a page for."""
    try:
        snap = snapshot(request)
    except StoreNotBuilt:
        return None
    iri = f"{snap.base}/id/{kind}/{key}"
    if kind == "org" and iri in snap.orgs:
        return render(request, "pages/organisation.html", organisation_context(request, snap, snap.orgs[iri]))
    if kind == "municipality" and iri in snap.places:
        return render(request, "pages/municipality.html", municipality_context(request, snap, iri))
    return None


def _graph_name(quad: ox.Quad) -> str:
    g = quad.graph_name
    return g.value.rsplit("/", 1)[-1] if isinstance(g, ox.NamedNode) else ""


def _point(snap: Snapshot, org: Org) -> tuple[float, float, bool] | None:
    """(lat, long, approximate): the organisation's own point, else the centre of its municipality's."""
    if org.lat is not None and org.long is not None:
        return org.lat, org.long, False
    near = [o for o in snap.orgs.values() if o.municipality == org.municipality and o.lat is not None
            and o.long is not None] if org.municipality else []
    if not near:
        return None
    return (sum(o.lat for o in near) / len(near), sum(o.long for o in near) / len(near), True)  # type: ignore[misc]


def _tiles(request: Request) -> str:
    tiles = request.app.state.ecograph.settings.tiles
    return tiles if tiles.startswith(("http://", "https://", "/")) else ""


def organisation_context(request: Request, snap: Snapshot, org: Org) -> dict[str, Any]:
    lang = language(request)
    store = request.app.state.ecograph.store.get()
    node = ox.NamedNode(org.iri)
    facts: dict[str, list[tuple[str, set[str]]]] = defaultdict(list)  # predicate → [(value, graphs)]
    index: dict[tuple[str, str], set[str]] = {}
    pages: set[str] = set()
    for q in store.quads_for_pattern(node, None, None, None):
        graph = _graph_name(q)
        if graph == "inferred":
            continue
        pred = q.predicate.value
        value = q.object.value if isinstance(q.object, (ox.NamedNode, ox.Literal)) else str(q.object)
        if pred == DCTERMS.source:
            pages.add(value)
            continue
        k = (pred, value)
        if k not in index:
            index[k] = set()
            facts[pred].append((value, index[k]))
        index[k].add(graph)

    def values(pred: str) -> list[dict[str, Any]]:
        return [{"value": v, "graphs": sorted(g)} for v, g in sorted(facts.get(pred, []))]

    names = [v for v in values(SCHEMA.name) + values("http://www.w3.org/2000/01/rdf-schema#label")]
    seen: set[str] = set()
    names = [n for n in names if not (n["value"] in seen or seen.add(n["value"]))]  # type: ignore[func-returns-value]
    identifiers = []
    for label, pred in (("ROR", ECO.ror), ("Wikidata", ECO.wikidata), ("KBO", ECO.kboNumber)):
        for v in values(pred):
            href = v["value"]
            if pred == ECO.kboNumber:
                digits = href.replace(".", "")
                href = f"https://kbopub.economie.fgov.be/kbopub/zoeknummerform.html?nummer={digits}"
            identifiers.append({"scheme": label, **v, "href": href})
    kind_graphs = sorted(index.get((RDF + "type", ECO[org.kind]), set()))
    caps = []
    for cap in snap.caps:
        if cap.org != org.iri:
            continue
        sector = snap.sectors.get(cap.sector)
        stage = next((s for s in snap.stages if s.iri == cap.stage), None)
        caps.append({"sector": sector.label(lang) if sector else local(cap.sector),
                     "cluster": snap.sectors[snap.cluster_of[cap.sector]].label(lang)
                     if cap.sector in snap.cluster_of else "",
                     "stage": stage.label(lang) if stage else local(cap.stage),
                     "order": stage.order if stage else 9, "sources": list(cap.sources), "rule": cap.rule})
    caps.sort(key=lambda c: (c["cluster"], c["sector"], c["order"]))
    active = [{"label": snap.sectors[v["value"]].label(lang) if v["value"] in snap.sectors else local(v["value"]),
               "graphs": v["graphs"]} for v in values(ECO.activeIn)]
    relations = org_relations(store, snap, org.iri, lang)
    place = snap.places.get(org.municipality or "")
    point = _point(snap, org)
    return {
        "org": org, "names": names, "alternates": values(SCHEMA.alternateName),
        "kind_graphs": kind_graphs, "founded": values(SCHEMA.foundingDate), "website": values(SCHEMA.url),
        "identifiers": identifiers, "nace": values(ORG.classification),
        "place": place.label(lang) if place else "", "place_key": local(org.municipality or ""),
        "place_graphs": sorted(index.get((ECO.locatedIn, org.municipality or ""), set())),
        "stage_unknown": sorted(snap.sectors[c].label(lang) for c in snap.stage_unknown.get(org.iri, ())
                                if c in snap.sectors),
        "place_derivation": values(ECO.placeDerivation), "country": values(SCHEMA.addressCountry),
        "caps": caps, "active": active, "relations": relations, "pages": sorted(pages),
        "map": {"points": [{"lat": point[0], "long": point[1], "label": org.name}] if point else [],
                "approx": bool(point and point[2]), "tiles": _tiles(request)},
        "doc_path": f"/doc/org/{org.key}",
    }


def org_relations(store: ox.Store, snap: Snapshot, iri: str, lang: str) -> list[dict[str, Any]]:
    """Relation statements the organisation is subject or object of, read from its own side."""
    from ecograph.web.viewer.i18n import relation_label

    rows: dict[str, dict[str, Any]] = {}
    for row in run_query(store, f"""
        SELECT ?org ?st ?a ?p ?b ?year ?src WHERE {{
          {{ ?st <{RDF}subject> ?org }} UNION {{ ?st <{RDF}object> ?org }}
          ?st a <{ECO.RelationStatement}> ; <{RDF}subject> ?a ; <{RDF}predicate> ?p ; <{RDF}object> ?b .
          OPTIONAL {{ ?st <{ECO.year}> ?year }}
          OPTIONAL {{ ?st <{DCTERMS.source}> ?src }}
        }}""", substitutions={"org": ox.NamedNode(iri)}):
        st = row["st"].value
        entry = rows.get(st)
        if entry is None:
            a, b, pred = row["a"].value, row["b"].value, local(row["p"].value)
            outgoing = a == iri
            other = b if outgoing else a
            name = INVERSE.get(pred, pred) if not outgoing else pred
            other_org = snap.orgs.get(other)
            entry = rows[st] = {
                "relation": relation_label(name, lang), "key": pred,
                "other": other_org.name if other_org else local(other), "other_key": local(other),
                "year": row["year"].value if row["year"] is not None else "", "sources": set(),
            }
        if row["src"] is not None:
            entry["sources"].add(row["src"].value)
    for r in rows.values():
        r["sources"] = sorted(r["sources"])
    # a total order: the same page whatever order the engine returns the rows in
    return sorted(rows.values(), key=lambda r: (r["relation"], r["other"].casefold(), r["other_key"], r["year"],
                                                r["sources"]))


def municipality_context(request: Request, snap: Snapshot, iri: str) -> dict[str, Any]:
    lang = language(request)
    place = snap.places[iri]
    orgs = sorted(snap.orgs_in({iri}), key=lambda o: o.name.casefold())
    keys = {o.iri for o in orgs}
    chain = []
    up = snap.broader.get(iri)
    while up and up in snap.places and len(chain) < 3:
        chain.append({"label": snap.places[up].label(lang), "href": "/doc/" + up[len(snap.base) + 4:]})
        up = snap.broader.get(up)
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    org_stages: dict[str, set[str]] = defaultdict(set)
    org_clusters: dict[str, set[str]] = defaultdict(set)
    for cap in snap.caps:
        if cap.org in keys:
            cluster = snap.cluster_of.get(cap.sector, cap.sector)
            cells[(cluster, cap.stage)].add(cap.org)
            org_stages[cap.org].add(cap.stage)
            org_clusters[cap.org].add(cluster)
    stage_order = {s.iri: s.order for s in snap.stages}
    rows = []
    for c in snap.clusters:
        label = c.label(lang)
        rows.append({"label": label, "level": 0, "cells": [
            {"count": len(cells.get((c.iri, s.iri), ())), "ring": None, "id": f"{c.key}/{s.key}", "href": "",
             "selected": False, "stage": s.label(lang), "row": label} for s in snap.stages]})
    by_cluster = []
    for c in snap.clusters + [None]:
        members = [o for o in orgs if (c is None and not org_clusters.get(o.iri)) or
                   (c is not None and c.iri in org_clusters.get(o.iri, set()))]
        if not members:
            continue
        by_cluster.append({"label": c.label(lang) if c else "—", "orgs": [{
            "key": o.key, "name": o.name, "kind": o.kind,
            "stages": [next(s.label(lang) for s in snap.stages if s.iri == st)
                       for st in sorted(org_stages.get(o.iri, set()), key=lambda s: stage_order.get(s, 9))],
        } for o in members]})
    points = [{"lat": o.lat, "long": o.long, "label": o.name, "href": f"/doc/org/{o.key}"}
              for o in orgs if o.lat is not None and o.long is not None]
    return {
        "place": place, "name": place.label(lang), "labels": sorted(place.labels.items()),
        "nis": place.notation or local(iri), "chain": chain, "orgs": orgs, "by_cluster": by_cluster,
        "rows": rows, "stages": [s.label(lang) for s in snap.stages],
        "max": max((len(v) for v in cells.values()), default=0),
        "map": {"points": points, "approx": False, "tiles": _tiles(request)},
        "doc_path": "/doc/" + iri[len(snap.base) + 4:],
    }
