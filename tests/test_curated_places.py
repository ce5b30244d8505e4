"""Every place a code: names resolved to REFNIS codes by one rule (curated_check and the ingester),
places derived from a park or a ROR record and recorded as derived, countries for places abroad,
and the spin-offs that left found by their new places."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from test_curated_check import _copy, _rows, _write

from ecograph.ingest import curated
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.ingest.curated_check import REFNIS_FILE, References, check, fill_codes, main
from ecograph.ingest.places import Municipalities, PlaceError, UnknownPlace, place_key
from ecograph.model.namespaces import sparql_prefixes
from ecograph.model.nt import serialize
from ecograph.questions.catalogue import load_catalogue, run_saved

try:
    from .queries_fixtures import BASE as QBASE
    from .queries_fixtures import fixture_store, short
except ImportError:  # tests/ is not a package
    from queries_fixtures import BASE as QBASE  # type: ignore[no-redef]
    from queries_fixtures import fixture_store, short  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
REFNIS_CSV = SHARED_DATA / REFNIS_FILE
REFNIS_NT = SHARED_DATA / "belgif-refnis" / "refnis2025.nt"
ROR = SHARED_DATA / "ror"
FIXTURE = Path(__file__).parent / "data" / "curated"
BASE = "http://localhost:8000"
B = BASE + "/id/"
ROR_BRUSSELS = "https://ror.org/0abcdef12"  # a made-up record of the test dump, city Brussels


@pytest.fixture(scope="module")
def municipalities() -> Municipalities:
    if not REFNIS_CSV.is_file():
        pytest.fail(f"the shared open data is expected at {SHARED_DATA}")
    return Municipalities.from_csv(REFNIS_CSV)


@pytest.fixture(scope="module")
def refs() -> References:
    return References.load(REFNIS_CSV, ROR)


# --- the one rule: a name is a code -----------------------------------------------------------


@pytest.mark.parametrize(("name", "code"), [
    ("Leuven", "24062"), ("Louvain", "24062"), ("Löwen", "24062"),  # Dutch, French, German
    ("Liège", "62063"), ("liege", "62063"), ("LUIK", "62063"), ("Oreye", "64056"),
    ("Brussel", "21004"), ("Bruxelles", "21004"), ("Kortrijk", "34022"), ("Gent", "44021"),
    ("Houthalen-Helchteren", "72039"), ("  Sint-Pieters-Leeuw ", "23077"),
])
def test_a_name_is_its_code(municipalities: Municipalities, name: str, code: str) -> None:
    assert municipalities.resolve(name).code == code


@pytest.mark.parametrize(("name", "error", "reason"), [
    ("Saint-Nicolas", PlaceError, "ambiguous: it names the REFNIS municipalities 46021 Sint-Niklaas, "
                                  "62093 Saint-Nicolas"),
    ("Moerbeke", PlaceError, "is REFNIS municipality 44045, which ended on 2025-01-01"),
    ("Ghent", UnknownPlace, "not the Dutch, French or German name"),  # an English exonym
    ("Heverlee", UnknownPlace, "not the Dutch, French or German name"),  # a former municipality
    ("Eindhoven", UnknownPlace, "not the Dutch, French or German name"),
    ("Sint Pieters Leeuw", UnknownPlace, "not the Dutch, French or German name"),  # exact: hyphens count
])
def test_a_name_that_is_no_single_municipality_is_refused(
        municipalities: Municipalities, name: str, error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason):
        municipalities.resolve(name)


def test_csv_and_ntriples_give_the_same_index(municipalities: Municipalities) -> None:
    """curated_check reads the CSV extract, the ingester the N-Triples of the build: same answers."""
    from_nt = Municipalities.from_nt(REFNIS_NT)
    assert len(from_nt) == len(municipalities) == 567
    for code in ("24062", "62063", "21004", "37022", "23106"):
        a, b = municipalities.get(code), from_nt.get(code)
        assert a is not None and b is not None
        assert (a.name_nl, set(a.names), a.ended) == (b.name_nl, set(b.names), b.ended)
    assert place_key("Liège ") == place_key("LIEGE") == "liege"


# --- curated_check: proposes, validates and fills codes ----------------------------------------


def _set(folder: Path, key: str, **cells: str) -> int:
    """Set cells of the organisation row ``key`` (a ``country`` column is added when asked for);
    returns the row's line."""
    path = folder / "organisations.csv"
    rows = _rows(path)
    if "country" in cells and "country" not in rows[0]:
        rows = [row + (["country"] if i == 0 else [""]) for i, row in enumerate(rows)]
    for index, row in enumerate(rows):
        if row[0] == key:
            for column, value in cells.items():
                row[rows[0].index(column)] = value
            _write(path, rows)
            return index + 1
    raise AssertionError(f"no row {key}")


