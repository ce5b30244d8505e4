"""The publishing protocol on the real sources: complete, reproducible, and safe on bad input or a kill."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
from pathlib import Path

import pyoxigraph as ox
import pytest
from builds import sources_named, start_build
from conftest import REPO, make_settings, mirror_downloads, quiet

from ecograph.build.publish import BuildError, BuildReport, build
from ecograph.model.sources import SOURCES, Source
from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore, current_generation

PREFIXES = """PREFIX eco: <https://w3id.org/ecograph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def _digest(store_root: Path) -> str:
    """SHA-256 of the published dataset as sorted N-Quads."""
    store = EmbeddedStore(store_root)
    lines = sorted(str(q) for q in store.quads())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _graph_lines(store_root: Path, graph: str) -> list[str]:
    store = EmbeddedStore(store_root)
    return sorted(str(q) for q in store.quads(graph))


def test_every_source_is_published_with_provenance(real_build: tuple[Settings, BuildReport]) -> None:
    settings, report = real_build
    assert report.ok
    optional = {s.name for s in SOURCES if s.optional}
    assert {s.name: s.status for s in report.sources} == {
        s.name: "absent" if s.name in optional else "published" for s in report.sources}
    report = type(report)(report.generation, [s for s in report.sources if s.status == "published"])
    store = EmbeddedStore(settings.store)
    rows = list(store.query(PREFIXES + """
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?g ?licence ?checksum ?rows ?triples WHERE { GRAPH ?meta {
          ?g dcterms:license ?licence ; eco:checksum ?checksum ; eco:rowsRead ?rows ; void:triples ?triples } }""",
        named_graphs=[settings.graph("meta")]))
    by_graph = {r["g"].value: r for r in rows}
    for source in report.sources:
        record = by_graph[settings.graph(source.name)]
        assert record["checksum"].value.startswith("sha256:")
        assert int(record["triples"].value) == source.triples > 0
        assert int(record["rows"].value) == source.rows_read > 0


def test_arrondissement_leuven_has_its_30_municipalities(real_store: EmbeddedStore) -> None:
    rows = list(real_store.query(PREFIXES + """
        SELECT DISTINCT ?code WHERE {
          ?m a eco:Municipality ; skos:notation ?code ; skos:broader ?arr .
          ?arr skos:notation "24000" }"""))
    codes = {r["code"].value for r in rows}
    assert len(codes) == 30
    assert {"24062", "24107", "24020", "24001", "24094"} <= codes


@pytest.mark.parametrize(("key", "ror"), [("ku_leuven", "05f950310"), ("imec", "02kcbn207")])
def test_knowledge_institutions_are_single_nodes(real_store: EmbeddedStore, key: str, ror: str) -> None:
    rows = list(real_store.query(PREFIXES + f"""
        SELECT DISTINCT ?org WHERE {{ ?org eco:ror <https://ror.org/{ror}> ; a org:Organization }}"""))
    assert [r["org"].value for r in rows] == [f"http://localhost:8000/id/org/{key}"]


def test_curated_organisations_have_sectors_and_stages(real_store: EmbeddedStore) -> None:
    [row] = list(real_store.query(PREFIXES + """
        SELECT (COUNT(DISTINCT ?org) AS ?orgs) (COUNT(DISTINCT ?cap) AS ?caps) WHERE {
          ?cap a eco:Capability ; eco:organisation ?org ; eco:sector ?sector ; eco:stage ?stage }"""))
    assert int(row["orgs"].value) > 250
    assert int(row["caps"].value) > int(row["orgs"].value)


def test_rebuild_on_unchanged_input_is_identical(real_copy: Settings) -> None:
    settings = real_copy  # the first build: the session's, from the same downloads and data
    first_gen, first = current_generation(settings.store), _digest(settings.store)
    build(settings, progress=quiet)
    assert current_generation(settings.store) != first_gen
    assert _digest(settings.store) == first


