"""Every question of the catalogue against the fixture region, answers worked out by hand.

The fixture (tests/data/queries/region.trig) has, in arrondissement Leuven (Leuven, Tienen,
Diest): univ (university; research in pharma_biotech, software, media), rc (research centre;
electronics research + prototyping), hosp (hospital; medtech research, health market),
softco (start-up, spin-off of univ; software prototyping + market, medtech prototyping),
pharmaco (Tienen; pharma production + market, collaborates with univ), chipfab (Diest;
electronics production), farm (Tienen; food production + market), mediahouse (media market,
partner of softco), city (government, no capability), assoc (business association, no
capability). Outside: vilco (Vilvoorde, province only; spin-off of rc, electronics market),
gone (Gent; spin-off of univ), nowhere (no place, sector, stage or source). Founding years: univ
1425, pharmaco 1998, rc, chipfab and mediahouse 2015, gone 2018.

Each test runs on three variants of the store: as stated, with a materialised inference
graph, and with the curated graph duplicated in a second graph; answers must not change.
"""

from __future__ import annotations

from typing import Any

import pytest

from ecograph.questions.catalogue import load_catalogue, run_saved

try:
    from .queries_fixtures import BASE, VARIANTS, fixture_store, short
except ImportError:  # tests/ is not a package
    from queries_fixtures import BASE, VARIANTS, fixture_store, short  # type: ignore[no-redef]

CATALOGUE = load_catalogue()


@pytest.fixture(scope="module", params=VARIANTS)
def store(request: pytest.FixtureRequest) -> Any:
    return fixture_store(request.param)


def answer(store: Any, name: str, columns: list[str], **params: str) -> list[tuple[Any, ...]]:
    result = run_saved(store, CATALOGUE[name], params, base=BASE)
    index = [result.variables.index(c) for c in columns]
    return [tuple(short(row[i]) for i in index) for row in result.values()]


R, P, PR, M = "stage/research", "stage/prototyping", "stage/production", "stage/market"


def per_stage(counts: dict[str, tuple[int, int, int, int]]) -> list[tuple[str, str, int]]:
    """``(row, stage, n)`` rows of a coverage answer, from each row's counts at research … market."""
    return [(row, stage, n) for row, c in counts.items() for stage, n in zip((R, P, PR, M), c, strict=True)]


def test_value_chain_coverage(store: Any) -> None:
    expected_counts = {
        "creativity": (1, 0, 0, 1),
        "media": (1, 0, 0, 1),
        "health": (2, 1, 1, 2),
        "medtech": (1, 1, 0, 0),
        "pharma_biotech": (1, 0, 1, 1),
        "high_tech": (2, 2, 1, 1),
        "electronics": (1, 1, 1, 0),
        "software": (1, 1, 0, 1),
        "other": (0, 0, 1, 1),
        "food": (0, 0, 1, 1),
    }
    expected = per_stage({f"sector/{s}": counts for s, counts in expected_counts.items()})
    assert answer(store, "value-chain-coverage", ["sector", "stage", "organisations"]) == expected


def test_value_chain_coverage_wider_ring_and_municipality_list(store: Any) -> None:
    ring = dict(
        ((s, st), n)
        for s, st, n in answer(
            store, "value-chain-coverage", ["sector", "stage", "organisations"], region="vlaams-brabant"
        )
    )
    # vilco (Vilvoorde) sells electronics: the only difference with the arrondissement
    assert ring[("sector/electronics", M)] == 1
    assert ring[("sector/high_tech", M)] == 2
    assert sum(ring.values()) == 33
    towns = answer(
        store, "value-chain-coverage", ["sector", "stage", "organisations"], region="24107,24020"
    )
    assert len(towns) == 40
    assert sorted((s, st) for s, st, n in towns if n) == sorted(
        [
            ("sector/pharma_biotech", PR), ("sector/pharma_biotech", M),
            ("sector/health", PR), ("sector/health", M),
            ("sector/electronics", PR), ("sector/high_tech", PR),
            ("sector/food", PR), ("sector/food", M), ("sector/other", PR), ("sector/other", M),
        ]
    )
    assert all(n == 1 for _, _, n in towns if n)


