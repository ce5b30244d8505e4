"""The curated ingester: triples that load into Oxigraph and say what MODEL.md says; errors with file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.ingest import curated
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.model.namespaces import sparql_prefixes
from ecograph.model.nt import serialize

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "data" / "curated"
BASE = "http://localhost:8000"
B = BASE + "/id/"


def context(folder: Path) -> IngestContext:
    return IngestContext(
        base=BASE,
        files={"organisations": folder / "organisations.csv", "relations": folder / "relations.csv"},
        data_dir=folder.parent,
    )


def load(folder: Path) -> tuple[ox.Store, IngestContext]:
    ctx = context(folder)
    text = serialize(curated.read(ctx))
    store = ox.Store()
    store.bulk_load(input=text, format=ox.RdfFormat.N_TRIPLES)
    return store, ctx


@pytest.fixture(scope="module")
def fixture_store() -> tuple[ox.Store, IngestContext]:
    return load(FIXTURE)


def ask(store: ox.Store, where: str) -> bool:
    return bool(store.query(f"{sparql_prefixes()}ASK {{ {where} }}"))


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    rows = store.query(sparql_prefixes() + query)
    return sorted(tuple(term.value for term in row) for row in rows)  # type: ignore[union-attr]


def test_rows_read(fixture_store: tuple[ox.Store, IngestContext]) -> None:
    _, ctx = fixture_store
    assert ctx.rows_read == 9 + 12


def test_organisation(fixture_store: tuple[ox.Store, IngestContext]) -> None:
    store, _ = fixture_store
    assert ask(store, f"""
        <{B}org/ku_leuven> a eco:University ;
            rdfs:label "KU Leuven" ; schema:name "KU Leuven" ;
            schema:alternateName "Katholieke Universiteit Leuven", "Catholic University of Leuven" ;
            schema:foundingDate "1425"^^xsd:gYear ;
            schema:url <https://www.kuleuven.be> ;
            eco:ror <https://ror.org/05f950310> ;
            eco:wikidata <http://www.wikidata.org/entity/Q833670> ;
            eco:locatedIn <{B}municipality/24062> ;
            org:classification <http://vocab.belgif.be/auth/nace2008/72>,
                               <http://vocab.belgif.be/auth/nace2008/85> ;
            eco:activeIn <{B}sector/health>, <{B}sector/high_tech>, <{B}sector/creativity>,
                         <{B}sector/other> ;
            dcterms:source <https://ror.org/05f950310> .""")
    assert ask(store, f"<{B}org/imec> a eco:ResearchCentre ; eco:ror <https://ror.org/02kcbn207>")
    assert ask(store, f"<{B}org/icometrix> a eco:StartUp")
    assert ask(store, f"<{B}org/uz_leuven> a eco:Hospital")
    assert ask(store, f"<{B}org/researchpark_haasrode> a eco:IncubatorOrSciencePark")
    assert ask(store, f"<{B}org/leuven_mindgate> a eco:NetworkOrPlatform")
    # One kind class each, and no ROR/Wikidata/place triples where the CSV has none.
    assert select(store, "SELECT ?o (COUNT(?c) AS ?n) WHERE { ?o a ?c FILTER(STRSTARTS(STR(?o), "
                         f"'{B}org/')) }} GROUP BY ?o HAVING (COUNT(?c) > 1)") == []
    assert not ask(store, f"<{B}org/materialise> eco:ror ?x")
    assert not ask(store, f"<{B}org/leuven_mindgate> org:classification ?x")


