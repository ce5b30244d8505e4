"""Megatrends ingester: the project's checked copy of the JRC list and its sector mapping."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.ingest import megatrends
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.model.namespaces import ECO, RDFS, SKOS
from ecograph.model.nt import serialize

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared" / "data" / "megatrends" / "jrc_megatrends_hub.csv"
FIXTURES = Path(__file__).resolve().parent / "data" / "ingest"
B = "http://example.org"


def _ctx(mapping: Path = DATA / "megatrend_sectors.csv", trends: Path = DATA / "megatrends.csv") -> IngestContext:
    return IngestContext(base=B, files={"megatrends": trends, "mapping": mapping}, data_dir=DATA)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    result = ox.Store()
    result.bulk_load(serialize(megatrends.read(_ctx())).encode(), ox.RdfFormat.N_TRIPLES)
    return result


def test_fourteen_megatrends(store: ox.Store) -> None:
    rows = list(store.query(f"SELECT ?m ?n WHERE {{ ?m a <{ECO.Megatrend}> ; <{SKOS.notation}> ?n ; "
                            f"<{SKOS.inScheme}> <{B}/id/scheme/megatrends> ; <{SKOS.definition}> ?d ; "
                            f"<{RDFS.seeAlso}> ?url ; <{SKOS.prefLabel}> ?l }}"))
    assert len(rows) == 14
    assert {r[0].value for r in rows} == {f"{B}/id/megatrend/mt{i:02d}" for i in range(1, 15)}
    assert store.query(f'ASK {{ <{B}/id/megatrend/mt13> <{SKOS.prefLabel}> "Shifting health challenges"@en }}')


def test_every_megatrend_is_answered(store: ox.Store) -> None:
    assert not store.query(f"ASK {{ ?m a <{ECO.Megatrend}> FILTER NOT EXISTS {{ ?m <{ECO.answeredBy}> ?s }} }}")
    assert store.query(f"ASK {{ <{B}/id/megatrend/mt13> <{ECO.answeredBy}> <{B}/id/sector/pharma_biotech> }}")


@pytest.mark.skipif(not SHARED.exists(), reason="shared megatrends list not available")
def test_copy_matches_the_shared_list() -> None:
    """Our copy keeps the official titles and page URLs of the JRC list."""
    def rows(path: Path) -> dict[str, tuple[str, str]]:
        with path.open(encoding="utf-8", newline="") as handle:
            return {r["megatrend_id"]: (r["title"], r["source_url"]) for r in csv.DictReader(handle)}
    assert rows(DATA / "megatrends.csv") == rows(SHARED)


@pytest.mark.parametrize(("name", "line", "reason"), [
    ("megatrend_sectors_unknown_key.csv", 4, "unknown sector key 'biotech'"),  # row 2 spans lines 2–3
    ("megatrend_sectors_unknown_megatrend.csv", 3, "unknown megatrend_id 'MT15'"),
])
def test_bad_mapping(name: str, line: int, reason: str) -> None:
    path = FIXTURES / name
    with pytest.raises(IngestError) as err:
        list(megatrends.read(_ctx(mapping=path)))
    assert (err.value.file, err.value.where) == (str(path), line)
    assert reason in err.value.reason


def test_megatrend_row_with_missing_column(tmp_path: Path) -> None:
    lines = (DATA / "megatrends.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "megatrends.csv"
    broken.write_text("".join(lines[:3]) + "MT03,Changing nature of work,,https://example.org/x\n"
                      + "".join(lines[4:]), encoding="utf-8")
    with pytest.raises(IngestError) as err:
        list(megatrends.read(_ctx(trends=broken)))
    assert (err.value.file, err.value.where) == (str(broken), 4)