def test_megatrend_coverage(store: Any) -> None:
    counts = {
        "MT01": (2, 2, 1, 1),
        "MT04": (1, 0, 1, 1),
        "MT05": (0, 0, 1, 1),
        "MT12": (0, 0, 0, 0),
        "MT13": (2, 1, 1, 2),
    }
    assert answer(store, "megatrend-coverage", ["notation", "stage", "organisations"]) == per_stage(counts)


def test_broken_chains(store: Any) -> None:
    cols = ["sector", "research", "prototyping", "production", "market", "stagesPresent", "firstMissing"]
    assert answer(store, "broken-chains", cols) == [
        ("sector/food", 0, 0, 1, 1, 2, R),
        ("sector/other", 0, 0, 1, 1, 2, R),
        ("sector/pharma_biotech", 1, 0, 1, 1, 3, P),
        ("sector/creativity", 1, 0, 0, 1, 2, P),
        ("sector/media", 1, 0, 0, 1, 2, P),
        ("sector/software", 1, 1, 0, 1, 3, PR),
        ("sector/medtech", 1, 1, 0, 0, 2, PR),
        ("sector/electronics", 1, 1, 1, 0, 3, M),
        ("sector/health", 2, 1, 1, 2, 4, None),
        ("sector/high_tech", 2, 2, 1, 1, 4, None),
    ]


def test_research_without_production(store: Any) -> None:
    cols = ["sector", "research", "prototyping", "market"]
    assert answer(store, "research-without-production", cols) == [
        ("sector/creativity", 1, 0, 1),
        ("sector/media", 1, 0, 1),
        ("sector/medtech", 1, 1, 0),
        ("sector/software", 1, 1, 1),
    ]


def test_single_points_of_failure(store: Any) -> None:
    rows = answer(store, "single-points-of-failure", ["sector", "stage", "organisation", "municipalityLabel"])
    assert rows == [
        ("sector/creativity", R, "org/univ", "Leuven"),
        ("sector/creativity", M, "org/mediahouse", "Leuven"),
        ("sector/electronics", R, "org/rc", "Leuven"),
        ("sector/electronics", P, "org/rc", "Leuven"),
        ("sector/electronics", PR, "org/chipfab", "Diest"),
        ("sector/food", PR, "org/farm", "Tienen"),
        ("sector/food", M, "org/farm", "Tienen"),
        ("sector/health", P, "org/softco", "Leuven"),
        ("sector/health", PR, "org/pharmaco", "Tienen"),
        ("sector/high_tech", PR, "org/chipfab", "Diest"),
        ("sector/high_tech", M, "org/softco", "Leuven"),
        ("sector/media", R, "org/univ", "Leuven"),
        ("sector/media", M, "org/mediahouse", "Leuven"),
        ("sector/medtech", R, "org/hosp", "Leuven"),
        ("sector/medtech", P, "org/softco", "Leuven"),
        ("sector/other", PR, "org/farm", "Tienen"),
        ("sector/other", M, "org/farm", "Tienen"),
        ("sector/pharma_biotech", R, "org/univ", "Leuven"),
        ("sector/pharma_biotech", PR, "org/pharmaco", "Tienen"),
        ("sector/pharma_biotech", M, "org/pharmaco", "Tienen"),
        ("sector/software", R, "org/univ", "Leuven"),
        ("sector/software", P, "org/softco", "Leuven"),
        ("sector/software", M, "org/softco", "Leuven"),
    ]


