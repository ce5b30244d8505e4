"""REFNIS ingester: the real published file, the project's regions table, and broken inputs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.ingest import refnis
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.model.namespaces import ECO, SCHEMA, SKOS
from ecograph.model.nt import serialize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "data" / "ingest"
NT = SHARED / "belgif-refnis" / "refnis2025.nt"
REGIONS = ROOT / "data" / "regions.csv"
B = "http://example.org"

pytestmark = pytest.mark.skipif(not NT.exists(), reason="shared REFNIS extract not available")


def _ctx(**files: Path) -> IngestContext:
    return IngestContext(base=B, files=dict(files), data_dir=ROOT / "data")


@pytest.fixture(scope="module")
def run() -> tuple[IngestContext, ox.Store]:
    ctx = _ctx(nt=NT, regions=REGIONS)
    store = ox.Store()
    store.bulk_load(serialize(refnis.read(ctx)).encode(), ox.RdfFormat.N_TRIPLES)
    return ctx, store


def _values(store: ox.Store, query: str) -> list[str]:
    return [row[0].value for row in store.query(query)]


def test_levels_and_counts(run: tuple[IngestContext, ox.Store]) -> None:
    ctx, store = run
    counts = {
        cls: int(_values(store, f"SELECT (COUNT(?s) AS ?n) WHERE {{ ?s a <{cls}> }}")[0])
        for cls in (ECO.Municipality, ECO.Arrondissement, ECO.Province)
    }
    assert counts == {ECO.Municipality: 567, ECO.Arrondissement: 43, ECO.Province: 10}
    # country and the three regions (gewesten) are read and left out on purpose
    assert ctx.rows_rejected == 4
    assert ctx.rows_read == 624 + 2  # concepts + rows of regions.csv


def test_leuven(run: tuple[IngestContext, ox.Store]) -> None:
    _, store = run
    leuven = f"<{B}/id/municipality/24062>"
    assert store.query(f"ASK {{ {leuven} <{SKOS.broader}> <{B}/id/arrondissement/24000> }}")
    assert store.query(f"ASK {{ <{B}/id/arrondissement/24000> <{SKOS.broader}> <{B}/id/province/20001> }}")
    assert store.query(f'ASK {{ {leuven} <{SKOS.notation}> "24062" ; <{SKOS.prefLabel}> "Leuven"@nl, "Louvain"@fr ;'
                       f' <{SKOS.inScheme}> <{B}/id/scheme/places> }}')
    matches = set(_values(store, f"SELECT ?m WHERE {{ {leuven} <{SKOS.exactMatch}> ?m }}"))
    assert matches == {
        "http://vocab.belgif.be/auth/refnis2025/24062",
        "http://www.wikidata.org/entity/Q118958",  # published as …/wiki/Q118958
        "https://sws.geonames.org/2792483/",
    }
    assert _values(store, f"SELECT ?c WHERE {{ <{B}/id/arrondissement/24000> <{ECO.nutsCode}> ?c }}") == ["BE242"]
    assert _values(store, f"SELECT ?c WHERE {{ <{B}/id/province/20001> <{ECO.nutsCode}> ?c }}") == ["BE24"]


def test_brussels_and_repairs(run: tuple[IngestContext, ox.Store]) -> None:
    _, store = run
    # Brussels municipalities sit under an arrondissement that has no province
    assert store.query(f"ASK {{ <{B}/id/municipality/21004> <{SKOS.broader}> <{B}/id/arrondissement/21000> }}")
    assert not store.query(f"ASK {{ <{B}/id/arrondissement/21000> <{SKOS.broader}> ?p }}")
    # 37021 Wingene has no skos:broader in the source: restored from its code
    assert store.query(f"ASK {{ <{B}/id/municipality/37021> <{SKOS.broader}> <{B}/id/arrondissement/37000> }}")
    # ended municipalities are kept, with their end date, but not counted in region sets
    assert store.query(f'ASK {{ <{B}/id/municipality/37022> <{SCHEMA.base}endDate> ?d }}')
    assert not store.query(f"ASK {{ ?r <{ECO.hasMunicipality}> <{B}/id/municipality/37022> }}")


def test_regions(run: tuple[IngestContext, ox.Store]) -> None:
    _, store = run
    region = f"<{B}/id/region/arrondissement-leuven>"
    notations = _values(store, f"SELECT ?n WHERE {{ {region} <{ECO.hasMunicipality}> ?m . "
                               f"?m <{SKOS.notation}> ?n }}")
    assert len(notations) == 30
    assert {"24062", "24107", "24020", "24001", "24094"} <= set(notations)
    assert all(n.startswith("24") for n in notations)
    wider = _values(store, f"SELECT ?m WHERE {{ <{B}/id/region/vlaams-brabant> <{ECO.hasMunicipality}> ?m }}")
    assert len(wider) == 63
    assert store.query(f'ASK {{ {region} a <{ECO.Region}> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }}')
    # one generated region per arrondissement / province
    generated = _values(store, f"SELECT ?m WHERE {{ <{B}/id/region/arrondissement-24000> <{ECO.hasMunicipality}> ?m }}")
    assert len(generated) == 30
    assert store.query(f"ASK {{ <{B}/id/region/province-20001> <{ECO.hasMunicipality}> ?m }}")


def test_bad_ntriples_line(tmp_path: Path) -> None:
    lines = NT.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "refnis2025.nt"
    broken.write_text("".join(lines[:40]) + '<http://vocab.belgif.be/auth/refnis2025/x> <p> "y" .\n'
                      + "".join(lines[40:60]), encoding="utf-8")
    with pytest.raises(IngestError) as err:
        list(refnis.read(_ctx(nt=broken)))
    assert err.value.file == str(broken)
    assert err.value.where == 41


def test_regions_missing_column() -> None:
    path = FIXTURES / "regions_missing_column.csv"
    with pytest.raises(IngestError) as err:
        list(refnis.read(_ctx(nt=NT, regions=path)))
    assert err.value.file == str(path)
    assert err.value.where == 3
    assert "expected 4 fields" in err.value.reason


def test_regions_unknown_code_reports_physical_line() -> None:
    path = FIXTURES / "regions_unknown_code.csv"
    with pytest.raises(IngestError) as err:
        list(refnis.read(_ctx(nt=NT, regions=path)))
    assert (err.value.file, err.value.where) == (str(path), 4)  # row 2 spans lines 2–3
    assert "99999" in err.value.reason


def test_municipality_names() -> None:
    table = refnis.municipality_names(NT)
    assert refnis.lookup_municipality(table, "Leuven") == "24062"
    assert refnis.lookup_municipality(table, "Louvain") == "24062"
    assert refnis.lookup_municipality(table, "Liège") == "62063"
    assert refnis.lookup_municipality(table, "Brussels") == "21004"
    assert refnis.lookup_municipality(table, "Ixelles-Elsene") == "21009"
    assert refnis.lookup_municipality(table, "Atlantis") is None
