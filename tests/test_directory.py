"""The organisation directory: facet counts against SPARQL COUNTs, search by alias without case or accents,
downloads that equal the rows shown, and the dashboard cell's organisations."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from browser.fixture import XSS_KEY, built_settings
from fastapi.testclient import TestClient

from ecograph.model.names import fold
from ecograph.model.namespaces import ECO, ORG, SKOS
from ecograph.questions.organisations import KINDS, OTHER
from ecograph.web.app import create_app
from ecograph.web.viewer import dashboard
from ecograph.web.viewer.common import snapshot_for
from ecograph.web.viewer.directory_facets import FACETS, build_directory, select_entries


@pytest.fixture(scope="module")
def fixture_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(built_settings(tmp_path_factory.mktemp("directory")))) as client:
        yield client


def _state(client: TestClient) -> Any:
    return client.app.state.ecograph  # type: ignore[attr-defined]


def _count(store: Any, where: str) -> int:
    rows = list(store.query(f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a <{ORG.FormalOrganization}> . {where} }}"))
    return int(rows[0]["n"].value)


def _facet_query(facet: str, key: str, base: str) -> str:
    """The SPARQL pattern that says an organisation ``?o`` has facet value ``key``."""
    sector = f"<{base}/id/sector/{key}>"
    if facet in ("cluster", "sector"):
        return (f"{{ ?o <{ECO.activeIn}> ?s }} UNION {{ ?c <{ECO.organisation}> ?o ; <{ECO.sector}> ?s }} "
                f"?s <{SKOS.broader}>* {sector}")
    if facet == "stage":
        return f"?c <{ECO.organisation}> ?o ; <{ECO.stage}> <{base}/id/stage/{key}>"
    if facet == "kind":
        earlier = " ".join(f"<{ECO[k]}>" for k in KINDS[:KINDS.index(key)])
        own = "" if key == OTHER else f"?o a <{ECO[key]}> ."
        return own + (f" FILTER NOT EXISTS {{ ?o a ?k VALUES ?k {{ {earlier} }} }}" if earlier else "")
    if facet in ("municipality", "arrondissement", "province"):
        up = {"municipality": "", "arrondissement": f"/<{SKOS.broader}>",
              "province": f"/<{SKOS.broader}>/<{SKOS.broader}>"}[facet]
        return f"?o <{ECO.locatedIn}>{up} <{base}/id/{facet}/{key}>"
    if facet == "graph":
        return f"GRAPH <{base}/graph/{key}> {{ ?o ?p ?x }}"
    raise AssertionError(facet)


def _check_counts(state: Any) -> int:
    snap = snapshot_for(state)
    store = state.store.get()
    directory = build_directory(snap, store)
    counts = select_entries(directory, {}, "", "name").counts
    checked = 0
    for facet in FACETS:
        if facet == "unknown":
            continue
        for key, n in counts[facet].items():
            assert _count(store, _facet_query(facet, key, state.settings.base)) == n, (facet, key, n)
            checked += 1
    assert len(directory.entries) == _count(store, "")
    return checked


def test_facet_counts_equal_sparql_counts_on_the_fixture(fixture_app: TestClient) -> None:
    assert _check_counts(_state(fixture_app)) >= 12


def test_facet_counts_equal_sparql_counts_on_the_real_build(real_build: Any) -> None:
    settings, _ = real_build
    state = create_app(settings).state.ecograph
    assert _check_counts(state) > 50
    snap = snapshot_for(state)
    directory = build_directory(snap, state.store.get())
    names = {e.key: e for e in directory.entries}
    for query in ("ku leuven", "KU LEUVEN", "Katholieke Universiteit", "KUL", "katholieke universiteit leuvén"):
        found = [e.key for e in select_entries(directory, {}, query, "name").rows]
        assert "ku_leuven" in found, query
    accented = next(e for e in directory.entries if any(unicodedata.combining(c)
                                                          for c in unicodedata.normalize("NFD", e.name)))
    plain = "".join(c for c in unicodedata.normalize("NFD", accented.name) if not unicodedata.combining(c))
    assert accented.key in [e.key for e in select_entries(directory, {}, plain.upper(), "name").rows]
    assert names["ku_leuven"].founded == 1425


def test_search_by_alias_ignoring_case_and_accents(fixture_app: TestClient) -> None:
    for query in ("ku leuven", "KU LEUVEN", "katholieke universiteit", "Kathölieke Universitéit", "kuleuven"):
        page = fixture_app.get("/organisations", params={"q": query, "lang": "en"}).text
        assert 'data-key="ku_leuven"' in page, query
        assert 'data-key="medtech_a"' not in page, query
    data = fixture_app.get("/organisations.json", params={"q": "KATHOLIEKE"}).json()
    assert [o["key"] for o in data["organisations"]] == ["ku_leuven"]
    assert data["filters"] == {"q": ["KATHOLIEKE"]} and data["build"]


def _shown(page: str) -> list[str]:
    return [html.unescape(k) for k in re.findall(r'<tr data-key="([^"]*)"', page)]


def test_filtered_downloads_equal_the_rows_shown(fixture_app: TestClient) -> None:
    params = [("municipality", "24062"), ("municipality", "24107"), ("cluster", "health"), ("sort", "-name")]
    shown = _shown(fixture_app.get("/organisations", params=params).text)
    assert len(shown) == 5 and XSS_KEY in shown
    rows = list(csv.DictReader(io.StringIO(fixture_app.get("/organisations.csv", params=params).text)))
    assert [r["key"] for r in rows] == shown
    names = [fold(r["name"]) for r in rows]  # by name, ignoring case, accents and punctuation
    assert names == sorted(names, reverse=True) and len(set(names)) == 5
    data = fixture_app.get("/organisations.json", params=params).json()
    assert [o["key"] for o in data["organisations"]] == shown and data["count"] == 5
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(fixture_app.get("/organisations.xlsx", params=params).content))
    data_sheet, about = book.worksheets
    assert [r[0] for r in data_sheet.iter_rows(min_row=2, values_only=True)] == shown
    about_text = " ".join(str(v) for row in about.iter_rows(values_only=True) for v in row)
    assert "CC BY 4.0" in about_text and "Leuven" in about_text and "build=" in about_text


def test_facets_combine_and_count_disjunctively(fixture_app: TestClient) -> None:
    page = fixture_app.get("/organisations", params=[("municipality", "24062"), ("lang", "en")]).text
    # the other municipalities are still counted (with every other filter applied), so they can be added
    assert re.search(r'data-value="24107"[^>]*>.*?</a> <span class="count">1</span>', page)
    assert 'id="dir-total">5 organisations' in page
    both = fixture_app.get("/organisations", params=[("municipality", "24062"), ("municipality", "24107")]).text
    assert len(_shown(both)) == 6
    narrowed = fixture_app.get("/organisations", params=[("municipality", "24062"), ("kind", "University")]).text
    assert _shown(narrowed) == ["ku_leuven"]
    unknown = fixture_app.get("/organisations", params={"unknown": "stage"}).text
    assert _shown(unknown) == ["ku_leuven"]


def test_dashboard_cell_links_to_exactly_its_organisations(fixture_app: TestClient) -> None:
    state = _state(fixture_app)
    snap = snapshot_for(state)
    region = snap.region_iri(dashboard.DEFAULT_REGION)
    cells = dashboard.sector_cells(snap, dashboard._facts(snap, region, "", ""))
    cell = "sector/medtech/production"
    page = fixture_app.get("/dashboard", params={"cell": cell}).text
    link = html.unescape(re.search(r'class="to-directory" href="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    listed = _shown(fixture_app.get(link).text)
    behind = cells[(f"{snap.base}/id/sector/medtech", f"{snap.base}/id/stage/production")]
    expected = {co.org.key for co in behind.values()}
    assert set(listed) == expected and len(listed) == 2
    sheet = fixture_app.get(link.replace("/organisations?", "/organisations.xlsx?"))
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"


def test_municipality_page_and_network_link_into_the_directory(fixture_app: TestClient) -> None:
    page = fixture_app.get("/doc/municipality/24062", headers={"Accept": "text/html"}).text
    assert 'href="/organisations?municipality=24062"' in page
    assert 'id="net-directory"' in fixture_app.get("/network").text
    dutch = fixture_app.get("/organisations", params={"lang": "nl"}).text
    assert "Organisatiegids" in dutch and "Gemeente" in dutch


def test_every_state_is_a_url_and_paging(fixture_app: TestClient) -> None:
    first = fixture_app.get("/organisations", params={"per": "3", "sort": "name"}).text
    second = fixture_app.get("/organisations", params={"per": "3", "sort": "name", "page": "2"}).text
    assert len(_shown(first)) == 3 and len(_shown(second)) == 3 and not set(_shown(first)) & set(_shown(second))
    assert 'rel="next" href="/organisations?per=3&amp;sort=name&amp;page=2"' in first
    everything = json.loads(fixture_app.get("/organisations.json", params={"sort": "name"}).text)["organisations"]
    assert [o["key"] for o in everything][:6] == _shown(first) + _shown(second)
