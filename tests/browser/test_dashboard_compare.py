"""Two regions side by side on the dashboard (headless Chromium, the app on loopback): a peer suggested for
arrondissement Leuven, the A | B | difference view of Leuven and Gent with its known cells, the
shareable URL, region B typed as a NUTS code, Dutch labels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from servers import AppServer

from browser.conftest import Watched
from browser.fixture import built_settings
from browser.regions_fixture import build_regions_store


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """This module's server (the conftest's ``page`` fixture uses it): the fixture with the REFNIS regions."""
    from ecograph.web.app import create_app

    with AppServer(create_app(built_settings(tmp_path_factory.mktemp("compare"), build_regions_store))) as server:
        yield server


def _kind(page: Watched, table: str, cell: str) -> str:
    return page.page.locator(f'#{table} td[data-cell="{cell}"]').get_attribute("data-kind") or ""


def test_peer_suggestion_opens_the_side_by_side_view(page: Watched) -> None:
    page.goto("/dashboard?region=arrondissement-leuven&lang=en")
    peer = page.page.locator("p.peers a.peer")
    assert peer.all_inner_texts() == ["Arrondissement Halle-Vilvoorde"]
    peer.click()
    page.page.wait_for_url("**compare=arrondissement-23000**")
    assert page.page.locator("h1 .sub").inner_text() == "Arrondissement Leuven vs Arrondissement Halle-Vilvoorde"
    # Vilvoorde Soft does software research; Leuven has none there
    assert _kind(page, "diff-sectors", "sector/software/research") == "b-only"
    assert _kind(page, "diff-sectors", "sector/software/market") == "a-only"


def test_leuven_and_gent_side_by_side(page: Watched) -> None:
    page.goto("/dashboard?region=arrondissement-leuven&compare=arrondissement-gent&lang=en")
    for table in ("a-sectors", "b-sectors", "diff-sectors", "a-megatrends", "b-megatrends", "diff-megatrends"):
        assert page.page.locator(f"#{table}").is_visible(), table
    assert _kind(page, "diff-sectors", "sector/medtech/production") == "a-only"
    assert _kind(page, "diff-sectors", "sector/medtech/market") == "b-only"
    assert _kind(page, "diff-sectors", "sector/software/research") == "neither"
    assert _kind(page, "diff-sectors", "sector/software/prototyping") == "na"
    b_market = page.page.locator('#b-sectors td[data-cell="sector/medtech/market"]').get_attribute("data-count")
    assert b_market == "1"
    # an empty cell with unknowns in A is marked and counted, not shown as a plain absence
    unsure = page.page.locator('#diff-sectors td[data-cell="sector/high_tech/production"]')
    assert "uncertain" in (unsure.get_attribute("class") or "")
    assert "A: 1 unknown" in (unsure.locator("a").get_attribute("aria-label") or "")
    summary = page.page.locator("section.side-by-side").first.locator(".diffsummary")
    assert summary.locator(".n-a-only").inner_text() == "8" and summary.locator(".n-b-only").inner_text() == "2"
    assert summary.locator(".n-both").inner_text() == "0" and summary.locator(".n-neither").inner_text() == "5"
    page.shot("compare")
    # the same view from the form, region B typed as a NUTS code: the URL is the one to share
    page.goto("/dashboard?region=arrondissement-leuven&lang=en")
    page.page.locator("details.anyregion summary").click()
    page.page.fill("#any-compare", "BE234")
    page.page.locator("details.anyregion button[type=submit]").click()
    page.page.wait_for_url("**compare=BE234**")
    assert _kind(page, "diff-sectors", "sector/medtech/market") == "b-only"
    assert "Arrondissement Gent" in page.page.locator("h1 .sub").inner_text()


def test_compare_in_dutch(page: Watched) -> None:
    page.goto("/dashboard?region=24062,24107&compare=44021&lang=nl")
    assert page.page.locator("h1 .sub").inner_text() == "Leuven, Tienen vs Gent"
    assert "enkel in A" in page.page.locator(".diffsummary").first.inner_text()
    assert _kind(page, "diff-sectors", "sector/medtech/market") == "b-only"
