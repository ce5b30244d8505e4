"""Store generations: atomic publication, readers see only published data, leftovers pruned."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.store.embedded import (
    EmbeddedStore,
    StoreNotBuilt,
    current_generation,
    new_generation,
    prune_generations,
    publish_generation,
)


def _write(gen: Path, value: str) -> None:
    store = ox.Store(str(gen))
    store.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/p"), ox.Literal(value),
                      ox.NamedNode("http://ex/g")))
    store.flush()
    del store


def _values(root: Path) -> list[str]:
    store = EmbeddedStore(root)
    return [row["o"].value for row in store.query("SELECT ?o WHERE { ?s ?p ?o }")]


def test_no_generation_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreNotBuilt, match="ecograph build"):
        EmbeddedStore(tmp_path)


def test_unpublished_generation_is_invisible_until_published(tmp_path: Path) -> None:
    first = new_generation(tmp_path)
    _write(first, "one")
    publish_generation(tmp_path, first)
    second = new_generation(tmp_path)
    _write(second, "two")
    assert _values(tmp_path) == ["one"], "a generation being written must not be seen"
    publish_generation(tmp_path, second)
    assert _values(tmp_path) == ["two"]
    assert current_generation(tmp_path) == second.resolve()


def test_stale_reader_notices_new_generation(tmp_path: Path) -> None:
    first = new_generation(tmp_path)
    _write(first, "one")
    publish_generation(tmp_path, first)
    reader = EmbeddedStore(tmp_path)
    assert not reader.is_stale()
    second = new_generation(tmp_path)
    _write(second, "two")
    publish_generation(tmp_path, second)
    assert reader.is_stale()


def test_prune_keeps_current_and_previous_and_drops_leftovers(tmp_path: Path) -> None:
    gens = []
    for value in ("a", "b", "c"):
        gen = new_generation(tmp_path)
        _write(gen, value)
        publish_generation(tmp_path, gen)
        gens.append(gen)
    leftover = new_generation(tmp_path)  # a build killed half-way
    removed = prune_generations(tmp_path)
    assert sorted(p.name for p in removed) == sorted([gens[0].name, leftover.name])
    assert gens[1].is_dir() and gens[2].is_dir()
    assert _values(tmp_path) == ["c"]
