"""The curated check: the project's data passes, and each kind of broken copy is caught on its line."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ecograph.ingest.curated_check import REFNIS_FILE, References, check, main

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
FIXTURE = Path(__file__).parent / "data" / "curated"
REFNIS = SHARED_DATA / REFNIS_FILE
ROR = SHARED_DATA / "ror"


@pytest.fixture(scope="module")
def refs() -> References:
    if not REFNIS.is_file():
        pytest.fail(f"the shared open data is expected at {SHARED_DATA}")
    return References.load(REFNIS, ROR)


def errors(problems: list) -> list:
    return [p for p in problems if p.level == "error"]


def test_project_data_passes(refs: References) -> None:
    problems = check(REPO / "data" / "curated", refs)
    assert errors(problems) == []
    # The known warnings only: a withdrawn ROR record and ids the partial ROR extract lacks.
    assert sorted(p.message.split(":")[0] for p in problems) == [
        "luciad", "rega_institute", "vib_kul_cbd", "vib_kul_ccb", "vib_kul_microbiology",
    ]


def test_fixture_passes(refs: References) -> None:
    assert check(FIXTURE, refs) == []


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--refnis", str(REFNIS), "--ror", str(ROR)]
    assert main([str(REPO / "data" / "curated"), *args]) == 0
    assert "0 error(s)" in capsys.readouterr().out
    broken = _copy(tmp_path)
    _edit(broken / "organisations.csv", "materialise", "org_type", "firm")
    assert main([str(broken), *args]) == 1
    assert "organisations.csv:8: error: materialise: unknown org_type 'firm'" in capsys.readouterr().out
    assert main([str(broken), "--refnis", str(tmp_path / "missing.csv"), "--ror", str(ROR)]) == 2
    assert main([str(tmp_path / "nowhere"), *args]) == 2


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "curated"
    shutil.copytree(FIXTURE, target)
    return target


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def _edit(path: Path, key: str, column: str, value: str) -> int:
    """Set one cell of the row whose first cell is ``key``; returns its line number."""
    rows = _rows(path)
    col = rows[0].index(column)
    for index, row in enumerate(rows):
        if row[0] == key:
            row[col] = value
            _write(path, rows)
            return index + 1
    raise AssertionError(f"no row {key}")


def _append(path: Path, line: str) -> int:
    text = path.read_bytes().decode("utf-8")
    path.write_text(text + line + "\r\n", encoding="utf-8", newline="")
    return len(_rows(path))


Breaker = Callable[[Path], tuple[str, int]]


def org_cell(key: str, column: str, value: str) -> Breaker:
    def breaker(folder: Path) -> tuple[str, int]:
        return "organisations.csv", _edit(folder / "organisations.csv", key, column, value)

    return breaker


def org_cells(key: str, **values: str) -> Breaker:
    def breaker(folder: Path) -> tuple[str, int]:
        line = 0
        for column, value in values.items():
            line = _edit(folder / "organisations.csv", key, column, value)
        return "organisations.csv", line

    return breaker


def rel_line(text: str) -> Breaker:
    def breaker(folder: Path) -> tuple[str, int]:
        return "relations.csv", _append(folder / "relations.csv", text)

    return breaker


def raw_extra_column(folder: Path) -> tuple[str, int]:
    path = folder / "organisations.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    lines[8] += ",extra"  # line 9: researchpark_haasrode
    path.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    return "organisations.csv", 9


ROR_KUL = "https://ror.org/05f950310"
BROKEN: dict[str, tuple[Breaker, str]] = {
    "org_type": (org_cell("materialise", "org_type", "firm"), "unknown org_type 'firm'"),
    "cluster": (org_cell("icometrix", "clusters", "health;biotech"), "unknown cluster 'biotech'"),
    "stage": (org_cell("icometrix", "stages", "research;selling"), "unknown stage 'selling'"),
    "nace": (org_cell("icometrix", "nace_division", "00"), "unknown nace_division '00'"),
    "slug": (org_cell("econcore", "id", "EconCore"), "id is not a lowercase slug"),
    "duplicate id": (org_cell("uz_leuven", "id", "imec"), "id 'imec' already used on line 5"),
    "no source": (org_cell("leuven_mindgate", "source_urls", ""), "no source URL"),
    "bad source": (org_cell("leuven_mindgate", "source_urls", "ftp://example.org/x"), "not an http(s) URL"),
    "bad website": (org_cell("materialise", "website", "www.materialise.com"), "website is not an http(s) URL"),
    "tracking": (
        org_cell("leuven_mindgate", "source_urls", "https://example.org/a?utm_source=feed"),
        "tracking parameters",
    ),
    "nis name": (org_cell("materialise", "municipality_name", "Tienen"), "is 'Leuven' in REFNIS, not 'Tienen'"),
    "nis arrondissement": (
        org_cell("materialise", "municipality_nis", "24000"),
        "24000 is not a REFNIS 2025 municipality",
    ),
    "nis ended": (
        org_cells("materialise", municipality_nis="44045", municipality_name="Moerbeke"),
        "municipality_nis 44045 (Moerbeke) ended on 2025-01-01",
    ),
    "nis digits": (org_cell("materialise", "municipality_nis", "2406"), "not a 5-digit REFNIS code"),
    "name without code": (
        org_cell("materialise", "municipality_nis", ""),
        "municipality 'Leuven' is REFNIS municipality 24062 (Leuven): give its code 24062",
    ),
    "name outside the province without code": (
        org_cells("materialise", municipality_nis="", municipality_name="liege"),
        "municipality 'liege' is REFNIS municipality 62063 (Luik): give its code 62063",
    ),
    "unknown name": (
        org_cells("materialise", municipality_nis="", municipality_name="Heverlee"),
        "municipality_name 'Heverlee' is not the Dutch, French or German name of a Belgian municipality",
    ),
    "ambiguous name": (
        org_cells("materialise", municipality_nis="", municipality_name="Saint-Nicolas"),
        "'Saint-Nicolas' is ambiguous: it names the REFNIS municipalities 46021 Sint-Niklaas, "
        "62093 Saint-Nicolas",
    ),
    "foreign name without country": (
        org_cells("materialise", municipality_nis="", municipality_name="Eindhoven"),
        "a place abroad needs its country",
    ),
    "year future": (org_cell("materialise", "founded_year", "2999"), "founded_year is not a plausible year"),
    "year text": (org_cell("materialise", "founded_year", "19x0"), "founded_year is not a plausible year"),
    "ror pattern": (org_cell("materialise", "ror_id", "ror.org/05f950310"), "ror_id is not a ROR URL"),
    "ror unknown": (
        org_cells("materialise", ror_id="https://ror.org/0abcdef12",
                  source_urls="https://ror.org/0abcdef12"),
        "ROR id 0abcdef12 is not in the ROR extract",
    ),
    "ror not a source": (
        org_cell("ku_leuven", "source_urls", "https://www.kuleuven.be"),
        "its ROR record URL is not among source_urls",
    ),
    "ror twice": (
        org_cells("materialise", ror_id=ROR_KUL, source_urls=ROR_KUL),
        "ROR id 05f950310 also on ku_leuven (line 6)",
    ),
    "qid pattern": (org_cell("ku_leuven", "wikidata_qid", "833670"), "wikidata_qid is not a QID"),
    "qid vs ror": (org_cell("ku_leuven", "wikidata_qid", "Q1"), "wikidata_qid Q1 differs from ROR's Q833670"),
    "qid twice": (org_cell("materialise", "wikidata_qid", "Q833670"), "Wikidata Q833670 also on ku_leuven"),
    "name twice": (
        org_cell("materialise", "alt_names", "K.U. Leuven"),
        "name 'K.U. Leuven' (normalised 'ku leuven') also names ku_leuven (line 6)",
    ),
    "columns": (raw_extra_column, "15 columns instead of 14"),
    "relation": (rel_line("imec,likes,ku_leuven,,https://example.org/"), "unknown relation 'likes'"),
    "endpoint": (
        rel_line("imec,partner_of,nobody,,https://example.org/"),
        "object_id 'nobody' is not an id of organisations.csv",
    ),
    "self": (rel_line("imec,partner_of,imec,,https://example.org/"), "relation of an organisation to itself"),
    "relation year": (rel_line("imec,partner_of,econcore,20x0,https://example.org/"), "year is not a plausible"),
    "relation url": (rel_line("imec,partner_of,econcore,,example.org"), "source_url is not an http(s) URL"),
    "relation twice": (
        rel_line("imec,spin_off_of,ku_leuven,1984,https://example.org/"),
        "relation imec spin_off_of ku_leuven already on line 10",
    ),
    "symmetric twice": (
        rel_line("ku_leuven,collaborates_with,imec,,https://example.org/"),
        "given the other way on line 3",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_copy_is_caught_on_its_line(case: str, tmp_path: Path, refs: References) -> None:
    breaker, expected = BROKEN[case]
    folder = _copy(tmp_path)
    file, line = breaker(folder)
    found = [p for p in errors(check(folder, refs)) if expected in p.message]
    assert found, f"{expected!r} not among {[str(p) for p in check(folder, refs)]}"
    assert found[0].file.endswith(file)
    assert found[0].line == line