def _append_org(folder: Path, **cells: str) -> None:
    path = folder / "organisations.csv"
    rows = _rows(path)
    rows.append([cells.get(column, "") for column in rows[0]])
    _write(path, rows)


def _messages(folder: Path, refs: References) -> list[str]:
    return [str(p) for p in check(folder, refs) if p.level == "error"]


def test_check_proposes_the_code_and_refuses_what_names_no_municipality(tmp_path: Path, refs: References) -> None:
    folder = _copy(tmp_path)
    line = _set(folder, "materialise", municipality_nis="", municipality_name="Kortrijk")
    assert _messages(folder, refs) == [
        f"{folder / 'organisations.csv'}:{line}: error: materialise: municipality 'Kortrijk' is REFNIS "
        "municipality 34022 (Kortrijk): give its code 34022 (--fill-codes writes it)"]
    _set(folder, "materialise", municipality_name="Atlantis")
    [message] = _messages(folder, refs)
    assert message.startswith(f"{folder / 'organisations.csv'}:{line}: error: materialise: municipality_name "
                              "'Atlantis' is not the Dutch, French or German name of a Belgian municipality")
    _set(folder, "materialise", municipality_nis="34022", municipality_name="Courtrai")  # French name: fine
    assert _messages(folder, refs) == []


def test_check_rules_for_a_place_abroad(tmp_path: Path, refs: References) -> None:
    folder = _copy(tmp_path)
    line = _set(folder, "materialise", municipality_nis="", municipality_name="Eindhoven", country="NL")
    assert _messages(folder, refs) == []
    _set(folder, "materialise", municipality_nis="24062")
    assert _messages(folder, refs) == [
        f"{folder / 'organisations.csv'}:{line}: error: materialise: municipality_nis 24062 is a Belgian "
        "(REFNIS) code, but country is NL"]
    _set(folder, "materialise", municipality_nis="", country="Netherlands")
    assert "country is not an ISO 3166-1 alpha-2 code" in _messages(folder, refs)[0]
    _set(folder, "materialise", country="BE")  # Belgium said out loud: the name must then resolve
    assert "a place abroad needs its country" in _messages(folder, refs)[0]


