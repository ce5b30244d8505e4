"""What changed at each build: the changeset of two fixture builds, its history across pruned generations,
the Atom feed and a cell's trajectory."""

from __future__ import annotations

import csv
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from builds import sources_named
from conftest import REPO, make_settings, mirror_downloads, quiet
from fastapi.testclient import TestClient

from ecograph.build.publish import build
from ecograph.model.history import CHG, changes_graph
from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore, prune_generations
from ecograph.web.viewer.changes_read import builds, cell_history, changeset

SOURCES = sources_named("refnis", "curated")
B = "http://localhost:8000"
ORG = f"{B}/id/org/"


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _drop(data: Path, fields: list[str], rows: list[dict[str, str]], gone: set[str]) -> list[dict[str, str]]:
    """Write the organisations without ``gone`` and the relations that do not name them."""
    kept = [r for r in rows if r["id"] not in gone]
    _write(data / "curated" / "organisations.csv", fields, kept)
    rel_fields, relations = _rows(data / "curated" / "relations.csv")
    _write(data / "curated" / "relations.csv", rel_fields,
           [r for r in relations if r["subject_id"] not in gone and r["object_id"] not in gone])
    return kept


_SINGLE = """SELECT ?sector ?stage (SUM(?n) AS ?total) (SAMPLE(?only) AS ?org) WHERE {
  <http://localhost:8000/id/region/arrondissement-leuven> eco:hasMunicipality ?m .
  ?obs qb:dataSet <http://localhost:8000/id/dataset/coverage> ; eco:refSector ?sector ; eco:refStage ?stage ;
       sdmx:refArea ?m ; eco:organisationCount ?n .
  OPTIONAL { ?obs eco:soleOrganisation ?only }
  ?sector skos:broader ?cluster .
} GROUP BY ?sector ?stage HAVING (SUM(?n) = 1) ORDER BY ?sector ?stage"""


def _a_single_cell(settings: Settings) -> tuple[str, str]:
    """A sub-sector × stage cell of the region that one organisation fills: (cell keys, its key)."""
    store = EmbeddedStore(settings.store)
    prefixes = ("PREFIX eco: <https://w3id.org/ecograph/ontology#> PREFIX qb: <http://purl.org/linked-data/cube#>"
                " PREFIX sdmx: <http://purl.org/linked-data/sdmx/2009/dimension#>"
                " PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ")
    for row in store.query(prefixes + _SINGLE):
        key = row["org"].value.rsplit("/", 1)[-1] if row["org"] is not None else ""
        if key:
            return f"{row['sector'].value.rsplit('/', 1)[-1]}.{row['stage'].value.rsplit('/', 1)[-1]}", key
    raise AssertionError("no single-organisation cell in the fixture")


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[Settings, dict[str, str]]]:
    """Three builds: the data as it is; one organisation removed, one added and one renamed; then the
    sole producer of a cell removed."""
    tmp = tmp_path_factory.mktemp("changes")
    data = tmp / "data"
    shutil.copytree(REPO / "data", data)
    settings = make_settings(tmp, data=data)
    mirror_downloads(settings, shared_data)
    csv_path = data / "curated" / "organisations.csv"
    fields, rows = _rows(csv_path)
    build(settings, sources=SOURCES, progress=quiet)
    _rel_fields, relations = _rows(data / "curated" / "relations.csv")
    related = {r["subject_id"] for r in relations} | {r["object_id"] for r in relations}
    alone = [i for i, r in enumerate(rows) if r["id"] not in related]  # no other organisation changes with them
    removed, renamed = rows[alone[0]]["id"], rows[alone[1]]["id"]
    added = dict(rows[alone[2]], id="zz_new_spinoff", name="ZZ New Spin-off", ror_id="", wikidata_qid="", website="",
                 alt_names="")
    rows = [dict(r, name="Renamed Organisation") if r["id"] == renamed else r for r in rows]
    rows = _drop(data, fields, [*rows, added], {removed})
    build(settings, sources=SOURCES, progress=quiet)
    cell, sole = _a_single_cell(settings)
    _drop(data, fields, rows, {sole})
    build(settings, sources=SOURCES, progress=quiet)
    yield settings, {"removed": removed, "renamed": renamed, "added": "zz_new_spinoff", "cell": cell, "sole": sole}


