"""The viewer in a real browser, against the fixture graph of ``fixture.py``."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from browser.conftest import Watched
from browser.fixture import XSS_IMG, XSS_KEY, XSS_SCRIPT

pytestmark = pytest.mark.browser


def cell(page: Watched, table: str, cell_id: str) -> tuple[str, int]:
    el = page.page.locator(f'#{table} td[data-cell="{cell_id}"]')
    return el.get_attribute("class") or "", int(el.get_attribute("data-count") or -1)


def test_home_says_what_is_in_the_graph(page: Watched) -> None:
    page.goto("/")
    text = page.page.locator("main").inner_text()
    assert "University" in text and "Company" in text
    assert "Curated organisations (fixture)" in text
    assert page.page.locator("#kinds").inner_text().count("\n") >= 3
    page.shot("home")


def test_dashboard_shows_the_known_gaps(page: Watched) -> None:
    page.goto("/dashboard")
    classes, n = cell(page, "heat-sectors", "sector/medtech/market")
    assert n == 0 and "gap" in classes
    classes, n = cell(page, "heat-sectors", "sector/medtech/research")
    assert n == 1 and "single" in classes
    classes, n = cell(page, "heat-sectors", "sector/medtech/production")
    assert n == 2 and "gap" not in classes and "single" not in classes
    classes, n = cell(page, "heat-sectors", "sector/software/research")
    assert n == 0 and "gap" in classes
    # the province (wider ring) has Vilvoorde Soft in that cell
    ring = page.page.locator('#heat-sectors td[data-cell="sector/software/research"] .ring').inner_text()
    assert ring.strip() == "1"
    classes, n = cell(page, "heat-megatrends", "megatrend/mt13/market")
    assert n == 0 and "gap" in classes
    page.shot("dashboard")


def test_unknown_and_not_applicable_cells_are_not_gaps(page: Watched) -> None:
    """An empty cell with organisations of unknown stage is shown and named apart from a confirmed gap."""
    page.goto("/dashboard")
    classes, n = cell(page, "heat-sectors", "sector/high_tech/production")
    assert n == 0 and "unknown" in classes and "gap" not in classes
    mark = page.page.locator('#heat-sectors td[data-cell="sector/high_tech/production"] .unk').inner_text()
    assert mark.replace("\u2009", " ").split() == ["?", "1"]
    label = page.page.locator('#heat-sectors td[data-cell="sector/high_tech/production"] a').get_attribute("aria-label")
    assert "unknown" in (label or "")
    gap_classes, _ = cell(page, "heat-sectors", "sector/medtech/market")
    assert "gap" in gap_classes and "unknown" not in gap_classes
    na_classes, _ = cell(page, "heat-sectors", "sector/software/prototyping")
    assert "na" in na_classes.split() and "gap" not in na_classes
    summary = page.page.locator(".summary").inner_text()
    assert "confirmed gaps" in summary and "empty cells with unknowns" in summary
    # the unknown cell links to the organisations behind the unknown
    page.page.locator('#heat-sectors td[data-cell="sector/high_tech/production"] a').click()
    page.page.wait_for_selector("#cell .orgs.stage-unknown")
    assert page.page.locator("#cell .orgs.stage-unknown .orgname").all_inner_texts() == ["KU Leuven"]
    assert "does not say it is missing" in page.page.locator("#cell .empty").inner_text()
    coverage = page.page.locator("#cell a.coverage").get_attribute("href") or ""
    assert "data-coverage" in coverage and "sector=high_tech" in coverage
    page.goto(coverage)
    assert page.page.locator("#answer").count() == 1
    page.shot("dashboard-unknown")
    page.goto("/doc/org/ku_leuven")
    assert "High tech" in page.page.locator("dd.stage-unknown").inner_text()


def test_clicking_a_cell_lists_its_organisations(page: Watched) -> None:
    page.goto("/dashboard")
    page.page.locator('#heat-sectors td[data-cell="sector/medtech/production"] a').click()
    page.page.wait_for_selector("#cell .orgs")
    names = sorted(page.page.locator("#cell .orgname").all_inner_texts())
    assert names == sorted(["MedTech A", XSS_SCRIPT])
    sources = page.page.locator("#cell a.src").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert "https://example.org/a-production" in sources
    # the kind filter narrows the drill-down and the counts
    page.goto("/dashboard?kind=StartUp&cell=sector/medtech/prototyping")
    assert page.page.locator("#cell .orgname").all_inner_texts() == ["MedTech B"]
    assert cell(page, "heat-sectors", "sector/medtech/production")[1] == 0
    page.shot("dashboard-cell")


def test_organisation_and_municipality_pages(page: Watched) -> None:
    page.goto("/doc/org/ku_leuven")
    assert page.page.locator("#org-name").inner_text() == "KU Leuven"
    ids = page.page.locator("#identifiers").inner_text()
    assert "https://ror.org/05f950310" in ids and "Q1122812" in ids
    rel = page.page.locator("#relations").inner_text()
    assert "has spin-off" in rel and "MedTech B" in rel
    assert page.page.locator("#capabilities").inner_text().count("Research") == 1
    page.page.wait_for_selector("#map path.leaflet-interactive")
    page.shot("organisation")
    page.goto("/doc/org/medtech_a")
    assert "0123.456.789" in page.page.locator("#identifiers").inner_text()
    page.goto("/doc/municipality/24062")
    assert page.page.locator("#mun-name").inner_text().startswith("Leuven")
    who = " ".join(page.page.locator("table.whois").all_inner_texts())
    assert "KU Leuven" in who and "Soft A" in who and "MedTech B" not in who
    page.shot("municipality")


def test_saved_question_form_table_and_permalink(page: Watched) -> None:
    page.goto("/questions")
    page.page.locator('li[data-name="value-chain-coverage"] a').click()
    page.page.fill("#p-region", "vlaams-brabant")
    page.page.locator("#params button[type=submit]").click()
    page.page.wait_for_url("**region=vlaams-brabant**")
    rows = page.page.locator("#answer tbody tr").all_inner_texts()
    software_research = [r for r in rows if "Software" in r and "Research" in r]
    cells = software_research[0].split("\t") if software_research else []
    assert cells[6].strip() == "1" and cells[-1].strip() == "single"  # organisations … status
    table = page.page.locator("#answer").inner_text()
    assert page.page.locator("#q-heatmap").count() == 1  # sector × stage is drawn as a heatmap
    permalink = page.page.locator("#permalink").get_attribute("href")
    assert "region=vlaams-brabant" in permalink
    page.shot("question")
    page.goto(permalink)
    assert page.page.locator("#answer").inner_text() == table
    csv = page.page.request.get(page.base + page.page.locator("#dl-csv").get_attribute("href")).text()
    assert csv.splitlines()[0].startswith("cluster,")
    data = page.page.request.get(page.base + page.page.locator("#dl-json").get_attribute("href")).json()
    assert len(data["results"]["bindings"]) == len(rows)


def test_network_search_then_click_opens_the_page(page: Watched) -> None:
    page.goto("/network")
    page.page.wait_for_selector("body[data-network-ready]")
    page.page.fill("#net-search", "medtech b")
    page.page.locator("#net-results button", has_text="MedTech B").click()
    assert page.page.locator("#net-panel-name").inner_text() == "MedTech B"
    page.shot("network")
    page.page.locator("#network").scroll_into_view_if_needed()
    page.page.wait_for_timeout(200)
    box = page.page.locator("#network canvas").bounding_box()
    pos = page.page.evaluate("""() => { const n = window.ecographNetwork;
        const p = n.canvasToDOM(n.getPosition('medtech_b')); return [p.x, p.y, n.getNodeAt(p)]; }""")
    assert pos[2] == "medtech_b"
    with page.page.expect_navigation():
        page.page.mouse.click(box["x"] + pos[0], box["y"] + pos[1])
    assert page.page.url.endswith("/doc/org/medtech_b")


def test_sparql_editor_runs_a_query(page: Watched) -> None:
    page.goto("/editor")
    page.page.wait_for_selector(".yasqe .CodeMirror")
    page.page.locator('#examples button[data-name="value-chain-coverage"]').click()
    page.page.locator(".yasqe_queryButton").click()
    page.page.wait_for_selector(".yasr table tbody tr", timeout=20000)
    text = page.page.locator(".yasr").inner_text()
    assert "Medical technology" in text
    page.shot("editor")


def test_xss_probes_run_no_script(page: Watched) -> None:
    key = quote(XSS_KEY, safe="")
    for path in ["/dashboard?cell=sector/medtech/research", "/dashboard?cell=sector/medtech/production",
                 "/doc/org/xss_img", f"/doc/org/{key}", "/doc/org/ku_leuven", "/doc/municipality/24062",
                 "/questions/organisation-profile?organisation=xss_img", "/doc/org/medtech_b"]:
        page.goto(path)
        page.page.wait_for_load_state("load")
        page.assert_clean()
    page.goto("/doc/org/xss_img")
    assert page.page.locator("#org-name").inner_text() == XSS_IMG
    assert XSS_SCRIPT in page.page.locator("main").inner_text()
    page.goto("/network")
    page.page.wait_for_selector("body[data-network-ready]")
    page.page.fill("#net-search", "<img")
    page.page.locator("#net-results button").first.click()
    assert page.page.locator("#net-panel-name").inner_text() == XSS_IMG
    page.page.fill("#net-search", "script")
    page.page.locator("#net-results button").first.click()
    assert page.page.locator("#net-panel-name").inner_text() == XSS_SCRIPT
    page.shot("xss-network")
    page.assert_clean()


def test_language_switch(page: Watched) -> None:
    page.goto("/dashboard?lang=nl")
    assert "Hiatendashboard" in page.page.locator("h1").inner_text()
    assert "Medische technologie" in page.page.locator("#heat-sectors").inner_text()
    page.goto("/questions")  # the choice is remembered
    assert page.page.locator("html").get_attribute("lang") == "nl"
    page.page.locator(".lang a[hreflang=en]").click()
    assert page.page.locator("html").get_attribute("lang") == "en"


def test_keyboard_reaches_a_heatmap_cell(page: Watched) -> None:
    page.goto("/dashboard")
    page.page.keyboard.press("Tab")
    assert page.page.evaluate("document.activeElement.className") == "skip"
    page.page.locator('#heat-sectors td[data-cell="sector/medtech/market"] a').focus()
    page.page.keyboard.press("Enter")
    page.page.wait_for_url("**cell=sector%2Fmedtech%2Fmarket**")
    assert "No organisation" in page.page.locator("#cell").inner_text()
