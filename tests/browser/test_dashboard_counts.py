"""The heatmap counts (saved questions) and the organisations behind each cell (viewer facts) agree."""

from __future__ import annotations

from typing import Any

from ecograph.model.gaps import cell_status
from ecograph.web.viewer import dashboard, warm
from ecograph.web.viewer.common import snapshot_for


def _state(settings: Any) -> Any:
    from ecograph.web.app import create_app

    return create_app(settings).state.ecograph


def _check(state: Any) -> int:
    snap = snapshot_for(state)
    checked = 0
    for region in (dashboard.DEFAULT_REGION, dashboard.RING_REGION):
        facts = dashboard._facts(snap, snap.region_iri(region), "", "")
        for name, row_var, cells in (
            (dashboard.SECTOR_QUERY, "sector", dashboard.sector_cells(snap, facts)),
            (dashboard.MEGATREND_QUERY, "megatrend", dashboard.megatrend_cells(snap, facts)),
        ):
            counts = dashboard.saved_counts(state, name, row_var, region)
            assert counts is not None, name
            stage, nowhere, none = dashboard.unknown_orgs(snap, snap.region_iri(region), "", "")
            for key, n in counts.items():
                assert len(cells.get(key, {})) == n.known, (name, region, key)
                # the saved question's SPARQL status and unknown counts = ecograph.model.gaps over the viewer's facts
                unknown = len(stage.get(key[0], [])) + len(nowhere.get(key[0], []))
                assert n.unknown == unknown, (name, region, key, n, unknown)
                expected = cell_status(n.known, unknown + len(none), key not in snap.not_applicable)
                assert n.status == expected, (name, key)
                assert n.unclassified == len(none), (name, region)
                checked += 1
    return checked


def test_counts_agree_on_the_fixture(fixture_settings: Any) -> None:
    state = _state(fixture_settings)
    warm(state)
    assert _check(state) > 0


def test_counts_agree_on_the_real_build(real_build: Any) -> None:
    settings, _ = real_build
    assert _check(_state(settings)) > 100
