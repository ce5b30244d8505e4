"""Shared fixtures: paths to the shared open data, one real build of the graph per session, and copies of it."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from builds import copy_store

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


def _build_real(folder: Path, shared_data: Path) -> tuple[Settings, BuildReport]:
    settings = make_settings(folder)
    mirror_downloads(settings, shared_data)
    return settings, build(settings, progress=quiet)


def _shared_real_build(root: Path, shared_data: Path) -> tuple[Settings, BuildReport]:
    """Under pytest-xdist: the first worker builds into the run's shared temporary folder, the others wait."""
    folder, done = root / "real", root / "real.report"
    with (root / "real.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_file():
            return make_settings(folder), pickle.loads(done.read_bytes())
        settings, report = _build_real(folder, shared_data)
        done.write_bytes(pickle.dumps(report))
        return settings, report


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[Settings, BuildReport]]:
    """The graph built from the shared open data and the curated data, as `make run` does.

    Read it, never write to it: a test that needs a store to change starts from `real_copy`.
    Under pytest-xdist every worker shares one build (left to pytest's clean-up of old temporary folders).
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        yield _shared_real_build(tmp_path_factory.getbasetemp().parent, shared_data)
        return
    tmp = tmp_path_factory.mktemp("real")
    yield _build_real(tmp, shared_data)
    if not os.environ.get("ECOGRAPH_KEEP_TEST_STORE"):
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def real_copy(real_build: tuple[Settings, BuildReport], tmp_path: Path) -> Settings:
    """Settings whose store is this test's own copy of the real build (same downloads and data)."""
    settings, _ = real_build
    return replace(settings, store=copy_store(settings.store, tmp_path / "store"))


@pytest.fixture(scope="session")
def real_store(real_build: tuple[Settings, BuildReport]) -> EmbeddedStore:
    settings, _ = real_build
    return EmbeddedStore(settings.store)
