"""Stores for tests without paying for a build: a copy of the session's real build, a fixture generation,
and a small build in a child process (for the kill tests).

A real build of every source takes ~20 s; copying its store folder takes well under a second, so a
test that needs a published real build, but not the act of building it, starts from a copy.
"""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from ecograph.model.sources import SOURCES, Source
from ecograph.store.embedded import new_generation, publish_generation

# what a build writes beside the generations that a copy must not carry: the lock of the store it came
# from, and dumps that another test may be writing into the session's store at that moment
_NOT_COPIED = shutil.ignore_patterns(".build.lock", "dumps", ".current.*")


def copy_store(source: Path, target: Path) -> Path:
    """Copy a store folder (its generations and the ``current`` link, which is relative) to ``target``."""
    shutil.copytree(source, target, symlinks=True, ignore=_NOT_COPIED)
    return target


def sources_named(*names: str) -> tuple[Source, ...]:
    """The catalogue's sources with these names, in the catalogue's (build) order."""
    unknown = set(names) - {s.name for s in SOURCES}
    assert not unknown, unknown
    return tuple(s for s in SOURCES if s.name in names)


def publish_fixture(root: Path, data: Iterable[ox.Quad] | bytes | str, *,
                    format: ox.RdfFormat = ox.RdfFormat.N_QUADS, base: str | None = None,
                    then: Callable[[ox.Store], None] | None = None) -> Path:
    """Publish a new generation under ``root`` holding ``data`` (quads, or text/bytes in ``format``).

    ``then`` gets the filled store before it is published (to add what a build derives, e.g. the cube).
    """
    generation = new_generation(root)
    store = ox.Store(str(generation))
    if isinstance(data, (bytes, str)):
        store.bulk_load(data.encode() if isinstance(data, str) else data, format=format,
                        base_iri=base + "/" if base else None)
    else:
        store.bulk_extend(list(data))
    if then is not None:
        then(store)
    store.flush()
    del store
    gc.collect()  # the store's files are closed before the generation becomes current
    publish_generation(root, generation)
    return generation


_CHILD_BUILD = """\
import sys
from ecograph.build.publish import build
from ecograph.model.sources import SOURCES
from ecograph.settings import Settings
names = set(sys.argv[1:])
build(Settings.from_env(), sources=tuple(s for s in SOURCES if s.name in names),
      progress=lambda message: print(message, file=sys.stderr, flush=True))
"""


def start_build(sources: tuple[Source, ...], env: dict[str, str]) -> subprocess.Popen[str]:
    """A build of ``sources`` in a child process (settings from ``env``), its progress lines on stderr."""
    return subprocess.Popen([sys.executable, "-c", _CHILD_BUILD, *(s.name for s in sources)], env=env,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
