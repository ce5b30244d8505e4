"""A build reads each input file once: no ingester parses another source's file again.

The build of every source (the shared mirror plus small KBO, CORDIS and Wikidata extracts) runs
with the ways Python opens a file wrapped: ``builtins.open``/``io.open``, ``Path.open``,
``zipfile.ZipFile`` (and its members), ``gzip.open``. Each open of a file under the downloads or
the data folder is counted with the module of ours that asked for it. The ingesters (and the
shared lookups they get from the build) may open each file once; the build itself reads each file
once more for the checksum of its provenance record (once, however many sources list the file),
counted apart. (The UTF-8 check of
``ecograph.build.publish.first_bad_utf8`` only runs after a reader met a bad byte, so it is not
part of a good build.)
"""

from __future__ import annotations

import builtins
import gzip
import io
import os
import pathlib
import sys
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import SHARED_DATA, make_settings, mirror_downloads, quiet
from test_ingest_cordis import _wikidata_tsv, write_cordis_zip
from test_ingest_kbo import write_kbo_zip

from ecograph.build.publish import build
from ecograph.model.sources import get_source
from ecograph.settings import Settings

pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data not available")

BUILD_READS = ("ecograph.build.publish", "ecograph.build.fetch")  # provenance checksum; UTF-8 check on error
#: zip members read in two passes within one open of their zip, on purpose: the first pass finds the
#: region's projects so that the second keeps only their participants (see ecograph.ingest.readers.cordis)
TWO_PASSES = {"organization.csv": 2}
SIDECAR = ".fetch.json"  # what ``ecograph fetch`` noted about a download (read by the build's provenance)


class OpenCounter:
    """Opens per (resolved path, module of ours that asked); nested opens count once, as the outer."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [str(r.resolve()) + os.sep for r in roots]
        self.opens: Counter[tuple[str, str]] = Counter()
        self._depth = threading.local()

    def _record(self, target: Any, member: str = "") -> None:
        if isinstance(target, int) or not isinstance(target, (str, os.PathLike)):
            return
        path = str(Path(os.fspath(target)).resolve())
        if not any(path.startswith(root) for root in self.roots):
            return
        frame = sys._getframe(2)
        caller = "?"
        while frame is not None:
            name = frame.f_globals.get("__name__", "")
            if name.startswith("ecograph."):
                caller = name
                break
            frame = frame.f_back
        self.opens[(path + (f"!{member}" if member else ""), caller)] += 1

    def wrap(self, func: Callable[..., Any], member: bool = False) -> Callable[..., Any]:
        counter = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            depth = getattr(counter._depth, "n", 0)
            if depth == 0 and args:
                if member:  # ZipFile.open(self, name): a member of an open zip
                    zf, name = args[0], args[1] if len(args) > 1 else kwargs.get("name")
                    if isinstance(zf.filename, str) and isinstance(name, (str, zipfile.ZipInfo)):
                        counter._record(zf.filename, name if isinstance(name, str) else name.filename)
                else:  # ZipFile.__init__(self, file, …); open(file, …), gzip.open(file, …), Path.open(self, …)
                    counter._record(args[1] if func.__name__ == "__init__" and len(args) > 1 else args[0])
            counter._depth.n = depth + 1
            try:
                return func(*args, **kwargs)
            finally:
                counter._depth.n = depth

        return wrapper

    def per_file(self, callers: Callable[[str], bool]) -> dict[str, int]:
        found: Counter[str] = Counter()
        for (path, caller), n in self.opens.items():
            if callers(caller):
                found[path] += n
        return dict(found)


@contextmanager
def counting_opens(roots: list[Path]) -> Iterator[OpenCounter]:
    counter = OpenCounter(roots)
    saved = (builtins.open, io.open, pathlib.Path.open, zipfile.ZipFile.__init__, zipfile.ZipFile.open, gzip.open)
    opener = counter.wrap(builtins.open)
    builtins.open = io.open = opener  # type: ignore[assignment]
    pathlib.Path.open = counter.wrap(saved[2])  # type: ignore[method-assign]
    zipfile.ZipFile.__init__ = counter.wrap(saved[3])  # type: ignore[method-assign]
    zipfile.ZipFile.open = counter.wrap(saved[4], member=True)  # type: ignore[method-assign]
    gzip.open = counter.wrap(saved[5])
    try:
        yield counter
    finally:
        (builtins.open, io.open, pathlib.Path.open, zipfile.ZipFile.__init__, zipfile.ZipFile.open,
         gzip.open) = saved  # type: ignore[method-assign]


def test_the_counter_sees_every_way_of_opening(tmp_path: Path) -> None:
    plain, archive = tmp_path / "a.txt", tmp_path / "b.zip"
    plain.write_text("x\n", encoding="utf-8")
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("m.csv", "x\n")
    with counting_opens([tmp_path]) as counter:
        with open(plain, encoding="utf-8"):
            pass
        with plain.open("rb"):
            pass
        plain.read_bytes()
        with zipfile.ZipFile(archive) as zf, zf.open("m.csv"):
            pass
    opens = counter.per_file(lambda _caller: True)
    assert opens == {str(plain.resolve()): 3, str(archive.resolve()): 1, f"{archive.resolve()}!m.csv": 1}


#: the downloads the shared mirror lacks (the optional sources), as the tests of their ingesters write them
EXTRACTS: dict[tuple[str, str], Callable[[Path], Path]] = {
    ("kbo", "zip"): write_kbo_zip,
    ("cordis", "horizon"): write_cordis_zip,
    ("wikidata", "organisations"): _wikidata_tsv,
}


def _every_source(tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path)
    mirror_downloads(settings, SHARED_DATA)
    for (name, key), write in EXTRACTS.items():
        path = settings.downloads / next(f.path for f in get_source(name).files if f.key == key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)
    return settings


@pytest.mark.slow
def test_a_build_reads_each_input_file_once(tmp_path: Path) -> None:
    settings = _every_source(tmp_path)
    with counting_opens([settings.downloads, settings.data]) as counter:
        report = build(settings, progress=quiet)
    assert {s.name: s.status for s in report.sources} == {s.name: "published" for s in report.sources}

    def ingest(caller: str) -> bool:
        return caller.startswith("ecograph.ingest.")

    reads = counter.per_file(ingest)
    for path, n in sorted(reads.items()):
        print(f"{n}  {path}")
    checksums = counter.per_file(lambda c: c in BUILD_READS)
    for path, n in sorted(checksums.items()):
        print(f"build: {n}  {path}")
    assert reads, "the counter saw no input file"
    others = {k: n for k, n in counter.opens.items()
              if not ingest(k[1]) and k[1] not in BUILD_READS and not k[0].endswith(SIDECAR)}
    assert not others, f"opened by neither an ingester nor the build: {others}"
    assert {p: n for p, n in reads.items() if n > TWO_PASSES.get(p.rpartition("!")[2] if "!" in p else "", 1)} == {}
    hashed_again = {p: n for p, n in checksums.items() if n > 1 and not p.endswith(SIDECAR)}
    assert not hashed_again, f"input files hashed more than once for provenance: {hashed_again}"
