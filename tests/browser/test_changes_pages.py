"""/changes, a build's page and /trajectory in Chromium, after builds of the curated data with known differences.

Three builds of REFNIS + curated: the data as it is; one organisation removed (the second build
recorded); a new organisation added and the sole organisation of a region's cell removed (the
third: the cell opened). Nothing but the app on loopback is requested.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builds import sources_named
from conftest import REPO, make_settings, mirror_downloads, quiet
from servers import AppServer
from test_changes import _a_single_cell, _drop, _rows

from browser.conftest import Watched
from ecograph.build.publish import build

SOURCES = sources_named("refnis", "curated")


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[AppServer, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("changes-browser")
    data = tmp / "data"
    shutil.copytree(REPO / "data", data)
    settings = make_settings(tmp, data=data, workers=1)
    mirror_downloads(settings, shared_data)
    fields, rows = _rows(data / "curated" / "organisations.csv")
    build(settings, sources=SOURCES, progress=quiet)
    _fields, relations = _rows(data / "curated" / "relations.csv")
    related = {r["subject_id"] for r in relations} | {r["object_id"] for r in relations}
    alone = [r for r in rows if r["id"] not in related]
    rows = _drop(data, fields, rows, {alone[0]["id"]})
    build(settings, sources=SOURCES, progress=quiet)
    cell, sole = _a_single_cell(settings)
    added = dict(alone[1], id="zz_browser_new", name="ZZ Browser New", ror_id="", wikidata_qid="", website="",
                 alt_names="")
    _drop(data, fields, [*rows, added], {sole})
    build(settings, sources=SOURCES, progress=quiet)
    from ecograph.web.app import create_app

    with AppServer(create_app(settings)) as server:
        yield server, {"cell": cell, "added": "zz_browser_new"}


@pytest.fixture
def watched(browser: Any, changed: tuple[AppServer, dict[str, str]]) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    page = Watched(context.new_page(), changed[0].url)
    yield page
    try:
        page.assert_clean()
    finally:
        context.close()


def test_changes_list_build_page_and_trajectory(watched: Watched, changed: tuple[AppServer, dict[str, str]]) -> None:
    _server, names = changed
    watched.goto("/changes")
    builds = watched.page.locator("ul.changes > li")
    assert builds.count() == 2
    assert "g000003" in builds.nth(0).inner_text() and "g000002" in builds.nth(1).inner_text()

    builds.nth(0).locator("a", has_text="g000003").click()
    watched.page.wait_for_url("**/changes/g000003")
    assert watched.page.locator(f'a[href="/doc/org/{names["added"]}"]').count() >= 1
    sector, stage = names["cell"].split(".")
    opened = watched.page.locator("h3", has_text="gap opened")
    assert opened.count() == 1
    cell = watched.page.locator(f'a[href*="cell=sector/{sector}/{stage}"]')
    assert cell.count() == 1 and "1 → 0" in cell.locator("xpath=..").inner_text()
    watched.shot("changes-build")

    watched.goto("/trajectory")
    drawn = watched.page.evaluate("""() => ['trajectory', 'founded'].map(id => {
        const el = document.getElementById(id);
        const chart = el && window.Chart && Chart.getChart(el);
        return chart ? chart.data.datasets.length * (el.width > 0 ? 1 : 0) : 0;
    })""")
    assert drawn[0] == 9 and drawn[1] >= 1, drawn  # the nine headline figures; one series per cluster
    assert watched.errors == []
    watched.shot("trajectory")
