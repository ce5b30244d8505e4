"""`ecograph fetch`: from a mirror folder, and from publishers (a local HTTP server stands in)."""

from __future__ import annotations

import http.server
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from conftest import quiet

from ecograph.build.fetch import fetch, read_sidecar, sha256_file
from ecograph.model.sources import SOURCES, Source, SourceFile


@pytest.fixture()
def publisher(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server serving a folder, as a publisher would."""
    root = tmp_path / "publisher"
    root.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()


def _source(url: str, **kw: object) -> Source:
    return Source(
        name="demo", title="demo", publisher="p", publisher_url=url, licence="https://l", licence_label="l",
        page=url, files=(SourceFile("f", "demo/data.json", url, **kw),),  # type: ignore[arg-type]
    )


def test_mirror_copies_every_downloadable_file(tmp_path: Path, shared_data: Path) -> None:
    results = fetch(tmp_path, mirror=shared_data, progress=quiet)
    wanted = [f for s in SOURCES for f in s.files if not f.in_repo]
    assert len(results) == len(wanted)
    by_path = {r.file: r for r in results}
    for spec in wanted:
        copied = tmp_path / spec.path
        if not (shared_data / spec.path).is_file():  # e.g. the KBO extract, which needs registration
            assert by_path[spec.path].status == "missing"
            continue
        assert copied.is_file(), spec.path
        meta = read_sidecar(copied)
        assert meta["sha256"] == sha256_file(shared_data / spec.path)
        assert meta["origin"] == f"mirror:{spec.path}"
    required = [f for s in SOURCES if not s.optional for f in s.files if not f.in_repo and not f.optional]
    assert all((tmp_path / f.path).is_file() for f in required), "the mirror holds every required file"


def test_missing_mirror_file_is_reported(tmp_path: Path) -> None:
    results = fetch(tmp_path / "dl", mirror=tmp_path, progress=quiet)
    assert {r.status for r in results} == {"missing"}


def test_download_plain_file(tmp_path: Path, publisher: tuple[str, Path]) -> None:
    url, root = publisher
    (root / "data.json").write_text('{"a": 1}')
    [result] = fetch(tmp_path / "dl", sources=[_source(f"{url}/data.json")], progress=quiet)
    assert result.status == "fetched"
    got = tmp_path / "dl" / "demo" / "data.json"
    assert json.loads(got.read_text()) == {"a": 1}
    assert read_sidecar(got)["origin"] == f"{url}/data.json"


def test_download_zip_member_through_zenodo_api(tmp_path: Path, publisher: tuple[str, Path]) -> None:
    url, root = publisher
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("v9.9-2026-01-01-ror-data.json", "[]")
        zf.writestr("v9.9-2026-01-01-ror-data_schema_v2.json", '[{"id": "https://ror.org/05f950310"}]')
    (root / "dump.zip").write_bytes(buf.getvalue())
    record = {"files": [{"key": "dump.zip", "links": {"self": f"{url}/dump.zip"}}]}
    (root / "latest.json").write_text(json.dumps(record))
    source = _source(f"{url}/latest.json", member="*_schema_v2.json", resolve="zenodo-latest")
    [result] = fetch(tmp_path / "dl", sources=[source], progress=quiet)
    assert result.status == "fetched", result.detail
    assert "05f950310" in (tmp_path / "dl" / "demo" / "data.json").read_text()


def test_failed_download_leaves_nothing(tmp_path: Path, publisher: tuple[str, Path]) -> None:
    url, _root = publisher
    [result] = fetch(tmp_path / "dl", sources=[_source(f"{url}/absent.json")], progress=quiet)
    assert result.status == "failed" and "404" in result.detail
    assert not (tmp_path / "dl" / "demo" / "data.json").exists()
