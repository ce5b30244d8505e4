"""Network view: organisations and their relations, drawn with vis-network (shipped in pyvis).

The page is a shell; the graph comes from ``/network/data.json`` (capped, with positions computed
once per generation in ``ecograph.questions.network``), and ``/network/around/<key>.json`` adds the neighbours of
one organisation when the cap left some out. pyvis's own HTML writer is not used: it pastes node
titles and ids into HTML unescaped, while here labels only ever reach the page as JSON data,
are drawn on the canvas or set with ``textContent``.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ecograph.questions import network as viz
from ecograph.questions.organisations import KINDS
from ecograph.web.errors import json_error, not_built_as
from ecograph.web.viewer.common import language, memo, not_built, render, snapshot, snapshot_for
from ecograph.web.viewer.i18n import kind_label, relation_label, translate

router = APIRouter(include_in_schema=False)

#: Colour-blind-safe cluster colours (Okabe–Ito), and grey for organisations without a cluster.
COLOURS = {"health": "#D55E00", "high_tech": "#0072B2", "creativity": "#CC79A7", "other": "#009E73", "": "#8C8C8C"}
#: vis-network shape per kind; kinds sharing a shape are told apart by a dashed border.
SHAPES: dict[str, tuple[str, bool]] = {
    "Company": ("dot", False), "StartUp": ("triangle", False),
    "University": ("star", False), "UniversityCollege": ("star", True),
    "ResearchCentre": ("hexagon", False), "Hospital": ("hexagon", True),
    "GovernmentBody": ("square", False), "IncubatorOrSciencePark": ("square", True),
    "InvestorOrFund": ("diamond", False), "BusinessAssociation": ("diamond", True),
    "NetworkOrPlatform": ("triangleDown", False), "OtherOrganisation": ("triangleDown", True),
}
DIRECTED = {"spin_off_of", "member_of", "part_of", "acquired_by", "funded_by", "located_in_park"}
RELATION_NAMES = {"spin_off_of": "spinOffOf", "member_of": "memberOf", "partner_of": "partnerOf",
                  "part_of": "subOrganizationOf", "acquired_by": "acquiredBy", "funded_by": "fundedBy",
                  "collaborates_with": "collaboratesWith", "located_in_park": "locatedInPark"}


def network_for(state: Any) -> tuple[viz.Graph, viz.Graph, dict[str, tuple[float, float]]]:
    """(full graph, drawn graph, positions), computed once per generation."""
    # the snapshot of the same generation has loaded the organisations already
    return state.memoised("viewer-network",  # type: ignore[no-any-return]
                          lambda store: viz.network(store, orgs=snapshot_for(state).loaded))


def _network(request: Request) -> tuple[viz.Graph, viz.Graph, dict[str, tuple[float, float]]]:
    return network_for(request.app.state.ecograph)


def network_json(request: Request) -> bytes:
    def build(store: Any) -> bytes:
        full, shown, positions = _network(request)
        data = viz.to_json(shown, positions, total=len(full.nodes), hidden=viz.hidden_neighbours(full, shown))
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    return memo(request, "viewer-network-json", build)  # type: ignore[no-any-return]


@router.get("/network/data.json")
@not_built_as(json_error)
def network_data(request: Request) -> Response:
    body = network_json(request)
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-cache"})


@router.get("/network/around/{key}.json")
@not_built_as(json_error)
def network_around(request: Request, key: str) -> Response:
    full, _, positions = _network(request)
    data = viz.neighbourhood(full, key, positions)
    status = 200 if data["nodes"] else 404
    return Response(json.dumps(data, ensure_ascii=False), status_code=status, media_type="application/json")


@router.get("/network", response_class=HTMLResponse)
@not_built_as(not_built)
def network_page(request: Request) -> HTMLResponse:
    lang = language(request)
    snap = snapshot(request)
    clusters = [(c.key, c.label(lang), COLOURS.get(c.key, COLOURS[""])) for c in snap.clusters]
    kinds = [(k, kind_label(k, lang), SHAPES[k][0], SHAPES[k][1]) for k in KINDS]
    relations = [(r, relation_label(RELATION_NAMES[r], lang)) for r in RELATION_NAMES]
    config = {
        "colours": COLOURS, "shapes": {k: list(v) for k, v in SHAPES.items()}, "directed": sorted(DIRECTED),
        "relations": dict(relations),
        "kinds": {k: label for k, label, _, _ in kinds},
        "clusterNames": {k: label for k, label, _ in clusters},
        "text": {k: translate(f"net.{k}", lang) for k in ("open", "expand", "none", "counts", "capped")},
    }
    return render(request, "pages/network.html", {
        "clusters": clusters, "kinds": kinds, "relations": relations,
        "stages": [(s.key, s.label(lang)) for s in snap.stages],
        "config": config, "grey": COLOURS[""],
    })
