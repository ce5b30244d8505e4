"""Shared fixtures: paths to the shared open data, and one real build of the graph per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecograph.build.publish import BuildReport, build
from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"
BASE = "http://localhost:8000"


def quiet(_message: str) -> None:
    """Progress sink for tests."""


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared open data is expected at {SHARED_DATA}")
    return SHARED_DATA


def make_settings(tmp: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "base": BASE,
        "store": tmp / "store",
        "downloads": tmp / "downloads",
        "data": REPO / "data",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def mirror_downloads(settings: Settings, mirror: Path) -> None:
    """What `ecograph fetch --mirror` does, without the sidecars' changing timestamps."""
    from ecograph.build.fetch import fetch

    fetch(settings.downloads, mirror=mirror, progress=quiet)


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[Settings, BuildReport]]:
    """The graph built from the shared open data and the curated data, as `make run` does."""
    tmp = tmp_path_factory.mktemp("real")
    settings = make_settings(tmp)
    mirror_downloads(settings, shared_data)
    report = build(settings, progress=quiet)
    yield settings, report
    if not os.environ.get("ECOGRAPH_KEEP_TEST_STORE"):
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def real_store(real_build: tuple[Settings, BuildReport]) -> EmbeddedStore:
    settings, _ = real_build
    return EmbeddedStore(settings.store)
