"""The organisation datasets of the cube (``ecograph.build.cube.organisations``) against the joins they replace.

Five questions read them: data-coverage, cross-cluster-bridges, bridge-pairs,
triple-helix-balance and collaboration-gaps. Their versions from before the cube, which join
the whole graph on every request, are kept in ``tests/data/queries/direct/``; for every store
variant and for regions that cut through the fixture's ties (Tienen alone holds a partner of the
university but not the university), both versions must give the same rows in the same order.
The same holds on the real build.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ecograph.questions.catalogue import load_catalogue, load_query, run_saved

try:
    from .queries_fixtures import BASE, VARIANTS, fixture_store
except ImportError:  # tests/ is not a package
    from queries_fixtures import BASE, VARIANTS, fixture_store  # type: ignore[no-redef]

DIRECT = Path(__file__).parent / "data" / "queries" / "direct"
CATALOGUE = load_catalogue()
NAMES = sorted(p.stem for p in DIRECT.glob("*.rq"))
# default region, the wider ring, one municipality, a municipality with only a partner of a researcher
REGIONS = [None, "vlaams-brabant", "24062", "24107", "24107,24020"]
QB = "http://purl.org/linked-data/cube#"


def _rows(store: Any, query: Any, params: dict[str, str], base: str) -> list[tuple[Any, ...]]:
    result = run_saved(store, query, params, base=base)
    return [tuple(row) for row in result.values()]


@pytest.fixture(scope="module", params=VARIANTS)
def store(request: pytest.FixtureRequest) -> Any:
    return fixture_store(request.param)


def test_the_direct_versions_are_the_five_questions() -> None:
    assert NAMES == ["bridge-pairs", "collaboration-gaps", "cross-cluster-bridges", "data-coverage",
                     "triple-helix-balance"]
    for name in NAMES:  # the saved question reads the cube, its direct version does not
        assert "<id/dataset/" in CATALOGUE[name].text
        assert "<id/dataset/" not in load_query(DIRECT / f"{name}.rq").text


# every question with each region; a question without parameters once
def _has_region(name: str) -> bool:
    return any(p.name == "region" for p in CATALOGUE[name].params)


CASES = [(name, region) for name in NAMES for region in (REGIONS if _has_region(name) else [None])]


@pytest.mark.parametrize(("name", "region"), CASES)
def test_cube_version_equals_the_direct_join(store: Any, name: str, region: str | None) -> None:
    saved = CATALOGUE[name]
    params = {} if region is None else {"region": region}
    direct = _rows(store, load_query(DIRECT / f"{name}.rq"), params, BASE)
    assert _rows(store, saved, params, BASE) == direct


@pytest.mark.parametrize("params", [{"sector": "health"}, {"sector": "other"}, {"sector": "software"},
                                    {"region": "arrondissement-leuven", "sector": "high_tech"}])
def test_data_coverage_narrowed_by_sector_equals_the_direct_join(store: Any, params: dict[str, str]) -> None:
    direct = _rows(store, load_query(DIRECT / "data-coverage.rq"), params, BASE)
    narrowed = _rows(store, CATALOGUE["data-coverage"], params, BASE)
    assert narrowed == direct
    everything = _rows(store, CATALOGUE["data-coverage"], {}, BASE)
    assert set(narrowed) <= set(everything)
    if params == {"sector": "other"}:
        assert narrowed and len(narrowed) < len(everything)


def test_fixture_answers_are_not_empty(store: Any) -> None:
    """The comparison above means something: each direct version has rows on the fixture."""
    for name in NAMES:
        assert _rows(store, load_query(DIRECT / f"{name}.rq"), {"region": "vlaams-brabant"} if _has_region(name)
                     else {}, BASE), name


def test_data_coverage_pages_through_the_list(store: Any) -> None:
    """``limit`` and ``offset`` cut the same list (the stored list position orders it)."""
    full = _rows(store, CATALOGUE["data-coverage"], {}, BASE)
    assert len(full) >= 3
    assert _rows(store, CATALOGUE["data-coverage"], {"limit": "2", "offset": "1"}, BASE) == full[1:3]
    assert _rows(store, CATALOGUE["data-coverage"], {"limit": "1"}, BASE) == full[:1]
    assert _rows(store, CATALOGUE["data-coverage"], {"offset": str(len(full))}, BASE) == []


def test_every_observation_has_each_component_of_its_structure_once(store: Any) -> None:
    """Data Cube integrity constraints IC-11/IC-12-like: no missing or repeated dimension or measure."""
    query = f"""
        SELECT ?obs ?prop (COUNT(?value) AS ?n) WHERE {{
          GRAPH <{BASE}/graph/cube> {{
            ?obs <{QB}dataSet>/<{QB}structure>/<{QB}component> ?spec .
            {{ ?spec <{QB}dimension> ?prop }} UNION {{ ?spec <{QB}measure> ?prop }}
            OPTIONAL {{ ?obs ?prop ?value }} }}
        }} GROUP BY ?obs ?prop HAVING (COUNT(?value) != 1)"""
    assert list(store.query(query)) == []
    datasets = {r["d"].value for r in store.query(f"SELECT DISTINCT ?d WHERE {{ GRAPH ?g {{ ?o <{QB}dataSet> ?d }} }}")}
    assert {f"{BASE}/id/dataset/{name}" for name in (
        "data-gaps", "cluster-bridges", "triple-helix", "company-coverage", "research-ties")} <= datasets


@pytest.mark.parametrize("name", NAMES)
def test_cube_version_equals_the_direct_join_on_the_real_build(real_store: Any, name: str) -> None:
    ox_store: ox.Store = real_store.oxigraph
    base = "http://localhost:8000"
    saved = CATALOGUE[name]
    direct = _rows(ox_store, load_query(DIRECT / f"{name}.rq"), {}, base)
    assert _rows(ox_store, saved, {}, base) == direct
    if name in ("data-coverage", "triple-helix-balance", "cross-cluster-bridges"):
        assert direct, f"{name} has no rows on the real build"