def test_room_outside_leuven(store: Any) -> None:
    cols = ["sector", "researchInCity", "municipalityLabel", "production"]
    assert answer(store, "room-outside-leuven", cols) == [
        ("sector/creativity", 1, "Diest", 0),
        ("sector/creativity", 1, "Tienen", 0),
        ("sector/electronics", 1, "Diest", 1),
        ("sector/electronics", 1, "Tienen", 0),
        ("sector/health", 2, "Tienen", 1),
        ("sector/health", 2, "Diest", 0),
        ("sector/high_tech", 2, "Diest", 1),
        ("sector/high_tech", 2, "Tienen", 0),
        ("sector/media", 1, "Diest", 0),
        ("sector/media", 1, "Tienen", 0),
        ("sector/medtech", 1, "Diest", 0),
        ("sector/medtech", 1, "Tienen", 0),
        ("sector/pharma_biotech", 1, "Tienen", 1),
        ("sector/pharma_biotech", 1, "Diest", 0),
        ("sector/software", 1, "Diest", 0),
        ("sector/software", 1, "Tienen", 0),
    ]
    ring = answer(store, "room-outside-leuven", cols, region="vlaams-brabant", city="24062")
    assert len(ring) == 24
    assert {r for r in ring if r[2] == "Vilvoorde" and r[3]} == set()


def test_spin_offs_that_left(store: Any) -> None:
    cols = ["spinOff", "municipalityLabel", "parent", "year", "founded"]
    assert answer(store, "spin-offs-that-left", cols) == [
        ("org/vilco", "Vilvoorde", "org/rc", "2020", None),
        ("org/gone", "Gent", "org/univ", None, "2018"),
    ]
    assert answer(store, "spin-offs-that-left", cols, region="vlaams-brabant") == [
        ("org/gone", "Gent", "org/univ", None, "2018"),
    ]


def test_unanswered_megatrends(store: Any) -> None:
    cols = ["notation", "sectorsMapped", "researchOrganisations", "laterStageOrganisations", "status"]
    assert answer(store, "unanswered-megatrends", cols) == [("MT12", 0, 0, 0, "no sector mapped")]
    assert answer(store, "unanswered-megatrends", cols, region="24062") == [
        ("MT12", 0, 0, 0, "no sector mapped"),
        ("MT04", 1, 1, 0, "research only"),
        ("MT05", 1, 0, 0, "unanswered"),
    ]


def test_cross_cluster_bridges(store: Any) -> None:
    cols = ["organisation", "organisationLabel", "health", "highTech", "creativity", "clusters"]
    assert answer(store, "cross-cluster-bridges", cols) == [
        ("org/univ", "Univ Leuven", 1, 1, 1, 3),
        ("org/softco", "SoftCo", 1, 1, 0, 2),
    ]


def test_bridge_pairs(store: Any) -> None:
    cols = ["clusterA", "clusterB", "bridges"]
    assert answer(store, "bridge-pairs", cols) == [
        ("sector/health", "sector/creativity", 1),
        ("sector/high_tech", "sector/creativity", 1),
        ("sector/health", "sector/high_tech", 2),
    ]
    assert [r[2] for r in answer(store, "bridge-pairs", cols, region="24107,24020")] == [0, 0, 0]


def test_triple_helix_balance(store: Any) -> None:
    cols = ["cluster", "companies", "knowledgeInstitutions", "governmentBodies", "others", "organisations"]
    assert answer(store, "triple-helix-balance", cols) == [
        ("sector/high_tech", 2, 2, 0, 1, 5),
        ("sector/health", 2, 2, 0, 0, 4),
        ("sector/creativity", 1, 1, 0, 0, 2),
        ("sector/other", 1, 0, 1, 0, 2),
    ]


def test_collaboration_gaps(store: Any) -> None:
    cols = ["researcher", "sector", "regionalCompanies"]
    assert answer(store, "collaboration-gaps", cols) == [
        ("org/rc", "sector/electronics", 1),
        ("org/hosp", "sector/medtech", 1),
        ("org/univ", "sector/media", 1),
    ]
    # in the province, vilco (Vilvoorde) is a regional company related to rc
    assert answer(store, "collaboration-gaps", cols, region="vlaams-brabant") == [
        ("org/hosp", "sector/medtech", 1),
        ("org/univ", "sector/media", 1),
    ]


