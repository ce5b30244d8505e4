"""The organisation directory and the report downloads in a real browser (fixture graph; nothing leaves loopback)."""

from __future__ import annotations

import struct
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from browser.conftest import Watched

pytestmark = pytest.mark.browser


def test_directory_search_facet_and_download_links(page: Watched) -> None:
    page.goto("/organisations?lang=en")
    assert page.page.locator("#directory tbody tr").count() == 7
    page.page.fill("#dir-q", "katholieke universitéit")
    page.page.locator("form[role=search] button[type=submit]").click()
    page.page.wait_for_url("**q=katholieke**")
    assert page.page.locator("#directory .orgname").all_inner_texts() == ["KU Leuven"]
    page.goto("/organisations?lang=en")
    page.page.locator('details[data-facet="kind"] a[data-value="Company"]').click()
    page.page.wait_for_url("**kind=Company**")
    page.page.locator('details[data-facet="municipality"] a[data-value="24062"]').click()
    page.page.wait_for_url("**municipality=24062**")
    shown = page.page.locator("#directory tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)")
    assert len(shown) == 4 and "ku_leuven" not in shown
    csv_href = page.page.locator("#dl-csv").get_attribute("href") or ""
    assert urlsplit(csv_href).path == "/organisations.csv"
    assert ("kind", "Company") in parse_qsl(urlsplit(csv_href).query) and \
        ("municipality", "24062") in parse_qsl(urlsplit(csv_href).query)
    # a chip removes its filter again
    page.page.locator(".chips a", has_text="Company").click()
    page.page.wait_for_url(lambda url: "kind=" not in url)
    assert page.page.locator("#directory tbody tr").count() == 5
    page.shot("directory")


def test_dashboard_cell_opens_the_directory(page: Watched) -> None:
    page.goto("/dashboard?cell=sector/medtech/production&lang=en")
    page.page.locator("#cell a.to-directory").click()
    page.page.wait_for_url("**/organisations?**")
    names = sorted(page.page.locator("#directory .orgname").all_inner_texts())
    assert len(names) == 2 and "MedTech A" in names


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_heatmap_downloads_as_png_made_from_the_svg(page: Watched, tmp_path: Path) -> None:
    page.goto("/dashboard?lang=en")
    svg_width = page.page.evaluate("""async () => {
        const text = await (await fetch(document.querySelector('#fig-sectors .dl-svg').href)).text();
        return parseFloat(new DOMParser().parseFromString(text, 'image/svg+xml').documentElement.getAttribute('width'));
    }""")
    with page.page.expect_download() as download:
        page.page.locator("#fig-sectors .dl-png").click()
    target = tmp_path / "figure.png"
    download.value.save_as(target)
    width, height = _png_size(target.read_bytes())
    assert width == 2 * svg_width and height > 100
    assert download.value.suggested_filename == "fig-sectors.png"
    assert page.page.evaluate("document.body.dataset.pngError") is None


def test_print_hides_navigation_and_keeps_the_heatmap(page: Watched) -> None:
    page.goto("/dashboard?lang=en")
    page.page.emulate_media(media="print")
    assert not page.page.locator("header.top").is_visible()
    assert not page.page.locator("form.filters").first.is_visible()
    assert page.page.locator("#heat-sectors").is_visible()
    assert page.page.pdf(format="A4").startswith(b"%PDF")


def test_embed_has_the_figure_and_its_credit(page: Watched) -> None:
    page.goto("/dashboard/embed?lang=en")
    assert page.page.locator("header.top").count() == 0
    assert page.page.locator("#embed-heatmap").is_visible()
    assert "CC BY 4.0" in page.page.locator("#credit").inner_text()
    page.goto("/questions/value-chain-coverage/embed?region=arrondissement-leuven")
    assert page.page.locator("#embed-figure").evaluate("img => img.complete && img.naturalWidth > 0")
