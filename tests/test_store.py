"""Store generations: atomic publication, readers see only published data, leftovers pruned."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.store.dataset import UNION, only_published, query_dataset
from ecograph.store.embedded import (
    EmbeddedStore,
    StoreNotBuilt,
    current_generation,
    new_generation,
    prune_generations,
    publish_generation,
    run_query,
)
from ecograph.store.graphstore import GraphStore
from ecograph.store.remote import RemoteStore


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


def test_which_graphs_a_query_sees_is_one_rule() -> None:
    """The protocol dataset replaces FROM, which replaces the published union."""
    assert query_dataset() == UNION
    assert query_dataset(from_graphs=["g1"]) == (["g1"], [])
    assert query_dataset(from_named=["g2"]) == ([], ["g2"])
    assert query_dataset(default_graphs=["d"], from_graphs=["g1"], from_named=["g2"]) == (["d"], [])
    assert query_dataset(named_graphs=["n"]) == ([], ["n"])
    assert only_published((["a", "staging"], ["b"]), ["a", "b"]) == (["a"], ["b"])
    assert only_published(UNION, ["a"]) == UNION


def test_both_stores_implement_the_whole_protocol_and_nothing_pyoxigraph_shaped() -> None:
    wanted = {name for name in vars(GraphStore) if not name.startswith("_") or name == "__len__"}
    wanted -= {"__module__", "__doc__", "__dict__", "__weakref__", "__annotations__"}
    assert {"query", "stream", "quads_for_pattern", "dump", "built_at", "generation"} <= wanted
    for cls in (EmbeddedStore, RemoteStore):
        assert wanted <= set(dir(cls)), (cls, wanted - set(dir(cls)))
    assert not hasattr(RemoteStore, "oxigraph")


def test_embedded_store_answers_through_the_protocol(tmp_path: Path) -> None:
    gen = new_generation(tmp_path)
    _write(gen, "one")
    publish_generation(tmp_path, gen)
    store: GraphStore = EmbeddedStore(tmp_path)
    s = ox.NamedNode("http://ex/s")
    assert [q.object.value for q in store.quads_for_pattern(s, None, None)] == ["one"]
    assert not list(store.quads_for_pattern(None, None, None, ox.NamedNode("http://ex/other")))
    with store.stream("SELECT ?o WHERE { ?s ?p ?o }", timeout=1.0) as rows:
        assert [r["o"].value for r in rows] == ["one"]
    with store.stream("SELECT ?o WHERE { ?s ?p ?o }", dataset=(["http://ex/other"], []), timeout=1.0) as rows:
        assert not list(rows)  # an explicit dataset replaces the union
    dumped = store.dump(None, ox.RdfFormat.N_TRIPLES, "http://ex/g")
    assert dumped == b'<http://ex/s> <http://ex/p> "one" .\n'
    assert store.built_at().tzinfo is not None


def test_query_keywords_are_checked_on_every_path(tmp_path: Path) -> None:
    """The query options are one typed set; a misspelt one fails as a misspelt keyword argument always did."""
    gen = new_generation(tmp_path)
    _write(gen, "one")
    publish_generation(tmp_path, gen)
    store = EmbeddedStore(tmp_path)
    rows = store.query("SELECT ?o WHERE { ?s ?p ?o }", default_graph=["http://ex/g"], named_graphs=[],
                       substitutions={"o": ox.Literal("one")}, base_iri="http://ex/")
    assert [r["o"].value for r in rows] == ["one"]
    with pytest.raises(TypeError, match="default_graphs"):
        store.query("SELECT * { ?s ?p ?o }", default_graphs=["http://ex/g"])  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="default_graphs"):
        run_query(store.oxigraph, "SELECT * { ?s ?p ?o }", default_graphs=["http://ex/g"])  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="timeout"):
        store.stream("SELECT * { ?s ?p ?o }")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="datasets"):
        store.stream("SELECT * { ?s ?p ?o }", timeout=1.0, datasets=UNION)  # type: ignore[call-arg]
