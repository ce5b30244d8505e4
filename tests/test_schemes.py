"""ecograph.model.schemes: the sector and stage schemes as Python values, and the NACE matching rule."""

from __future__ import annotations

import pytest

from ecograph.model.schemes import (
    cluster_keys,
    load_sectors,
    load_stages,
    ontology_dir,
    scheme_files,
    sectors_for_nace,
)

ALL = {"health", "high_tech", "creativity", "other"}


def test_ontology_dir() -> None:
    assert (ontology_dir() / "ecograph.ttl").is_file()
    assert (ontology_dir() / "shapes.ttl").is_file()
    assert {p.name for p in scheme_files()} >= {"sectors.ttl", "stages.ttl"}


def test_load_sectors() -> None:
    sectors = {s.key: s for s in load_sectors()}
    assert cluster_keys() == ["creativity", "health", "high_tech", "other"]
    assert len(sectors) == 4 + 16
    assert sectors["health"].is_cluster and sectors["health"].nace_codes == ()
    assert sectors["medtech"].cluster == "health"
    assert sectors["medtech"].nace_codes == ("26.6", "32.5")
    assert sectors["food"].nace_codes == ("01", "10", "11")
    assert sectors["pharma_biotech"].label_nl and sectors["pharma_biotech"].label_en
    # Clusters come first.
    assert [s.is_cluster for s in load_sectors()][:4] == [True] * 4


def test_nace_codes_unique() -> None:
    codes = [c for s in load_sectors() for c in s.nace_codes]
    assert len(codes) == len(set(codes))


def test_load_stages() -> None:
    stages = load_stages()
    assert [(s.key, s.order) for s in stages] == [
        ("research", 1), ("prototyping", 2), ("production", 3), ("market", 4),
    ]  # fmt: skip
    assert stages[0].label_nl == "Onderzoek"


@pytest.mark.parametrize(
    ("code", "clusters", "expected"),
    [
        ("21", {"health"}, ["pharma_biotech"]),
        ("21.20", {"health"}, ["pharma_biotech"]),
        ("2120", {"health"}, ["pharma_biotech"]),
        # Division 72 meets group 72.1 (the code is a prefix of the sector's code).
        ("72", {"high_tech"}, ["engineering_rd"]),
        ("72.19", {"high_tech"}, ["engineering_rd"]),
        # The longest matching eco:naceCode wins: 26.6 (medtech) over 26 (electronics).
        ("26.60", {"health", "high_tech"}, ["medtech"]),
        ("26", {"health", "high_tech"}, ["medtech"]),
        ("26.1", {"health", "high_tech"}, ["electronics"]),
        ("26", {"high_tech"}, ["electronics"]),
        ("32", {"health"}, ["medtech"]),
        # A tie between clusters: division 71 meets 71.1 (design) and 71.2 (engineering_rd).
        ("71", {"creativity", "high_tech"}, ["design", "engineering_rd"]),
        ("71", {"creativity"}, ["design"]),
        ("01", {"other"}, ["food"]),
        ("01.1", {"other"}, ["food"]),
        # Only sub-sectors of the organisation's clusters count; otherwise the clusters.
        ("21", {"high_tech"}, ["high_tech"]),
        ("94", {"other", "creativity"}, ["creativity", "other"]),
        ("90", set(), []),
    ],
)
def test_sectors_for_nace(code: str, clusters: set[str], expected: list[str]) -> None:
    assert sectors_for_nace(code, clusters) == expected


def test_sectors_for_nace_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        sectors_for_nace("72", {"biotech"})
    with pytest.raises(ValueError):
        sectors_for_nace("M72", {"high_tech"})
    with pytest.raises(ValueError):
        sectors_for_nace("", ALL)
