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
