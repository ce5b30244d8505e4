"""Figures and tables for reports: SVG figures that name their region, build and licence; XLSX with two
sheets; embed views; permalinks that name the build."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from browser.fixture import XSS_IMG, built_settings
from fastapi.testclient import TestClient

from ecograph.web.app import create_app
from ecograph.web.viewer.figures import Frame, HeatCell, HeatRow, bar_svg, heatmap_svg

SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(built_settings(tmp_path_factory.mktemp("figures")))) as c:
        yield c


def _stats(client: TestClient) -> Any:
    return client.app.state.ecograph.stats()  # type: ignore[attr-defined]


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))  # valid XML, or this raises
    assert root.tag == f"{SVG_NS}svg" and float(root.get("width", "0")) > 0 and float(root.get("height", "0")) > 0
    return [t.text or "" for t in root.iter(f"{SVG_NS}text")]


@pytest.mark.parametrize("which", ["sectors", "megatrends"])
def test_dashboard_heatmap_svg_names_region_build_and_licence(client: TestClient, which: str) -> None:
    response = client.get("/dashboard/figure.svg", params={"map": which, "lang": "en"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    texts = _texts(response.text)
    joined = "\n".join(texts)
    stats = _stats(client)
    assert "Arrondissement Leuven" in texts
    assert stats.built[:10] in joined and stats.generation in joined and "CC BY 4.0" in joined
    assert "build=" + stats.generation in joined  # the permalink in the source line names the build
    if which == "sectors":
        # the cells carry the dashboard's numbers: medtech × research is single, × market a confirmed gap
        assert "Medical technology" in texts and "1 !" in texts and "n/a" in texts and "? 1" in texts


def test_dashboard_svg_follows_the_region(client: TestClient) -> None:
    texts = _texts(client.get("/dashboard/figure.svg", params={"region": "vlaams-brabant", "lang": "en"}).text)
    assert "Province of Flemish Brabant" in texts


def test_question_figures_and_404_without_one(client: TestClient) -> None:
    svg = client.get("/questions/value-chain-coverage/figure.svg", params={"region": "arrondissement-leuven"})
    texts = _texts(svg.text)
    assert any("Arrondissement Leuven" in t for t in texts) and any(_stats(client).built[:10] in t for t in texts)
    assert client.get("/questions/no-such-question/figure.svg").status_code == 404


def test_figures_escape_the_data() -> None:
    frame = Frame(XSS_IMG, "<b>region</b>", ["&credit"], "legend <x>")
    svg = heatmap_svg(frame, ["A & B"], [HeatRow(XSS_IMG, [HeatCell(3, "", 0, 1)])])
    assert XSS_IMG in _texts(svg) and "<img" not in svg
    bars = bar_svg(frame, [XSS_IMG, "b"], [3, 1], "n")
    assert XSS_IMG in _texts(bars)


def test_question_xlsx_has_the_answer_and_what_it_is(client: TestClient) -> None:
    from openpyxl import load_workbook

    response = client.get("/questions/value-chain-coverage.xlsx", params={"region": "arrondissement-leuven"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 2
    data, about = book.worksheets
    header = [c.value for c in data[1]]
    assert "sector" in header and "sector (label)" in header and "organisations" in header
    counts = [row[header.index("organisations")] for row in data.iter_rows(min_row=2, values_only=True)]
    assert counts and all(isinstance(n, int) for n in counts)
    lines = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert "Parameter region" in lines and lines["Parameter region"] == "arrondissement-leuven"
    assert lines["Region"] == "Arrondissement Leuven" and "CC BY 4.0" in lines["Licence"]
    assert _stats(client).generation in lines["Build"]
    assert any("Curated" in str(v) for k, v in lines.items() if k == "Source graph")


def test_embed_views_have_no_navigation(client: TestClient) -> None:
    for url in ("/dashboard/embed", "/dashboard/embed?map=megatrends", "/questions/value-chain-coverage/embed"):
        page = client.get(url).text
        assert 'aria-label="main"' not in page and 'id="credit"' in page and '<base target="_top">' in page, url
        assert _stats(client).generation in page
    assert 'id="embed-heatmap"' in client.get("/dashboard/embed").text
    assert 'id="embed-figure"' in client.get("/questions/value-chain-coverage/embed").text


def test_permalinks_name_the_build(client: TestClient) -> None:
    generation = _stats(client).generation
    page = client.get("/questions/value-chain-coverage", params={"region": "arrondissement-leuven"}).text
    assert f"build={generation}" in page and 'id="dl-xlsx"' in page and "figure.svg" in page
    assert 'class="note build-notice"' not in page
    old = client.get("/questions/value-chain-coverage", params={"build": "g000000", "lang": "en"}).text
    assert 'class="note build-notice"' in old and "g000000" in old
    dash = client.get("/dashboard").text
    assert f"build={generation}" in dash and "/dashboard/figure.svg?" in dash and "/dashboard/embed?" in dash


def test_pages_print_without_navigation(client: TestClient) -> None:
    page = client.get("/dashboard").text
    assert '<link rel="stylesheet" href="/assets/viewer/print.css" media="print">' in page
    css = client.get("/assets/viewer/print.css").text
    assert "size: A4" in css and ".top" in css and "break-inside: avoid" in css
