"""Identity: curated keys from ROR ids, Wikidata QIDs and names; refuses to guess."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ecograph.ingest.identity import Evidence, Identity, normalise_name, normalise_qid, normalise_ror

REPO = Path(__file__).resolve().parents[1]
CURATED = REPO / "data" / "curated" / "organisations.csv"
ROR_NAMES = REPO.parent / "shared" / "data" / "ror" / "ror_be_names.csv"


@pytest.fixture(scope="module")
def identity() -> Identity:
    return Identity.from_csv(CURATED)


@pytest.mark.parametrize(
    ("ror", "key"),
    [
        ("https://ror.org/05f950310", "ku_leuven"),
        ("05f950310", "ku_leuven"),
        ("http://ror.org/05F950310/", "ku_leuven"),
        ("https://ror.org/02kcbn207", "imec"),
        ("02kcbn207", "imec"),
    ],
)
def test_by_ror(identity: Identity, ror: str, key: str) -> None:
    assert identity.key_for(ror=ror) == key
    assert identity.match_evidence(ror=ror) == Evidence(key, "ror", normalise_ror(ror) or "")


@pytest.mark.parametrize(
    ("qid", "key"),
    [
        ("Q833670", "ku_leuven"),
        ("http://www.wikidata.org/entity/Q833670", "ku_leuven"),
        ("https://www.wikidata.org/wiki/Q833670", "ku_leuven"),
        ("Q1667937", "imec"),
        ("http://www.wikidata.org/entity/Q1667937", "imec"),
    ],
)
def test_by_wikidata(identity: Identity, qid: str, key: str) -> None:
    assert identity.key_for(wikidata=qid) == key
    evidence = identity.match_evidence(wikidata=qid)
    assert evidence is not None and evidence.rule == "wikidata" and evidence.key == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("KU Leuven", "ku_leuven"),
        ("Katholieke Universiteit Leuven", "ku_leuven"),
        ("Catholic University of Leuven", "ku_leuven"),
        ("KATHOLIEKE UNIVERSITEIT LEUVEN", "ku_leuven"),
        ("imec", "imec"),
        ("IMEC", "imec"),
        ("Interuniversity Microelectronics Centre", "imec"),
        ("Interuniversitair Micro-Electronica Centrum", "imec"),
        ("imec vzw", "imec"),
        ("Materialise NV", "materialise"),
        ("EconCore N.V.", "econcore"),
        ("Icometrix (Belgium)", "icometrix"),
        ("Institut de Micro-Electronique et Composants", "imec"),  # accents dropped
    ],
)
def test_by_name(identity: Identity, name: str, key: str) -> None:
    assert identity.key_for(names=[name]) == key
    evidence = identity.match_evidence(names=[name])
    assert evidence == Evidence(key, "name", normalise_name(name))


@pytest.mark.parametrize(("ror", "key"), [("https://ror.org/05f950310", "ku_leuven"),
                                          ("https://ror.org/02kcbn207", "imec")])
def test_every_ror_name_of_kul_and_imec_resolves(identity: Identity, ror: str, key: str) -> None:
    """The names ROR gives these two records (not the acronyms) each lead to one curated key."""
    with open(ROR_NAMES, newline="", encoding="utf-8") as handle:
        names = [r["value"] for r in csv.DictReader(handle)
                 if r["ror_id"] == ror and r["types"] != "acronym"]
    assert len(names) >= 4
    for name in names:
        assert identity.key_for(names=[name]) == key, name


def test_rule_order_and_conflicts(identity: Identity) -> None:
    # The ROR id wins over names.
    assert identity.key_for(ror="02kcbn207", names=["KU Leuven"]) == "imec"
    # A ROR id not curated falls through to the QID, then to names.
    assert identity.key_for(ror="0abcdef12", wikidata="Q1667937") is None  # imec has another ROR id
    assert identity.key_for(wikidata="Q999999999", names=["Materialise"]) == "materialise"
    # A name match is refused when the record's ROR id contradicts the curated one.
    assert identity.key_for(ror="https://ror.org/0abcdef12", names=["KU Leuven"]) is None
    assert identity.key_for(wikidata="Q1", names=["KU Leuven"]) is None
    # ... but not when the curated organisation has no ROR id to contradict.
    assert identity.key_for(ror="0abcdef12", names=["Materialise"]) == "materialise"


def test_unknown_and_empty(identity: Identity) -> None:
    assert identity.key_for() is None
    assert identity.key_for(ror="not a ror id", wikidata="P31", names=["", "   "]) is None
    assert identity.key_for(names=["Leuven"]) is None
    assert identity.match_evidence(names=["Some Company Nobody Curated"]) is None


def test_sites_are_not_groups(identity: Identity) -> None:
    """Parenthesised parts that name a site are kept, so a site never absorbs its group."""
    assert identity.key_for(names=["3D Systems (Leuven site)"]) == "3d_systems_leuven"
    assert identity.key_for(names=["NXP Semiconductors (Leuven site)"]) == "nxp_leuven"
    assert identity.key_for(names=["NXP Semiconductors (Eindhoven site)"]) is None
    assert identity.key_for(names=["Bosch (Leuven site)"]) is None


ROWS = [
    {"id": "acme_leuven", "name": "Acme Leuven", "alt_names": "Acme", "ror_id": "", "wikidata_qid": ""},
    {"id": "acme_tienen", "name": "Acme Tienen", "alt_names": "ACME NV", "ror_id": "", "wikidata_qid": ""},
    {"id": "beta", "name": "Beta", "alt_names": "", "ror_id": "https://ror.org/0abcdef12", "wikidata_qid": "Q5"},
    {"id": "beta_bis", "name": "Beta Bis", "alt_names": "", "ror_id": "https://ror.org/0abcdef12",
     "wikidata_qid": "Q5"},
    {"id": "gamma", "name": "Gamma", "alt_names": "", "ror_id": "", "wikidata_qid": ""},
]


def test_refuses_ambiguous() -> None:
    identity = Identity(ROWS)
    assert identity.ambiguous_names() == ["acme"]
    assert identity.key_for(names=["Acme"]) is None  # two organisations share the name
    assert identity.key_for(names=["Acme", "Acme Leuven"]) is None  # an ambiguous name refuses
    assert identity.key_for(names=["Acme Leuven"]) == "acme_leuven"
    assert identity.key_for(names=["Acme Leuven", "Gamma"]) is None  # names of two organisations
    assert identity.key_for(names=["Gamma", "gamma"]) == "gamma"
    assert identity.key_for(ror="0abcdef12") is None  # one ROR id on two rows
    assert identity.key_for(wikidata="Q5") is None
    assert identity.key_for(ror="0abcdef12", names=["Beta"]) == "beta"  # the name decides


def test_deterministic() -> None:
    first = Identity(ROWS)
    second = Identity(reversed(ROWS))
    for names in (["Acme Leuven"], ["Gamma"], ["Acme"], ["Beta Bis"]):
        assert first.match_evidence(names=names) == second.match_evidence(names=names)


def test_normalisers() -> None:
    assert normalise_ror("https://ror.org/05f950310") == "05f950310"
    assert normalise_ror("05f95031") is None
    assert normalise_ror("https://example.org/05f950310") is None
    assert normalise_qid("wd:Q42") == "Q42"
    assert normalise_qid("Q0") is None
    assert normalise_name("  Flanders' FOOD (Belgium) ") == "flanders food"
    assert normalise_name("Flanders Innovation & Entrepreneurship") == normalise_name(
        "Flanders Innovation and Entrepreneurship"
    )
    assert normalise_name("BV Wetenschapspark Leuven-Noord") == "wetenschapspark leuven noord"
    assert normalise_name("3D Systems (Leuven site)") == "3d systems leuven site"
    assert normalise_name("NV") == "nv"  # a name is never emptied