def test_an_unchanged_rebuild_records_nothing(tmp_path: Path, shared_data: Path) -> None:
    settings = make_settings(tmp_path)
    mirror_downloads(settings, shared_data)
    build(settings, sources=SOURCES, progress=quiet)
    build(settings, sources=SOURCES, progress=quiet)
    assert changes_graph(B) not in EmbeddedStore(settings.store).graphs()


def test_the_changeset_names_what_changed(history: tuple[Settings, dict[str, str]]) -> None:
    settings, names = history
    store = EmbeddedStore(settings.store)
    listed = builds(store, B)
    assert [b.build for b in listed] == ["g000003", "g000002"]
    second = changeset(store, B, "g000002")
    assert second is not None
    assert second.added["org"] == [ORG + names["added"]]
    assert second.removed["org"] == [ORG + names["removed"]]
    curated = second.graphs[settings.graph("curated")]
    assert [c.resource for c in curated.changed] == [ORG + names["renamed"]]
    assert "http://www.w3.org/2000/01/rdf-schema#label" in curated.changed[0].properties
    assert curated.added and curated.removed
    figures = {f.name: (f.before, f.after) for f in second.figures}
    before, after = figures["organisations"]
    assert after == before  # one in, one out


def test_a_cell_that_lost_its_organisations_opened(history: tuple[Settings, dict[str, str]]) -> None:
    settings, names = history
    store = EmbeddedStore(settings.store)
    third = changeset(store, B, "g000003")
    assert third is not None
    opened = {(c.concept, c.stage) for c in third.cells["cellOpened"]}
    sector, stage = names["cell"].split(".")
    assert (f"{B}/id/sector/{sector}", f"{B}/id/stage/{stage}") in opened
    assert not third.added["org"]
    assert third.removed["org"] == [ORG + names["sole"]]


def test_the_history_survives_pruning(history: tuple[Settings, dict[str, str]]) -> None:
    settings, _names = history
    prune_generations(settings.store, keep=2)
    generations = sorted(p.name for p in (settings.store / "generations").iterdir())
    assert generations == ["g000002", "g000003"]
    store = EmbeddedStore(settings.store)
    assert changeset(store, B, "g000002") is not None  # recorded by a generation that is gone


def test_each_changeset_links_the_one_before(history: tuple[Settings, dict[str, str]]) -> None:
    settings, _names = history
    store = EmbeddedStore(settings.store)
    rows = list(store.query(
        f"SELECT ?c ?before WHERE {{ GRAPH <{changes_graph(B)}> {{ ?c a <{CHG.Changeset}> ; <{CHG.buildId}> ?id"
        f" OPTIONAL {{ ?c <{CHG.previousChangeset}> ?before }} }} }} ORDER BY ?id"))
    assert len(rows) == 2  # the builds that changed something: g000002 and g000003
    assert rows[0]["before"] is None and rows[1]["before"] == rows[0]["c"]


def test_a_cells_trajectory(history: tuple[Settings, dict[str, str]]) -> None:
    settings, names = history
    store = EmbeddedStore(settings.store)
    members = {r["m"].value.rsplit("/", 1)[-1] for r in store.query(
        f"SELECT ?m WHERE {{ <{B}/id/region/arrondissement-leuven> <https://w3id.org/ecograph/ontology#hasMunicipality>"
        " ?m }")}
    points = cell_history(store, B, "sector-stage", names["cell"], members)
    assert [p.build for p in points] == ["", "g000002", "g000003"]
    assert [p.count for p in points][1:] == [1, 0]


