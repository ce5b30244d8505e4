"""Download the sources' files from their publishers, or copy them from a mirror folder.

Each fetched file gets a sidecar ``<file>.fetch.json`` (URL or mirror path, retrieval time,
SHA-256, size); the build reads it for the provenance record.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import shutil
import tempfile
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ecograph import __version__
from ecograph.model.sources import SOURCES, Source, SourceFile

USER_AGENT = f"ecograph/{__version__} (+https://w3id.org/ecograph)"
SIDECAR = ".fetch.json"


@dataclass
class FetchResult:
    source: str
    file: str
    status: str  # fetched | copied | missing | failed
    detail: str = ""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_sidecar(path: Path) -> dict[str, object]:
    side = path.with_name(path.name + SIDECAR)
    if side.is_file():
        return json.loads(side.read_text(encoding="utf-8"))
    return {}


def _write_sidecar(path: Path, origin: str, retrieved: str | None = None) -> None:
    meta = {
        "origin": origin,
        "retrieved_at": retrieved or datetime.now(UTC).replace(microsecond=0).isoformat(),
        "sha256": sha256_file(path),
        "size": path.stat().st_size,
    }
    path.with_name(path.name + SIDECAR).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def resolve_zenodo_latest(url: str, timeout: float = 60.0) -> str:
    """The download URL of the zip in the newest version of a Zenodo record (Zenodo's REST API)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        record = json.load(response)
    for entry in record.get("files", []):
        if str(entry.get("key", "")).endswith(".zip"):
            return str(entry["links"]["self"])
    raise FileNotFoundError(f"{url}: no zip file in the newest version of the record")


def _download(url: str, dest: Path, member: str = "", timeout: float = 60.0) -> None:
    """Fetch ``url`` into ``dest`` (through a temporary file, so a failed download leaves nothing)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        raw = Path(tmp) / "download"
        with urllib.request.urlopen(request, timeout=timeout) as response, raw.open("wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
        if member:
            with zipfile.ZipFile(raw) as zf:
                names = [n for n in zf.namelist() if fnmatch.fnmatch(Path(n).name, member)]
                if not names:
                    raise FileNotFoundError(f"{url}: no member matching {member!r} in the zip")
                with zf.open(sorted(names)[-1]) as src, (Path(tmp) / "member").open("wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
                raw = Path(tmp) / "member"
        raw.replace(dest)


def fetch(
    downloads: Path,
    *,
    mirror: Path | None = None,
    sources: Iterable[Source] = SOURCES,
    only: set[str] | None = None,
    progress: Callable[[str], None] = print,
) -> list[FetchResult]:
    """Fetch every file of every source that is not kept in the repository."""
    results: list[FetchResult] = []
    for source in sources:
        if only and source.name not in only:
            continue
        for spec in source.files:
            if spec.in_repo:
                continue
            results.append(_fetch_one(source, spec, downloads, mirror, progress))
    return results


def _fetch_one(
    source: Source, spec: SourceFile, downloads: Path, mirror: Path | None, progress: Callable[[str], None]
) -> FetchResult:
    dest = downloads / spec.path
    if mirror is not None:
        origin = mirror / spec.path
        if not origin.is_file():
            status = "missing"
            note = " (optional)" if spec.optional else ""
            progress(f"[{source.name}] {spec.path}: not in mirror {mirror}{note}")
            return FetchResult(source.name, spec.path, status, str(origin))
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, dest)
        _write_sidecar(dest, f"mirror:{spec.path}")
        progress(f"[{source.name}] {spec.path}: copied from mirror")
        return FetchResult(source.name, spec.path, "copied")
    if not spec.url:
        progress(f"[{source.name}] {spec.path}: no download URL; use --mirror")
        return FetchResult(source.name, spec.path, "missing", "no download URL")
    try:
        url = resolve_zenodo_latest(spec.url) if spec.resolve == "zenodo-latest" else spec.url
        progress(f"[{source.name}] downloading {url}")
        _download(url, dest, spec.member)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        progress(f"[{source.name}] {spec.url}: {exc}")
        return FetchResult(source.name, spec.path, "failed", str(exc))
    _write_sidecar(dest, spec.url)
    return FetchResult(source.name, spec.path, "fetched")