def test_organisation_profile(store: Any) -> None:
    cols = ["kind", "property", "value", "valueLabel", "graph", "sources"]
    eco = "https://w3id.org/ecograph/ontology#"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    cur, ror = "graph/curated", "graph/ror"
    src = "https://example.org/"
    cap, caps = "capability/softco.", src + "softco-caps"
    expected = {
        ("capability", eco + "hasCapability", cap + "medtech.prototyping", "Medtech — Prototyping", cur, caps),
        ("capability", eco + "hasCapability", cap + "software.market", "Software — Market", cur, caps),
        ("capability", eco + "hasCapability", cap + "software.prototyping", "Software — Prototyping", cur, caps),
        ("fact", rdf + "type", eco + "Company", "Company", ror, "https://ror.org/0softco00"),
        ("fact", rdf + "type", eco + "StartUp", "Start-up", cur, src + "softco"),
        ("fact", rdfs + "label", "SoftCo", "SoftCo", cur, src + "softco"),
        ("fact", rdfs + "label", "SoftCo NV", "SoftCo NV", ror, "https://ror.org/0softco00"),
        ("fact", eco + "activeIn", "sector/health", "Health", cur, src + "softco"),
        ("fact", eco + "activeIn", "sector/high_tech", "High-tech", cur, src + "softco"),
        ("fact", eco + "locatedIn", "municipality/24062", "Leuven", cur, src + "softco"),
        ("fact", eco + "ror", "https://ror.org/0softco00", None, ror, "https://ror.org/0softco00"),
        ("fact", eco + "spinOffOf", "org/univ", "Univ Leuven", cur, src + "spinoff"),
        ("relation (incoming)", eco + "partnerOf", "org/mediahouse", "Media House", cur, src + "partners"),
    }
    rows = answer(store, "organisation-profile", cols, organisation="softco")
    if store.contains_named_graph(__import__("pyoxigraph").NamedNode(BASE + "/graph/copy")):
        # the duplicated variant holds every curated fact a second time, in graph "copy"
        assert {r for r in rows if r[4] != "graph/copy"} == expected
        assert len(rows) == len(expected) + 10
    else:
        assert set(rows) == expected
        assert len(rows) == len(expected)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)


def test_data_coverage(store: Any) -> None:
    cols = ["organisation", "noSector", "noStage", "noPlace", "noSource"]
    assert answer(store, "data-coverage", cols) == [
        ("org/nowhere", True, True, True, True),
        ("org/city", False, True, False, False),
        ("org/assoc", False, True, False, False),
    ]


def test_founded_per_year(store: Any) -> None:
    # founding years: univ 1425 (three clusters), pharmaco 1998, rc, chipfab and mediahouse 2015; gone (Gent) 2018
    cols = ["year", "cluster", "organisations"]
    assert answer(store, "founded-per-year", cols) == [
        (1425, "sector/creativity", 1), (1425, "sector/health", 1), (1425, "sector/high_tech", 1),
        (1998, "sector/health", 1),
        (2015, "sector/creativity", 1), (2015, "sector/high_tech", 2),
    ]
    # gone's cluster comes from its capability in a sub-sector (pharma_biotech → health)
    assert answer(store, "founded-per-year", cols, region="44021") == [(2018, "sector/health", 1)]


def test_spin_offs_per_year(store: Any) -> None:
    # the relation's year (softco 2015, vilco 2020) or else the founding year (gone 2018)
    assert answer(store, "spin-offs-per-year", ["parent", "year", "spinOffs"]) == [
        ("org/rc", 2020, 1), ("org/univ", 2015, 1), ("org/univ", 2018, 1),
    ]
    assert answer(store, "spin-offs-per-year", ["parent", "year", "spinOffs"], region="23088") == []


def test_every_question_has_an_answer_test() -> None:
    tested = {
        name.replace("_", "-")[len("test-"):]
        for name in globals()
        if name.startswith("test_") and name != "test_every_question_has_an_answer_test"
    }
    missing = [q for q in CATALOGUE if not any(t.startswith(q) for t in tested)]
    assert missing == []