def test_capabilities(fixture_store: tuple[ox.Store, IngestContext]) -> None:
    store, _ = fixture_store
    caps = select(store, f"""
        SELECT ?cap ?sector ?stage WHERE {{
            ?cap a eco:Capability ; eco:organisation <{B}org/icometrix> ;
                 eco:sector ?sector ; eco:stage ?stage ; dcterms:source ?src }}
        GROUP BY ?cap ?sector ?stage""")
    # icometrix: clusters health;high_tech, NACE 62, stages research;market. 62 is software in
    # high_tech; health has no sub-sector for 62, so that capability is on the cluster.
    assert caps == sorted(
        (f"{B}capability/icometrix.{sector}.{stage}", f"{B}sector/{sector}", f"{B}stage/{stage}")
        for sector in ("health", "software")
        for stage in ("research", "market")
    )
    assert ask(store, f"""<{B}capability/icometrix.software.research> eco:derivationRule ?rule ;
        dcterms:source <https://vito.be/nl/nieuws/versnelde-evaluatie-en-validatie-van-medische-ai>""")
    # two sectors × two stages: every pair is the cross product, so every pair is marked as derived
    assert ask(store, f"""<{B}capability/icometrix.health.research> eco:derivationRule ?rule
        FILTER(CONTAINS(?rule, "each listed sector × each listed stage"))""")
    # econcore: high_tech, NACE 22;72 -> materials and engineering_rd (72 meets 72.1).
    assert ask(store, f"""<{B}capability/econcore.materials.production> eco:sector <{B}sector/materials> .
                          <{B}capability/econcore.engineering_rd.research> eco:stage <{B}stage/research>""")
    # uz_leuven: health, NACE 86 -> care. No stage, no capability (leuven_mindgate).
    assert ask(store, f"<{B}capability/uz_leuven.care.market> eco:organisation <{B}org/uz_leuven>")
    assert not ask(store, f"?cap eco:organisation <{B}org/leuven_mindgate>")
    # Every capability is complete.
    assert select(store, """SELECT ?cap WHERE { ?cap a eco:Capability
        FILTER NOT EXISTS { ?cap eco:organisation ?o ; eco:sector ?s ; eco:stage ?t ; dcterms:source ?u } }""") == []