def test_changes_pages_and_atom_feed(history: tuple[Settings, dict[str, str]]) -> None:
    from ecograph.web.app import create_app

    settings, names = history
    client = TestClient(create_app(settings))
    listing = client.get("/changes")
    assert listing.status_code == 200 and "g000002" in listing.text
    page = client.get("/changes/g000002")
    assert page.status_code == 200
    assert f"/doc/org/{names['added']}" in page.text
    data = client.get("/changes/g000002.json").json()
    assert data["organisations"]["added"] == [ORG + names["added"]]
    feed = client.get("/changes.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.tag == f"{atom}feed"
    for name in ("id", "title", "updated"):
        assert root.find(atom + name) is not None
    entries = root.findall(atom + "entry")
    assert len(entries) == 2
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert (entry.find(atom + name).text or "").strip()
        assert entry.find(atom + "link").get("href")
        datetime.fromisoformat(entry.find(atom + "updated").text.replace("Z", "+00:00")).astimezone(UTC)
    turtle = client.get("/changes/g000002", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "Changeset" in turtle.text
    assert client.get("/changes/g999999").status_code == 404
    trajectory = client.get("/trajectory")
    assert trajectory.status_code == 200 and 'id="trajectory"' in trajectory.text
    assert 'id="founded"' in trajectory.text and "/questions/founded-per-year" in trajectory.text


def test_the_changes_graph_in_dumps_void_and_catalogue(history: tuple[Settings, dict[str, str]]) -> None:
    """The changes graph has its own dump under CC BY, and VoID and DCAT-AP (valid) say what it holds."""
    import pyshacl
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import DCAT, DCTERMS

    from ecograph.build.dumps import CC_BY, write_dumps
    from ecograph.web.lod.catalog import build_catalog, build_void

    settings, _names = history
    infos = write_dumps(settings.store, B)
    dump = next(i for i in infos if i.graph == changes_graph(B))
    assert dump.name == "graph-changes.nt.gz" and dump.licence == CC_BY and dump.statements > 0
    store = EmbeddedStore(settings.store)
    catalog = Graph().parse(data=build_catalog(store, settings, infos).serialize(format="turtle"), format="turtle")
    dist = URIRef(f"{B}/catalog#dump-graph-changes.nt.gz")
    assert (dist, DCTERMS.license, URIRef(CC_BY)) in catalog
    assert "what changed at each build" in str(catalog.value(dist, DCTERMS.description)).lower()
    assert (URIRef(f"{B}/catalog#ecograph"), DCAT.distribution, dist) in catalog
    shapes = REPO.parent / "shared" / "dcat-ap-3.0.0" / "shapes.ttl"
    conforms, _, report = pyshacl.validate(catalog, shacl_graph=Graph().parse(shapes), allow_warnings=True)
    assert conforms, report
    void = build_void(store, settings, infos, {g: 1 for g in store.graphs()})
    changes = URIRef(changes_graph(B))
    assert (changes, DCTERMS.title, Literal("What changed at each build", lang="en")) in void
    assert "changeset" in str(void.value(changes, DCTERMS.description))


def test_home_and_dashboard_show_the_changes(history: tuple[Settings, dict[str, str]]) -> None:
    """The home page names the last build's changes; the dashboard's drill-down the cell's history."""
    from ecograph.web.app import create_app

    settings, names = history
    client = TestClient(create_app(settings))
    home = client.get("/")
    assert home.status_code == 200
    assert 'href="/changes/g000003"' in home.text and "1 gap opened" in home.text
    sector, stage = names["cell"].split(".")
    page = client.get(f"/dashboard?cell=sector/{sector}/{stage}")
    assert page.status_code == 200
    since = builds(EmbeddedStore(settings.store), B)[-1].time[:10]
    assert f": 1 → 0 since {since}" in page.text
    filtered = client.get(f"/dashboard?cell=sector/{sector}/{stage}&kind=Company")
    assert " since " not in filtered.text  # the cube does not count per kind
