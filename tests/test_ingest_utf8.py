"""Invalid UTF-8 in an input file is an error naming the file and line, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecograph.ingest.base import IngestError, csv_records
from ecograph.ingest.identity import Identity


def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "organisations.csv"
    path.write_bytes(b"key,name\nkul,KU Leuven\nimec,imec\nbad,Caf\xe9 Leuven\n")
    return path


def test_identity_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        Identity.from_csv(bad_file(tmp_path))
    assert err.value.where == 4
    assert str(err.value).startswith(f"{bad_file(tmp_path)}:4: not UTF-8")


def test_csv_records_name_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as err:
        list(csv_records(bad_file(tmp_path), ["key", "name"]))
    assert err.value.where == 4


def test_the_curated_ingester_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    from ecograph.ingest import curated
    from ecograph.ingest.base import IngestContext

    fixture = Path(__file__).parent / "data" / "curated"
    folder = tmp_path / "curated"
    folder.mkdir()
    raw = (fixture / "organisations.csv").read_bytes().split(b"\n")
    raw[3] = raw[3].replace(b"Leuven", b"L\xe9uven", 1)
    (folder / "organisations.csv").write_bytes(b"\n".join(raw))
    (folder / "relations.csv").write_bytes((fixture / "relations.csv").read_bytes())
    ctx = IngestContext(base="http://localhost:8000", data_dir=tmp_path,
                        files={"organisations": folder / "organisations.csv", "relations": folder / "relations.csv"})
    with pytest.raises(IngestError) as err:
        list(curated.read(ctx))
    assert err.value.where == 4 and "not UTF-8" in str(err.value)