def test_stated_capabilities_replace_the_cross_product(tmp_path: Path) -> None:
    """A `capabilities` column states sector:stage pairs; rows without it keep the derivation."""
    folder = tmp_path / "curated"
    shutil.copytree(FIXTURE, folder)
    lines = (folder / "organisations.csv").read_text(encoding="utf-8").splitlines()
    out = [lines[0] + ",capabilities"]
    for line in lines[1:]:
        # materialise: health;high_tech with NACE 32;62 and three stages in the fixture
        out.append(line + (",software:research;materials:production;architecture_or_not:market"
                           if line.startswith("materialise,") else ","))
    (folder / "organisations.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    with pytest.raises(IngestError) as err:
        load(folder)
    assert "organisations.csv:" in str(err.value) and "unknown sector 'architecture_or_not'" in str(err.value)

    out = [line.replace(";architecture_or_not:market", ";design:market") for line in out]
    (folder / "organisations.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    store, _ = load(folder)
    caps = select(store, f"SELECT ?s ?t WHERE {{ ?c eco:organisation <{B}org/materialise> ; eco:sector ?s ; "
                         "eco:stage ?t }")
    assert caps == [(f"{B}sector/design", f"{B}stage/market"), (f"{B}sector/materials", f"{B}stage/production"),
                    (f"{B}sector/software", f"{B}stage/research")]
    assert not ask(store, f"?c eco:organisation <{B}org/materialise> ; eco:derivationRule ?r")  # all stated
    # a sub-sector of a stated pair is a sector the organisation is active in, whatever its NACE codes
    assert ask(store, f"<{B}org/materialise> eco:activeIn <{B}sector/design>")
    # the other rows keep their derived capabilities
    assert ask(store, f"<{B}capability/icometrix.health.research> eco:derivationRule ?rule")


def test_nace_sub_sectors_are_active_sectors_without_a_stage(fixture_store: tuple[ox.Store, IngestContext]) -> None:
    store, _ = fixture_store
    # uz_leuven: health with NACE 86 → care, whether or not a stage is known
    assert ask(store, f"<{B}org/uz_leuven> eco:activeIn <{B}sector/care>, <{B}sector/health>")


def test_relations(fixture_store: tuple[ox.Store, IngestContext]) -> None:
    store, _ = fixture_store
    assert ask(store, f"""
        <{B}org/imec> eco:spinOffOf <{B}org/ku_leuven> ; org:memberOf <{B}org/leuven_mindgate> .
        <{B}org/materialise> eco:locatedInPark <{B}org/researchpark_haasrode> .
        <{B}org/icometrix> eco:collaboratesWith <{B}org/ku_leuven> .
        <{B}relation/imec.spin_off_of.ku_leuven> a eco:RelationStatement ;
            rdf:subject <{B}org/imec> ; rdf:predicate eco:spinOffOf ; rdf:object <{B}org/ku_leuven> ;
            eco:year "1984"^^xsd:gYear ;
            dcterms:source <https://www.veto.be/onderzoek/imec-het-verhaal-van-een-onderzoeksgigant/124877> .
        <{B}relation/ku_leuven.member_of.leuven_mindgate> rdf:predicate org:memberOf .""")
    assert not ask(store, f"<{B}relation/icometrix.spin_off_of.ku_leuven> eco:year ?y")
    statements = select(store, "SELECT ?s WHERE { ?s a eco:RelationStatement }")
    assert len(statements) == 12


def test_project_data_loads() -> None:
    store, ctx = load(REPO / "data" / "curated")
    assert ctx.rows_read == 640 + 654
    assert select(store, f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o schema:name ?name "
                         f"FILTER(STRSTARTS(STR(?o), '{B}org/')) }}") == [("640",)]
    assert select(store, "SELECT (COUNT(?s) AS ?n) WHERE { ?s a eco:RelationStatement }") == [("654",)]
    assert ask(store, f"<{B}org/ku_leuven> a eco:University ; eco:ror <https://ror.org/05f950310>")
    assert ask(store, f"<{B}org/iwt> eco:ror <https://ror.org/01antkr91>")


def test_deterministic() -> None:
    first = serialize(curated.read(context(FIXTURE)))
    second = serialize(curated.read(context(FIXTURE)))
    assert first == second


@pytest.mark.parametrize(
    ("nace", "cluster", "sector"),
    [
        ("26", "health", "medtech"),
        ("26", "high_tech", "electronics"),
        ("32", "health", "medtech"),
        ("72", "high_tech", "engineering_rd"),
        ("72", "health", None),
        ("58", "creativity", "media"),
        ("58", "high_tech", "software"),
        ("71", "creativity", "design"),
        ("62", "high_tech", "software"),
        ("10", "other", "food"),
        ("21", "high_tech", None),
    ],
)
def test_sector_of_cluster(nace: str, cluster: str, sector: str | None) -> None:
    expected = [(sector, nace)] if sector else [(cluster, None)]
    assert curated.sectors_of_cluster(cluster, [nace]) == expected


# (file, line to replace (1-based), new text or None for an appended line, reason fragment)
BROKEN = {
    "header": ("organisations.csv", 1, "id,name", "header must be"),
    "columns": ("organisations.csv", 9, "researchpark_haasrode,Researchpark Haasrode", "2 columns instead of 14"),
    "org_type": ("organisations.csv", 8, None, "unknown org_type 'firm'"),
    "cluster": ("organisations.csv", 4, None, "unknown cluster 'biotech'"),
    "stage": ("organisations.csv", 4, None, "unknown stage 'selling'"),
    "url": ("organisations.csv", 7, None, "source URL is not an http(s) URL"),
    "year": ("organisations.csv", 8, None, "founded_year is not a plausible year"),
    "nis": ("organisations.csv", 8, None, "municipality_nis is not a 5-digit REFNIS code"),
    "relation": ("relations.csv", 14, "imec,likes,ku_leuven,,https://example.org/", "unknown relation 'likes'"),
    "endpoint": ("relations.csv", 14, "imec,partner_of,nobody,,https://example.org/", "'nobody' is not an id"),
    "relation url": ("relations.csv", 14, "imec,partner_of,econcore,,mailto:x@example.org", "not an http(s) URL"),
    "relation year": ("relations.csv", 14, "imec,partner_of,econcore,84,https://example.org/", "not a plausible"),
    "relation columns": ("relations.csv", 14, "imec,partner_of,econcore", "3 columns instead of 5"),
}
EDITS = {  # cell edits on the fixture line, as plain text replacements
    "org_type": (",company,", ",firm,"),
    "cluster": ("health;high_tech,62", "health;biotech,62"),
    "stage": ("research;market", "research;selling"),
    "url": ("https://www.leuvenmindgate.be/about-leuven-mindgate", "leuvenmindgate.be/about"),
    "year": (",1990,", ",1990s,"),
    "nis": (",24062,", ",2406,"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_csv_gives_file_and_line(case: str, tmp_path: Path) -> None:
    file, line, text, reason = BROKEN[case]
    folder = tmp_path / "curated"
    shutil.copytree(FIXTURE, folder)
    path = folder / file
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    if case in EDITS:
        old, new = EDITS[case]
        assert old in lines[line - 1]
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
    elif line == len(lines):  # the empty string after the last CRLF: append
        lines[line - 1:] = [text or "", ""]
    else:
        lines[line - 1] = text or ""
    path.write_text("\r\n".join(lines), encoding="utf-8", newline="")
    with pytest.raises(IngestError) as caught:
        list(curated.read(context(folder)))
    assert caught.value.file == str(path)
    assert caught.value.where == line
    assert reason in caught.value.reason
    assert f"{path}:{line}: " in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError) as caught:
        list(curated.read(context(tmp_path)))
    assert caught.value.file.endswith("organisations.csv")