def _break_copies(settings: Settings, data: Path) -> dict[str, tuple[str, str]]:
    """Corrupt one file of every source; returns source → (file name, where the error is)."""
    dl = settings.downloads
    broken: dict[str, tuple[str, str]] = {}

    def replace_line(path: Path, number: int, text: str) -> None:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[number - 1] = text
        path.write_text("".join(lines), encoding="utf-8")

    # (ROR reads the REFNIS file too, for municipality names; its own file is broken below as well)
    replace_line(dl / "belgif-refnis/refnis2025.nt", 7, "<http://vocab.belgif.be/auth/refnis2025/x> <oops .\n")
    broken["refnis"] = ("refnis2025.nt", ":7:")
    replace_line(dl / "belgif-nacebel/nace2008.nt", 12, "this is not n-triples\n")
    broken["nace"] = ("nace2008.nt", ":12:")
    replace_line(dl / "cordis-euroscivoc/euroscivoc_nodes_horizon_europe.csv", 5, "/27/79,79,2\n")
    broken["euroscivoc"] = ("euroscivoc_nodes_horizon_europe.csv", ":5:")
    ror = dl / "ror/ror-data-be-v2.json"
    ror.write_text(ror.read_text(encoding="utf-8").replace('"id": "https://ror.org/001805t51"', '"id": 17', 1))
    broken["ror"] = ("ror-data-be-v2.json", "")
    replace_line(data / "curated/organisations.csv", 4, "broken_row,Only two columns\n")
    broken["curated"] = ("organisations.csv", ":4:")
    replace_line(data / "megatrend_sectors.csv", 3, "MT02,no_such_sector,made up\n")
    broken["megatrends"] = ("megatrend_sectors.csv", ":3:")
    return broken


def test_bad_input_is_not_published_and_previous_graph_stays(tmp_path: Path, shared_data: Path,
                                                             real_copy: Settings) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    settings = make_settings(tmp_path, data=data, store=real_copy.store)  # published: the session's build
    mirror_downloads(settings, shared_data)
    before = {s: _graph_lines(settings.store, settings.graph(s)) for s in
              ("refnis", "nace", "euroscivoc", "ror", "curated", "megatrends", "meta")}

    broken = _break_copies(settings, data)
    messages: list[str] = []
    report = build(settings, progress=messages.append)

    statuses = {s.name: s for s in report.sources}
    for name, (file, where) in broken.items():
        assert statuses[name].status == "kept-previous", name
        error = statuses[name].error
        if name == "ror":  # ROR reads the broken REFNIS file first; its own error is proven below
            assert "refnis2025.nt:7:" in error, error
            continue
        assert file in error and where in error, error
        assert _graph_lines(settings.store, settings.graph(name)) == before[name], name
        assert any(m.startswith(f"[{name}] NOT PUBLISHED") for m in messages)
    # provenance of the kept graphs is the previous one, unchanged
    assert _graph_lines(settings.store, settings.graph("meta")) == before["meta"]
    # with REFNIS whole again, ROR is refused for its own broken record
    shutil.copy(shared_data / "belgif-refnis/refnis2025.nt", settings.downloads / "belgif-refnis/refnis2025.nt")
    ror = next(s for s in build(settings, progress=quiet).sources if s.name == "ror")
    assert ror.status == "kept-previous" and "ror-data-be-v2.json" in ror.error, ror.error
    assert _graph_lines(settings.store, settings.graph("ror")) == before["ror"]


def test_missing_source_is_named_and_the_rest_is_built(tmp_path: Path, shared_data: Path) -> None:
    settings = make_settings(tmp_path)
    mirror_downloads(settings, shared_data)
    (settings.downloads / "ror/ror-data-be-v2.json").unlink()
    report = build(settings, progress=quiet)
    statuses = {s.name: s for s in report.sources}
    assert statuses["ror"].status == "missing"
    assert "ror-data-be-v2.json" in statuses["ror"].error
    assert all(s.status in ("published", "absent") for n, s in statuses.items() if n != "ror")
    assert statuses["curated"].status == "published"
    assert ox.NamedNode(settings.graph("ror")) not in set(EmbeddedStore(settings.store).oxigraph.named_graphs())


