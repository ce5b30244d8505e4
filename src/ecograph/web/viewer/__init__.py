"""The viewer: server-rendered pages for the policy team and researchers.

``router`` is included by ``ecograph.web.app.create_app`` before the app's own routes, so the
home page ``/`` here replaces the plain one. Organisation and municipality pages are the HTML of
``/doc/org/…`` and ``/doc/municipality/…``: ``create_app`` hands ``ENTITY_PAGES`` to the Linked
Data routes (``ecograph.web.lod.resources.HTML_PAGES``), which keep the other formats.
"""

from __future__ import annotations

from fastapi import APIRouter

from ecograph.web.viewer import (
    assets,
    changes,
    dashboard,
    directory,
    editor,
    entity,
    home,
    network,
    questions,
    reports,
)

router = APIRouter()
for _module in (assets, home, directory, reports, dashboard, network, questions, editor, changes):  # reports first
    router.include_router(_module.router)

#: The richer HTML of ``/doc/<kind>/…`` for these kinds of entity (the Linked Data routes keep the other formats).
ENTITY_PAGES = {kind: entity.entity_page for kind in entity.HANDLED}


def warm(state: object) -> None:
    """Compute what the viewer keeps per generation (snapshot, heatmap counts, network layout).

    Meant to run once in a background thread when the app starts or a build is published, so the
    first visitor does not pay for it; every page also works without it.
    """
    from ecograph.store.embedded import StoreNotBuilt
    from ecograph.web.viewer.common import snapshot_for

    try:
        snapshot_for(state)
        for region in (dashboard.DEFAULT_REGION, dashboard.RING_REGION):
            dashboard.saved_counts(state, dashboard.SECTOR_QUERY, "sector", region)
            dashboard.saved_counts(state, dashboard.MEGATREND_QUERY, "megatrend", region)
        network.network_for(state)
    except StoreNotBuilt:
        pass


__all__ = ["ENTITY_PAGES", "router", "warm"]
