"""The publishing protocol on a real Oxigraph server (and a short build on Virtuoso).

Two small sources (REFNIS and the megatrends) keep each build to seconds. What is checked:
staging graphs are invisible; a build publishes each source with its provenance and registers
it; a rebuild of unchanged data writes nothing; a batch the server refuses, and a server killed
in the middle of a load, both leave every published graph as it was; `ecograph build` and
`open_store` follow ``ECOGRAPH_BACKEND``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph import cli
from ecograph.build.publish import BuildError
from ecograph.build.publish_remote import build
from ecograph.model.history import CHG, changes_graph
from ecograph.model.sources import SOURCES
from ecograph.settings import Settings, get_settings
from ecograph.store.open import open_store
from ecograph.store.remote import RemoteStore

try:
    from .conftest import make_settings, mirror_downloads, quiet
    from .servers import Server, start_oxigraph, start_virtuoso, virtuoso_binary
except ImportError:  # tests/ is not a package
    from conftest import make_settings, mirror_downloads, quiet  # type: ignore[no-redef]
    from servers import Server, start_oxigraph, start_virtuoso, virtuoso_binary  # type: ignore[no-redef]

SMALL = tuple(s for s in SOURCES if s.name in ("refnis", "megatrends"))
MEGATRENDS = "http://localhost:8000/graph/megatrends"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))  # the `oxigraph` command is a test extra
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, shared_data: Path, server: Server) -> Settings:
    settings = make_settings(tmp_path_factory.mktemp("remote"), **server.settings())
    mirror_downloads(settings, shared_data)
    return settings


def snapshot(remote: RemoteStore) -> dict[str, set[str]]:
    """Every published graph as a set of N-Triples lines, blank node labels blanked out (ontology)."""
    remote.refresh()
    return {g: {re.sub(r"_:\S+", "_:b", line) for line in remote.get_graph(g).decode().splitlines()}
            for g in remote.published}


def visible_megatrends(remote: RemoteStore) -> int:
    rows = list(remote.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/ecograph/ontology#Megatrend> }"))
    return int(rows[0]["n"].value)


def test_staging_graphs_are_invisible(settings: Settings) -> None:
    remote = RemoteStore.from_settings(settings, require_published=False)
    remote.post_ntriples(remote.staging("x"), b"<http://ex/s> <http://ex/p> <http://ex/o> .\n")
    assert remote.get_graph(remote.staging("x"))  # it is there …
    # … but neither in the default graph nor through GRAPH ?g
    assert not list(remote.query("SELECT * WHERE { ?s <http://ex/p> ?o }"))
    assert not list(remote.query("SELECT * WHERE { GRAPH ?g { ?s <http://ex/p> ?o } }"))
    remote.update(f"DROP GRAPH <{remote.staging('x')}>")


def test_build_publishes_sources_with_provenance(settings: Settings) -> None:
    report = build(settings, sources=SMALL, progress=quiet)
    assert [(s.name, s.status) for s in report.sources] == [("refnis", "published"), ("megatrends", "published")]
    remote = RemoteStore.from_settings(settings)
    assert remote.graphs() == sorted(settings.graph(n) for n in
                                     ("ontology", "refnis", "megatrends", "inferred", "cube", "meta"))
    assert len(remote) == report.triples
    assert visible_megatrends(remote) == 14
    prov = list(remote.query(f"SELECT ?n WHERE {{ GRAPH <{settings.graph('meta')}> {{"
                             f" <{MEGATRENDS}> <http://rdfs.org/ns/void#triples> ?n }} }}"))
    assert int(prov[0]["n"].value) == report.sources[1].triples
    # nothing is left in staging
    staged = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), '/staging/')) }"
    assert not list(remote.query(staged, use_union=False))


def test_rebuild_of_unchanged_data_uploads_nothing(settings: Settings) -> None:
    before = snapshot(RemoteStore.from_settings(settings))
    batches: list[tuple[str, int]] = []
    report = build(settings, sources=SMALL, progress=quiet, after_batch=lambda n, i: batches.append((n, i)))
    assert report.ok
    assert [b for b in batches if b[0] != "ontology"] == []  # the ontology's blank nodes are re-sent
    assert snapshot(RemoteStore.from_settings(settings)) == before


def test_a_rebuild_records_what_it_changed_on_the_server(settings: Settings) -> None:
    """The changeset compares with what readers saw before the build, though the swaps came first."""
    before = RemoteStore.from_settings(settings)
    definitions = len([line for line in before.get_graph(MEGATRENDS).decode().splitlines() if "#definition>" in line])
    assert definitions > 0
    _drift(settings)
    report = build(settings, sources=SMALL, progress=quiet)
    assert report.ok
    remote = RemoteStore.from_settings(settings)
    assert changes_graph(settings.base) in remote.published
    added = remote.query(
        f"SELECT ?n WHERE {{ GRAPH <{changes_graph(settings.base)}> {{ ?c <{CHG.changedGraph}> <{MEGATRENDS}> ;"
        f" <{CHG.triplesAdded}> ?n }} }}", use_union=False)
    assert [int(row["n"].value) for row in added] == [definitions]  # the definitions the drift took away


def _drift(settings: Settings) -> dict[str, set[str]]:
    """Remove a few published megatrend triples on the server, so that the next build has to upload."""
    remote = RemoteStore.from_settings(settings)
    remote.update(
        f"DELETE {{ GRAPH <{MEGATRENDS}> {{ ?m ?p ?o }} }} WHERE {{ GRAPH <{MEGATRENDS}> {{ ?m ?p ?o }}"
        " FILTER(?p = <http://www.w3.org/2004/02/skos/core#definition>) }")
    return snapshot(remote)


def test_a_batch_the_server_refuses_leaves_the_published_graph(settings: Settings,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    before = _drift(settings)
    original = RemoteStore.post_ntriples
    sent: list[str] = []

    def post(self: RemoteStore, graph: str, data: bytes) -> None:
        sent.append(graph)
        if "/staging/megatrends/" in graph and len([g for g in sent if "/staging/megatrends/" in g]) == 2:
            data = b"<http://ex/broken> this is not N-Triples .\n"
        original(self, graph, data)

    monkeypatch.setattr(RemoteStore, "post_ntriples", post)
    report = build(settings, sources=SMALL, progress=quiet, batch=5)
    status = {s.name: s for s in report.sources}
    assert status["refnis"].status == "published"
    assert status["megatrends"].status == "kept-previous"
    assert "refused the upload" in status["megatrends"].error and "400" in status["megatrends"].error
    assert not report.ok
    monkeypatch.undo()
    remote = RemoteStore.from_settings(settings)
    assert snapshot(remote) == before  # the drifted graph and its provenance, exactly
    assert not remote.get_graph(remote.staging("megatrends/add"))  # staged batches dropped


def test_a_server_killed_mid_load_leaves_the_published_graph(settings: Settings, server: Server) -> None:
    before = _drift(settings)

    def kill(name: str, batch: int) -> None:
        if name == "megatrends" and batch == 1:
            server.kill()

    with pytest.raises(BuildError, match="went away"):
        build(settings, sources=SMALL, progress=quiet, batch=5, after_batch=kill)
    server.restart()
    remote = RemoteStore.from_settings(settings)
    assert snapshot(remote) == before
    assert visible_megatrends(remote) == 14
    # the next build repairs it
    report = build(settings, sources=SMALL, progress=quiet)
    assert report.ok
    after = snapshot(RemoteStore.from_settings(settings))
    assert len(after[MEGATRENDS]) > len(before[MEGATRENDS])


def test_cli_build_and_open_store_follow_the_backend(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    for name, value in settings.__dict__.items():
        monkeypatch.setenv(f"ECOGRAPH_{name.upper()}", str(value))
    monkeypatch.setattr("ecograph.build.publish.SOURCES", SMALL)  # `ecograph build`: the one build loop
    get_settings.cache_clear()
    try:
        assert cli.main(["build"]) == 0
        assert "megatrends" in capsys.readouterr().out
        store = open_store(get_settings())
        assert isinstance(store, RemoteStore)
        assert not store.is_stale()
        assert bool(store.query("ASK { ?m a <https://w3id.org/ecograph/ontology#Megatrend> }"))
    finally:
        get_settings.cache_clear()


def test_virtuoso_build_and_rebuild(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> None:
    if virtuoso_binary() is None:
        pytest.skip("virtuoso-t is not installed (scripts/setup-system.sh)")
    srv = start_virtuoso(tmp_path_factory.mktemp("virtuoso-build"))
    try:
        settings = make_settings(tmp_path_factory.mktemp("remote-vt"), **srv.settings())
        mirror_downloads(settings, shared_data)
        first = build(settings, sources=SMALL, progress=quiet)
        assert first.ok
        remote = RemoteStore.from_settings(settings)
        assert visible_megatrends(remote) == 14
        assert len(remote) == first.triples
        second = build(settings, sources=SMALL, progress=quiet)
        assert second.ok and second.triples == first.triples
        assert bool(RemoteStore.from_settings(settings).query("ASK { ?m a ?c }")) is True
        assert isinstance(remote.query("CONSTRUCT WHERE { ?m a <https://w3id.org/ecograph/ontology#Megatrend> }"),
                          ox.QueryTriples)
    finally:
        srv.stop()


def test_pattern_lookups_for_linked_data_pages(settings: Settings) -> None:
    remote = RemoteStore.from_settings(settings)
    megatrend = next(iter(remote.query(
        "SELECT ?m WHERE { ?m a <https://w3id.org/ecograph/ontology#Megatrend> } LIMIT 1")))["m"]
    quads = list(remote.quads_for_pattern(megatrend, None, None))
    assert quads and all(q.subject == megatrend for q in quads)
    assert {q.graph_name.value for q in quads} <= set(remote.published)
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert all(q.predicate == label for q in remote.quads_for_pattern(megatrend, label, None))