def test_fill_codes_writes_only_the_codes(tmp_path: Path, refs: References, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _copy(tmp_path)
    path = folder / "organisations.csv"
    original = path.read_bytes()
    _set(folder, "materialise", municipality_nis="", municipality_name="Liège")
    _set(folder, "icometrix", municipality_nis="", municipality_name="Saint-Nicolas")  # ambiguous: left
    assert fill_codes(path, refs) == [(8, "materialise", "Liège", "62063")]
    rows = _rows(path)
    assert rows[7][4:6] == ["62063", "Liège"] and rows[3][4:6] == ["", "Saint-Nicolas"]
    _set(folder, "materialise", municipality_nis="24062", municipality_name="Leuven")
    _set(folder, "icometrix", municipality_nis="24062", municipality_name="Leuven")
    assert path.read_bytes() == original  # the rest of the file is byte for byte the same
    _set(folder, "materialise", municipality_nis="", municipality_name="Liège")
    args = ["--refnis", str(REFNIS_CSV), "--ror", str(ROR)]
    assert main([str(folder), "--fill-codes", *args]) == 0
    assert "organisations.csv:8: filled: materialise: municipality_nis 62063 for 'Liège'" in capsys.readouterr().out


def test_project_data_has_every_belgian_place_coded() -> None:
    with open(REPO / "data" / "curated" / "organisations.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    named = [r for r in rows if r["municipality_name"]]
    assert [r["id"] for r in named if not r["municipality_nis"]] == ["brainport_development"]
    assert {(r["municipality_name"], r.get("country")) for r in named if not r["municipality_nis"]} == {
        ("Eindhoven", "NL")}


# --- the ingester: stated, resolved, derived, abroad -------------------------------------------


def _ror_dump(path: Path) -> Path:
    record = {"id": ROR_BRUSSELS, "status": "active", "types": ["government"],
              "names": [{"value": "Agency of Brussels", "types": ["ror_display"], "lang": "en"}],
              "locations": [{"geonames_id": 2800866,
                             "geonames_details": {"name": "Brussels", "lat": 50.85, "lng": 4.35}}]}
    path.write_text(json.dumps([record]), encoding="utf-8")
    return path


def _load(folder: Path, **files: Path) -> tuple[ox.Store, IngestContext]:
    ctx = IngestContext(base=BASE, data_dir=folder.parent, files={
        "organisations": folder / "organisations.csv", "relations": folder / "relations.csv", **files})
    store = ox.Store()
    store.bulk_load(input=serialize(curated.read(ctx)), format=ox.RdfFormat.N_TRIPLES)
    return store, ctx


def _ask(store: ox.Store, where: str) -> bool:
    return bool(store.query(f"{sparql_prefixes()}ASK {{ {where} }}"))


def test_a_name_without_a_code_is_resolved_and_not_marked_derived(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _set(folder, "icometrix", municipality_nis="", municipality_name="Liège")
    store, _ = _load(folder, refnis=REFNIS_NT)
    assert _ask(store, f"<{B}org/icometrix> eco:locatedIn <{B}municipality/62063>")
    assert not _ask(store, "?o eco:placeDerivation ?how")
    # without the REFNIS file the name cannot be resolved: no place, and the reason is counted
    store, ctx = _load(folder)
    assert not _ask(store, f"<{B}org/icometrix> eco:locatedIn ?m")
    assert ctx.rejected_reasons["municipality_name without a code and no REFNIS file to resolve it"] == 1


def test_an_unknown_name_stops_the_ingester_on_its_line(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    line = _set(folder, "icometrix", municipality_nis="", municipality_name="Saint-Nicolas")
    with pytest.raises(IngestError) as err:
        _load(folder, refnis=REFNIS_NT)
    assert (err.value.where, err.value.file) == (line, str(folder / "organisations.csv"))
    assert "icometrix: municipality_name 'Saint-Nicolas' is ambiguous" in err.value.reason


def test_place_from_the_park_is_recorded_as_derived(tmp_path: Path) -> None:
    """materialise is located_in_park researchpark_haasrode (Leuven, 24062) in the fixture."""
    folder = _copy(tmp_path)
    _set(folder, "materialise", municipality_nis="", municipality_name="")
    store, _ = _load(folder, refnis=REFNIS_NT)
    assert _ask(store, f"""<{B}org/materialise> eco:locatedIn <{B}municipality/24062> ;
        eco:placeDerivation "municipality from the park researchpark_haasrode" """)
    # a stated place is not marked
    assert not _ask(store, f"<{B}org/researchpark_haasrode> eco:placeDerivation ?how")


def test_parks_in_two_municipalities_decide_nothing(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _set(folder, "materialise", municipality_nis="", municipality_name="")
    _set(folder, "uz_leuven", municipality_nis="24107", municipality_name="Tienen")
    with open(folder / "relations.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("materialise,located_in_park,uz_leuven,,https://example.org/park\r\n")
    store, ctx = _load(folder, refnis=REFNIS_NT)
    assert not _ask(store, f"<{B}org/materialise> eco:locatedIn ?m")
    assert ctx.rejected_reasons["no place derived: parks in different municipalities"] == 1


def test_place_from_the_ror_city_is_recorded_as_derived(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _append_org(folder, id="agency", name="Agency of Brussels", org_type="government", ror_id=ROR_BRUSSELS,
                source_urls=ROR_BRUSSELS)
    dump = _ror_dump(tmp_path / "ror.json")
    store, _ = _load(folder, refnis=REFNIS_NT, ror=dump)
    assert _ask(store, f"""<{B}org/agency> eco:locatedIn <{B}municipality/21004> ;
        eco:placeDerivation "municipality from ROR record {ROR_BRUSSELS} city Brussels" """)
    # a park wins over ROR; without the ROR dump there is no ROR place
    with open(folder / "relations.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("agency,located_in_park,researchpark_haasrode,,https://example.org/park\r\n")
    store, _ = _load(folder, refnis=REFNIS_NT, ror=dump)
    assert _ask(store, f"<{B}org/agency> eco:locatedIn <{B}municipality/24062> ; eco:placeDerivation ?how "
                       "FILTER(STRSTARTS(?how, 'municipality from the park'))")
    (folder / "relations.csv").write_bytes((FIXTURE / "relations.csv").read_bytes())
    store, _ = _load(folder, refnis=REFNIS_NT)
    assert not _ask(store, f"<{B}org/agency> eco:locatedIn ?m")


def test_a_place_abroad_gets_its_country_and_no_municipality(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _set(folder, "materialise", municipality_nis="", municipality_name="Eindhoven", country="NL")
    store, _ = _load(folder, refnis=REFNIS_NT)
    assert _ask(store, f"<{B}org/materialise> schema:addressCountry \"NL\"")
    # no municipality, neither stated nor derived (its park is in Leuven, but it is abroad)
    assert not _ask(store, f"<{B}org/materialise> eco:locatedIn ?m")
    assert not _ask(store, f"<{B}org/materialise> eco:placeDerivation ?how")
    assert not _ask(store, f"<{B}org/ku_leuven> schema:addressCountry ?c")


def test_project_data_places(tmp_path: Path) -> None:
    """The real curated data: the four spin-offs of the issue are placed, derived places are marked."""
    store, ctx = _load(REPO / "data" / "curated", refnis=REFNIS_NT, ror=ROR / "ror-data-be-v2.json",
                       ror_v1=ROR / "ror-data-be-v1.json")
    assert not ctx.rejected_reasons
    for key, code in (("azalea_vision", "44021"), ("indigo_diabetes", "44021"), ("hemastatx", "34022"),
                      ("imcyse", "62063")):
        assert _ask(store, f"<{B}org/{key}> eco:locatedIn <{B}municipality/{code}>"), key
        assert not _ask(store, f"<{B}org/{key}> eco:placeDerivation ?how"), key
    assert _ask(store, f"""<{B}org/sirris> eco:locatedIn <{B}municipality/24062> ;
        eco:placeDerivation "municipality from the park wetenschapspark_arenberg" """)
    assert _ask(store, f"""<{B}org/vub> eco:locatedIn <{B}municipality/21004> ;
        eco:placeDerivation "municipality from ROR record https://ror.org/006e5kg04 city Brussels" """)
    assert _ask(store, f"<{B}org/brainport_development> schema:addressCountry \"NL\"")


# --- spin-offs that left --------------------------------------------------------------------------

ABROAD = f"""
@prefix eco:     <https://w3id.org/ecograph/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema:  <https://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix o:       <{QBASE}/id/org/> .
<{QBASE}/graph/curated> {{
  o:emigrant a eco:StartUp ; rdfs:label "Emigrant BV" ; schema:addressCountry "NL" ;
    eco:spinOffOf o:univ ; dcterms:source <https://example.org/emigrant> .
  o:homebody a eco:StartUp ; rdfs:label "Homebody NV" ; schema:addressCountry "BE" ;
    eco:spinOffOf o:univ ; dcterms:source <https://example.org/homebody> .
}}
"""


def test_a_spin_off_abroad_has_left() -> None:
    """The fixture of test_queries_answers plus a spin-off of univ in the Netherlands (no municipality)
    and one known only to be in Belgium (not listed: it may be in the region)."""
    store = fixture_store("plain")
    store.load(input=ABROAD, format=ox.RdfFormat.TRIG)
    result = run_saved(store, load_catalogue()["spin-offs-that-left"], {}, base=QBASE)
    cols = [result.variables.index(c) for c in ("spinOff", "municipality", "municipalityLabel", "parent")]
    rows = [tuple(short(row[i]) for i in cols) for row in result.values()]
    assert rows == [
        ("org/vilco", "municipality/23088", "Vilvoorde", "org/rc"),
        ("org/emigrant", None, "NL", "org/univ"),
        ("org/gone", "municipality/44021", "Gent", "org/univ"),
    ]


def test_spin_offs_that_left_on_the_real_build(real_store: Any) -> None:
    result = run_saved(real_store.oxigraph, "spin-offs-that-left", {}, base=BASE)
    found = {(short_key(row[result.variables.index("spinOff")]), row[result.variables.index("municipalityLabel")])
             for row in result.values()}
    assert {("azalea_vision", "Gent"), ("indigo_diabetes", "Gent"), ("hemastatx", "Kortrijk"),
            ("imcyse", "Luik")} <= found


def short_key(value: object) -> str:
    return str(value).rsplit("/", 1)[-1]