@pytest.mark.parametrize(("marker", "sources"), [
    # the sources it takes to reach each marker (each build a few seconds, not the ~20 s of every source)
    ("[nace]", ("refnis", "nace")),
    ("[curated]", ("refnis", "curated")),
    ("[inferred] materialising", ("refnis", "megatrends")),
])
def test_sigkill_during_build_leaves_previous_state(tmp_path: Path, shared_data: Path, marker: str,
                                                    sources: tuple[str, ...]) -> None:
    settings = make_settings(tmp_path)
    mirror_downloads(settings, shared_data)
    subset = sources_named(*sources)
    build(settings, sources=subset, progress=quiet)
    gen, digest = current_generation(settings.store), _digest(settings.store)

    env = dict(os.environ, ECOGRAPH_STORE=str(settings.store), ECOGRAPH_DOWNLOADS=str(settings.downloads),
               ECOGRAPH_DATA=str(settings.data), ECOGRAPH_BASE=settings.base)
    proc = start_build(subset, env)
    assert proc.stderr is not None
    seen = ""
    for line in proc.stderr:
        if line.startswith(marker):
            seen = line
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=120)
    assert seen, f"the build never printed {marker!r}"
    assert proc.returncode == -signal.SIGKILL
    assert current_generation(settings.store) == gen
    assert _digest(settings.store) == digest
    # the next build cleans the half-written generation up and publishes normally
    report = build(settings, sources=subset, progress=quiet)
    assert report.ok
    assert _digest(settings.store) == digest
    generations = sorted(p.name for p in (settings.store / "generations").iterdir())
    assert len(generations) == 2


def _corrupt(path: Path, line: int) -> None:
    """Put a byte that is not UTF-8 (a Latin-1 é) into line ``line`` of a text file."""
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = lines[line - 1] + b"caf\xe9"
    path.write_bytes(b"\n".join(lines))


def test_invalid_utf8_is_a_file_and_line_error_and_publishes_nothing_of_that_source(
        tmp_path: Path, shared_data: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    settings = make_settings(tmp_path, data=data)
    mirror_downloads(settings, shared_data)
    sources = tuple(s for s in SOURCES if s.name in ("nace", "megatrends"))
    build(settings, sources=sources, progress=quiet)
    before = {name: _graph_lines(settings.store, settings.graph(name)) for name in ("nace", "megatrends")}
    mapping = data / "megatrend_sectors.csv"
    _corrupt(mapping, 3)
    report = build(settings, sources=sources, progress=quiet)
    megatrends = next(s for s in report.sources if s.name == "megatrends")
    assert megatrends.status == "kept-previous"
    assert f"{mapping}:3: not UTF-8" in megatrends.error, megatrends.error
    assert _graph_lines(settings.store, settings.graph("megatrends")) == before["megatrends"]
    assert next(s for s in report.sources if s.name == "nace").status == "published"

    curated = data / "curated" / "organisations.csv"
    _corrupt(curated, 5)
    generation = EmbeddedStore(settings.store).generation
    with pytest.raises(BuildError) as err:
        build(settings, sources=sources, progress=quiet)
    assert f"{curated}:5: not UTF-8" in str(err.value)
    assert EmbeddedStore(settings.store).generation == generation  # nothing was published


VIOLATING_INGESTER = '''
def read(ctx):
    """A relation between two nodes no source describes: conforms to the shapes of its own graph,
    fails the relation-unknown-organisation check over the whole build."""
    ctx.rows_read = 1
    yield (f"<{ctx.base}/id/org/nowhere>", "<https://w3id.org/ecograph/ontology#partnerOf>",
           f"<{ctx.base}/id/org/nobody>")
'''


def test_a_build_that_fails_a_quality_check_is_not_published(tmp_path: Path, shared_data: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "fixture_ingesters"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "violating.py").write_text(VIOLATING_INGESTER)
    monkeypatch.syspath_prepend(str(tmp_path))
    megatrends = next(s for s in SOURCES if s.name == "megatrends")
    violating = Source(name="violating", title="A fixture", publisher="tests", publisher_url="http://example.org/",
                       licence="http://example.org/licence", licence_label="none", page="http://example.org/",
                       module="fixture_ingesters.violating")
    settings = make_settings(tmp_path)
    mirror_downloads(settings, shared_data)
    build(settings, sources=(megatrends,), progress=quiet)
    generation, digest = current_generation(settings.store), _digest(settings.store)
    assert generation is not None

    messages: list[str] = []
    with pytest.raises(BuildError) as err:
        build(settings, sources=(megatrends, violating), progress=messages.append)
    assert "relation-unknown-organisation" in str(err.value)
    assert f"{settings.base}/id/org/nowhere" in str(err.value)  # an offending row
    assert any(m.startswith("[violating] published") for m in messages)  # the SHACL gate let it through
    assert current_generation(settings.store) == generation and _digest(settings.store) == digest
    assert sorted(p.name for p in (settings.store / "generations").iterdir()) == [generation.name]
