"""Any region by code: key, NIS code, NUTS code, name or list of municipalities give the same answer in the
saved questions and on the dashboard; the NUTS regions are in the graph as Eurostat IRIs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from browser.fixture import built_settings
from browser.regions_fixture import build_regions_store
from conftest import BASE

from ecograph.ingest import refnis
from ecograph.ingest.base import IngestContext
from ecograph.model.namespaces import ECO, SKOS
from ecograph.model.nt import serialize
from ecograph.questions.catalogue import QueryError, run_saved
from ecograph.questions.regions import RegionNotFound, load_index, peers, resolve, resolve_region
from ecograph.store.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
NT = REPO.parent / "shared" / "data" / "belgif-refnis" / "refnis2025.nt"
NUTS = "http://data.europa.eu/nuts/code/"
B = "http://example.org"
LEUVEN = ("arrondissement-leuven", "region/arrondissement-leuven", "24000", "BE242", "be242", "arrondissement-24000",
          f"<{BASE}/id/region/arrondissement-24000>", "24062,24107", "leuven, tienen", "municipality-leuven,24107")
GENT = ("arrondissement-gent", "44000", "BE234", "arrondissement-44000", "44021", "gent", "gand")


# --- the real REFNIS file ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def refnis_store() -> ox.Store:
    if not NT.exists():
        pytest.skip("shared REFNIS extract not available")
    ctx = IngestContext(base=B, files={"nt": NT, "regions": REPO / "data" / "regions.csv"}, data_dir=REPO / "data")
    store = ox.Store()
    store.bulk_load(serialize(refnis.read(ctx)).encode(), ox.RdfFormat.N_TRIPLES)
    return store


def test_nuts_regions_are_linked_by_their_eurostat_iris(refnis_store: ox.Store) -> None:
    def ask(query: str) -> bool:
        return bool(refnis_store.query(query))

    for unit, region, code in (("arrondissement/24000", "arrondissement-24000", "BE242"),
                               ("province/20001", "province-20001", "BE24"),
                               ("arrondissement/44000", "arrondissement-44000", "BE234")):
        assert ask(f"ASK {{ <{B}/id/{unit}> <{SKOS.exactMatch}> <{NUTS}{code}> ; <{ECO.nutsCode}> \"{code}\" }}")
        assert ask(f"ASK {{ <{B}/id/region/{region}> <{ECO.nuts}> <{NUTS}{code}> }}")
    # the three gewesten are regions too, with their NUTS level-1 region
    for code, nuts in (("2000", "BE2"), ("3000", "BE3"), ("4000", "BE1")):
        assert ask(f"ASK {{ <{B}/id/region/region-{code}> a <{ECO.Region}> ; <{ECO.nuts}> <{NUTS}{nuts}> }}")
    sizes = {code: int(next(iter(refnis_store.query(
        f"SELECT (COUNT(?m) AS ?n) WHERE {{ <{B}/id/region/region-{code}> <{ECO.hasMunicipality}> ?m }}")))[0].value)
        for code in ("2000", "3000", "4000")}
    assert sizes == {"2000": 284, "3000": 261, "4000": 19}  # the current municipalities: 564 of 567
    # NUTS links are IRIs, never strings
    assert not ask(f"ASK {{ ?r <{ECO.nuts}> ?n FILTER(!isIRI(?n)) }}")


def test_any_region_resolves_the_same_on_the_real_refnis(refnis_store: ox.Store) -> None:
    index = load_index(refnis_store, B)
    gent = {resolve(index, text).municipalities for text in
            ("arrondissement-gent", "BE234", "44000", "arrondissement-44000", "arrondissement-gand")}
    assert len(gent) == 1 and f"{B}/id/municipality/44021" in next(iter(gent))
    assert resolve(index, "BE234").iri == f"{B}/id/region/arrondissement-44000"
    flanders = {resolve(index, text).municipalities
                for text in ("region-vlaams-gewest", "BE2", "2000", "vlaams-gewest")}
    assert len(flanders) == 1
    brabant = {resolve(index, t).municipalities for t in ("vlaams-brabant", "province-vlaams-brabant", "BE24", "20001")}
    assert len(brabant) == 1
    assert resolve(index, "leuven").municipalities == {f"{B}/id/municipality/24062"}
    assert resolve_region(refnis_store, "24062,Tienen", B) == {f"{B}/id/municipality/24062",
                                                               f"{B}/id/municipality/24107"}
    # default peers: the other arrondissement of Flemish Brabant; all other provinces for a province
    assert peers(index, f"{B}/id/region/arrondissement-leuven") == [f"{B}/id/region/arrondissement-23000"]
    assert len(peers(index, f"{B}/id/region/province-20001")) == 9
    with pytest.raises(RegionNotFound):
        resolve(index, "atlantis")


# --- saved questions and the dashboard on a fixture ---------------------------------------------------


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return built_settings(tmp_path_factory.mktemp("regions"), build_regions_store)


@pytest.fixture(scope="module")
def store(settings: Any) -> Iterator[EmbeddedStore]:
    yield EmbeddedStore(settings.store)


def _answer(store: EmbeddedStore, name: str, region: str) -> list[tuple[Any, ...]]:
    return sorted(run_saved(store, name, {"region": region}, base=BASE).values(), key=repr)


@pytest.mark.parametrize("name", ["value-chain-coverage", "megatrend-coverage", "broken-chains",
                                  "triple-helix-balance", "data-coverage"])
def test_saved_question_same_answer_by_key_nis_nuts_name_and_list(store: EmbeddedStore, name: str) -> None:
    for forms in (LEUVEN, GENT):
        answers = {form: _answer(store, name, form) for form in forms}
        first = answers[forms[0]]
        assert first, (name, forms[0])
        assert all(a == first for a in answers.values()), {k: v for k, v in answers.items() if v != first}
    # the two regions differ, so the equality above is not that of two empty answers
    assert _answer(store, name, "BE242") != _answer(store, name, "BE234")


def test_region_errors_still_name_what_is_missing(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match=r"no eco:Region <http://localhost:8000/id/region/atlantis>"):
        run_saved(store, "value-chain-coverage", {"region": "atlantis"}, base=BASE)
    with pytest.raises(QueryError, match=r"no eco:Municipality <http://localhost:8000/id/municipality/99999>"):
        run_saved(store, "value-chain-coverage", {"region": "24062,99999"}, base=BASE)


_CELL = re.compile(r'data-cell="([^"]+)" data-count="(\d+)"')


def _cells(html: str, table: str) -> list[tuple[str, str]]:
    start = html.index(f'id="{table}"')
    return _CELL.findall(html[start:html.index("</table>", start)])


@pytest.fixture(scope="module")
def client(settings: Any) -> Any:
    from fastapi.testclient import TestClient

    from ecograph.web.app import create_app

    return TestClient(create_app(settings))


def test_dashboard_same_heatmaps_by_key_nis_nuts_name_and_list(client: Any) -> None:
    for forms in (LEUVEN, GENT):
        maps = {}
        for form in forms:
            html = client.get("/dashboard", params={"region": form, "lang": "en"}).text
            assert "region-missing" not in html, form
            maps[form] = (_cells(html, "heat-sectors"), _cells(html, "heat-megatrends"))
        assert len({repr(m) for m in maps.values()}) == 1, forms
    leuven = client.get("/dashboard?region=BE242&lang=en").text
    gent = client.get("/dashboard?region=BE234&lang=en").text
    assert _cells(leuven, "heat-sectors") != _cells(gent, "heat-sectors")
    assert "Arrondissement Gent" in gent


def test_dashboard_says_when_a_region_is_unknown_and_suggests_peers(client: Any) -> None:
    html = client.get("/dashboard?region=atlantis&lang=en").text
    assert "region-missing" in html and "atlantis" in html
    html = client.get("/dashboard?region=arrondissement-leuven&lang=en").text
    assert re.search(r'class="peer" href="[^"]*compare=arrondissement-23000', html)


def test_dashboard_side_by_side_difference(client: Any) -> None:
    html = client.get("/dashboard?region=arrondissement-leuven&compare=arrondissement-gent&lang=en").text
    kinds = dict(re.findall(r'data-cell="([^"]+)" data-kind="([^"]+)"', html))
    assert kinds["sector/medtech/production"] == "a-only"
    assert kinds["sector/medtech/market"] == "b-only"
    assert kinds["sector/software/research"] == "neither"
    assert kinds["sector/software/prototyping"] == "na"
    # KU Leuven is in high tech with no capability at production: not a confirmed absence in A
    cell = re.search(r'class="cell diff ([^"]+)" data-cell="sector/high_tech/production"[^>]*'
                     r'data-a-unknown="(\d+)" data-b-unknown="(\d+)"', html)
    assert cell is not None and cell.groups() == ("neither uncertain", "1", "0")
    assert 'id="a-sectors"' in html and 'id="b-sectors"' in html and 'id="diff-megatrends"' in html
