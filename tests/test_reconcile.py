"""The reconciliation service (/reconcile) as OpenRefine 3.x calls it, on the real build and on a small fixture.

The real build (the session's) holds the names, aliases, ROR ids and Wikidata items; the KBO
source is optional there, so KBO numbers, namesakes and hostile labels come from a small fixture.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from w3c.support import BASE, LiveServer, build_store, live_server, serving, settings_for

from ecograph.model import names
from ecograph.settings import Settings

REPO = Path(__file__).resolve().parents[1]
ECO = "https://w3id.org/ecograph/ontology#"
N = ox.NamedNode
TYPE = N("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = N("http://www.w3.org/2000/01/rdf-schema#label")
PREF = N("http://www.w3.org/2004/02/skos/core#prefLabel")
NOTATION = N("http://www.w3.org/2004/02/skos/core#notation")
FORMAL = N("http://www.w3.org/ns/org#FormalOrganization")


@pytest.fixture(scope="module")
def real(real_build: tuple[Settings, object]) -> Iterator[LiveServer]:
    settings, _ = real_build
    with live_server(settings_for(settings.store)) as live:
        yield live


def small_quads(*, newco: bool = False) -> list[ox.Quad]:
    graph, ontology = N(f"{BASE}/graph/curated"), N(f"{BASE}/graph/ontology")
    quads = [ox.Quad(q.subject, q.predicate, q.object, ontology)
             for q in ox.parse(path=str(REPO / "ontology" / "ecograph.ttl"))]
    places = {"24062": {"nl": "Leuven", "fr": "Louvain"}, "44021": {"nl": "Gent", "fr": "Gand"}}
    for nis, labels in places.items():
        quads += [ox.Quad(N(f"{BASE}/id/municipality/{nis}"), PREF, ox.Literal(v, language=lang), graph)
                  for lang, v in labels.items()]
        quads.append(ox.Quad(N(f"{BASE}/id/municipality/{nis}"), NOTATION, ox.Literal(nis), graph))
    orgs = [("acme", "Acme Biotech NV", "0123.456.789", "24062"),
            ("acme_gent", "Acme Biotech", "0987.654.321", "44021"),
            ("evil", "<script>alert(1)</script> Labs", "", "")]
    if newco:
        orgs.append(("newco", "Newco Robotics", "", "24062"))
    for key, name, kbo, nis in orgs:
        org = N(f"{BASE}/id/org/{key}")
        quads += [ox.Quad(org, TYPE, N(ECO + "Company"), graph), ox.Quad(org, TYPE, FORMAL, graph),
                  ox.Quad(org, LABEL, ox.Literal(name), graph)]
        if kbo:
            quads.append(ox.Quad(org, N(ECO + "kboNumber"), ox.Literal(kbo), graph))
        if nis:
            quads.append(ox.Quad(org, N(ECO + "locatedIn"), N(f"{BASE}/id/municipality/{nis}"), graph))
    return quads


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serving(tmp_path_factory, "reconcile", small_quads()) as live:
        yield live


def reconcile(server: LiveServer, queries: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """POST ``queries=`` form-encoded, as OpenRefine does; the result lists by query id."""
    r = httpx.post(server.url + "/reconcile", data={"queries": json.dumps(queries)}, timeout=30)
    assert r.status_code == 200, r.text
    return {qid: answer["result"] for qid, answer in r.json().items()}


def first(results: list[dict[str, Any]]) -> tuple[str, bool]:
    return results[0]["id"], results[0]["match"]


# --- names.py ---------------------------------------------------------------------------------


def test_normalisation() -> None:
    assert names.normalise("Université  de GAND") == names.normalise("universite de gand") == "universite de gand"
    assert names.normalise("Materialise NV") == "materialise" and names.normalise("NV") == "nv"
    assert names.compact("K.U. Leuven") == names.compact("KU Leuven") == "kuleuven"
    assert names.fold("Lantmännen & Co’s") == "lantmannen and cos"
    assert names.ror_id("https://ror.org/05f950310") == names.ror_id("05F950310") == "05f950310"
    assert names.ror_id("05f95031") is None and names.ror_id("KU Leuven") is None
    assert names.wikidata_qid("http://www.wikidata.org/entity/Q833670") == names.wikidata_qid("q833670") == "Q833670"
    assert names.kbo_number("BE 0123456789") == names.kbo_number("123.456.789") == "0123.456.789"
    assert names.kbo_number("2023") is None and names.kbo_number("0123.456.78") is None
    assert names.website_host("https://www.kuleuven.be/en/") == names.website_host("kuleuven.be") == "kuleuven.be"


# --- the manifest -----------------------------------------------------------------------------


def test_manifest_shape(real: LiveServer) -> None:
    r = httpx.get(real.url + "/reconcile")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    manifest = r.json()
    assert "0.2" in manifest["versions"] and manifest["name"]
    assert manifest["identifierSpace"] == f"{BASE}/id/org/" and manifest["schemaSpace"] == ECO
    types = {t["id"]: t["name"] for t in manifest["defaultTypes"]}
    for kind in ("Company", "University", "ResearchCentre", "StartUp", "Hospital", "GovernmentBody"):
        assert ECO + kind in types
    assert types[ECO + "ResearchCentre"] == "Research centre"
    assert manifest["view"]["url"] == f"{BASE}/doc/org/{{{{id}}}}"
    assert "{{id}}" in manifest["preview"]["url"] and manifest["preview"]["width"] > 0
    services = [manifest["suggest"][k] for k in ("entity", "type", "property")]
    services.append(manifest["extend"]["propose_properties"])
    for service in services:  # every service the manifest names answers
        answer = httpx.get(service["service_url"] + service["service_path"], params={"prefix": "a"})
        assert answer.status_code == 200, service
    preview = httpx.get(manifest["preview"]["url"].replace("{{id}}", "ku_leuven"))
    assert preview.status_code == 200 and "KU Leuven" in preview.text


def test_the_home_page_links_the_service(real: LiveServer) -> None:
    assert 'href="/reconcile"' in httpx.get(real.url + "/").text


def test_jsonp(real: LiveServer) -> None:
    r = httpx.get(real.url + "/reconcile", params={"callback": "jQuery_123"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/javascript")
    assert r.text.startswith("/**/jQuery_123(") and r.text.endswith(");")
    assert json.loads(r.text[len("/**/jQuery_123("):-2])["schemaSpace"] == ECO
    assert httpx.get(real.url + "/reconcile", params={"callback": "alert(1)//"}).status_code == 400


# --- matching on the real build ---------------------------------------------------------------


def test_names_with_typos_aliases_accents_and_case(real: LiveServer) -> None:
    expected = {
        "KU Leuven": ("ku_leuven", True),
        "ku leuven": ("ku_leuven", True),
        "KUL": ("ku_leuven", True),  # an alias (acronym)
        "Katholieke Universiteit Leuven": ("ku_leuven", True),  # an alias
        "Katholike Universitet Leuven": ("ku_leuven", False),  # two typos: first, but not certain
        "UNIVERSITE DE GAND": ("ugent", True),  # accents and case
        "Institut de Micro-Electronique et Composants": ("imec", True),
        "IMEC": ("imec", True),
        "Materialise NV": ("materialise", True),  # a legal form
        "Interleven": ("interleuven", False),  # a typo
        "Anheuser Busch": ("ab_inbev", False),  # part of an alias
    }
    results = reconcile(real, {f"q{i}": {"query": q} for i, q in enumerate(expected)})
    for i, (query, want) in enumerate(expected.items()):
        got = results[f"q{i}"]
        assert first(got) == want, (query, got[:3])
        assert all(0 <= c["score"] <= 100 for c in got) and sum(c["match"] for c in got) <= 1
        assert [c["score"] for c in got] == sorted((c["score"] for c in got), reverse=True)
    kul = results["q0"][0]
    assert kul["name"] == "KU Leuven" and kul["type"][0] == {"id": ECO + "University", "name": "University"}
    assert kul["score"] == 100


def test_identifiers_match_exactly(real: LiveServer) -> None:
    results = reconcile(real, {
        "ror": {"query": "some other name", "properties": [{"pid": "ror", "v": "https://ror.org/05f950310"}]},
        "ror_bare": {"query": "", "properties": [{"pid": "ror", "v": "05f950310"}]},
        "qid_text": {"query": "Q833670"},
        "qid_prop": {"query": "Leuven university", "properties": [{"pid": "wikidata", "v": "Q833670"}]},
        "imec_ror": {"query": "https://ror.org/02kcbn207"},
        "wrong_ror": {"query": "KU Leuven", "properties": [{"pid": "ror", "v": "02kcbn207"}], "limit": 20},
        "other_place": {"query": "KU Leuven", "properties": [{"pid": "municipality", "v": "Gent"}]},
        "same_place": {"query": "KU Leuven", "properties": [{"pid": "municipality", "v": "Leuven"},
                                                            {"pid": "website", "v": "http://kuleuven.be/"}]},
    })
    for qid in ("ror", "ror_bare", "qid_text", "qid_prop"):
        assert first(results[qid]) == ("ku_leuven", True) and results[qid][0]["score"] == 100, qid
    assert first(results["imec_ror"]) == ("imec", True)
    # the ROR id says imec, the name KU Leuven: the identifier wins, KU Leuven is contradicted
    assert first(results["wrong_ror"]) == ("imec", True)
    kul = next(c for c in results["wrong_ror"] if c["id"] == "ku_leuven")
    assert not kul["match"] and kul["score"] < 100
    assert first(results["other_place"])[1] is False  # a contradicting municipality: not certain
    assert first(results["same_place"]) == ("ku_leuven", True)


def test_type_filtering(real: LiveServer) -> None:
    results = reconcile(real, {
        "any": {"query": "imec"},
        "centre": {"query": "imec", "type": ECO + "ResearchCentre"},
        "short": {"query": "imec", "type": "ResearchCentre"},
        "company": {"query": "imec", "type": ECO + "Company", "limit": 10},
        "should": {"query": "imec", "type": ECO + "Company", "type_strict": "should", "limit": 50},
        "limit": {"query": "Leuven", "limit": 2},
    })
    assert first(results["any"]) == first(results["centre"]) == first(results["short"]) == ("imec", True)
    assert results["company"] and "imec" not in {c["id"] for c in results["company"]}
    assert all(any(t["id"] == ECO + "Company" for t in c["type"]) for c in results["company"])
    # "should" (what OpenRefine sends): the companies first, then the others, lower and never certain
    should = results["should"]
    assert first(should)[0] != "imec" and any(t["id"] == ECO + "Company" for t in should[0]["type"])
    imec = next(c for c in should if c["id"] == "imec")
    assert not imec["match"] and imec["score"] < 100
    assert len(results["limit"]) == 2
    r = httpx.post(real.url + "/reconcile", data={"queries": json.dumps({"q": {"query": "x", "type": "Spaceship"}})})
    assert r.status_code == 400 and "Spaceship" in r.json()["error"]


def test_get_and_older_request_shapes(real: LiveServer) -> None:
    queries = json.dumps({"q0": {"query": "kul"}})
    got = httpx.get(real.url + "/reconcile", params={"queries": queries}).json()
    assert first(got["q0"]["result"]) == ("ku_leuven", True)
    single = httpx.get(real.url + "/reconcile", params={"query": "imec"}).json()
    assert first(single["result"]) == ("imec", True)
    jsonp = httpx.get(real.url + "/reconcile", params={"queries": queries, "callback": "cb"})
    assert jsonp.text.startswith("/**/cb(") and "ku_leuven" in jsonp.text
    assert httpx.post(real.url + "/reconcile", data={"queries": "{not json"}).status_code == 400
    assert httpx.post(real.url + "/reconcile", data={"queries": "[1]"}).status_code == 400


# --- suggest, preview, extend -----------------------------------------------------------------


def test_suggest(real: LiveServer) -> None:
    def ids(path: str, **params: str) -> list[str]:
        r = httpx.get(real.url + "/reconcile/suggest/" + path, params=params)
        assert r.status_code == 200
        return [item["id"] for item in r.json()["result"]]

    assert "ku_leuven" in ids("entity", prefix="KU Leu")
    assert ids("entity", prefix="kul")[0] == "ku_leuven"  # an alias
    assert "imec" in ids("entity", prefix="Institut de Micro-Élec")
    assert ids("entity", prefix="zzzzqqq") == []
    page2 = ids("entity", prefix="leuven", cursor="10")
    assert page2 and not set(page2) & set(ids("entity", prefix="leuven"))
    assert all(k != "imec" for k in ids("entity", prefix="imec", type="Company"))
    assert ids("type", prefix="univ")[:2] == [ECO + "University", ECO + "UniversityCollege"]
    assert ids("type", prefix="onderzoek") == [ECO + "ResearchCentre"]
    assert "municipality" in ids("property", prefix="mun") and "kbo" in ids("property", prefix="KBO")
    flyout = httpx.get(real.url + "/reconcile/flyout/entity", params={"id": "imec"}).json()
    assert flyout["id"] == "imec" and "imec" in flyout["html"]


def test_preview(real: LiveServer, small: LiveServer) -> None:
    r = httpx.get(real.url + "/reconcile/preview", params={"id": "ku_leuven"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "KU Leuven" in r.text and "05f950310" in r.text and "Leuven" in r.text and "<script" not in r.text
    assert httpx.get(real.url + "/reconcile/preview", params={"id": "nope"}).status_code == 404
    evil = httpx.get(small.url + "/reconcile/preview", params={"id": "evil"})
    assert "<script" not in evil.text and "&lt;script&gt;" in evil.text


def test_extend(real: LiveServer) -> None:
    request = {"ids": ["ku_leuven", "imec", "nope"],
               "properties": [{"id": "sector"}, {"id": "stage"}, {"id": "municipality"}, {"id": "ror"},
                              {"id": "wikidata"}, {"id": "kbo"}, {"id": "website"}]}
    r = httpx.post(real.url + "/reconcile", data={"extend": json.dumps(request)})
    assert r.status_code == 200
    body = r.json()
    assert [m["id"] for m in body["meta"]] == [p["id"] for p in request["properties"]]
    assert set(body["rows"]) == {"ku_leuven", "imec", "nope"}
    kul = body["rows"]["ku_leuven"]
    assert set(kul) == {p["id"] for p in request["properties"]}
    assert {"str": "Health"} in kul["sector"] and {"str": "Research"} in kul["stage"]
    assert kul["municipality"] == [{"str": "Leuven"}] and kul["ror"] == [{"str": "05f950310"}]
    assert kul["wikidata"] == [{"str": "Q833670"}] and kul["website"] == [{"str": "https://www.kuleuven.be"}]
    assert kul["kbo"] == [] and all(v == [] for v in body["rows"]["nope"].values())
    unknown = {"ids": ["imec"], "properties": [{"id": "x"}]}
    bad = httpx.post(real.url + "/reconcile", data={"extend": json.dumps(unknown)})
    assert bad.status_code == 400
    proposed = httpx.get(real.url + "/reconcile/properties", params={"type": ECO + "Company", "limit": "4"}).json()
    assert proposed["type"] == ECO + "Company" and [p["id"] for p in proposed["properties"]] == [
        "sector", "stage", "municipality", "ror"]


# --- KBO numbers, namesakes, a new generation (small fixture) ---------------------------------


def test_kbo_numbers_and_namesakes(small: LiveServer) -> None:
    results = reconcile(small, {
        "kbo": {"query": "anything", "properties": [{"pid": "kbo", "v": "BE 0123456789"}]},
        "kbo_text": {"query": "0987.654.321"},
        "namesakes": {"query": "acme biotech"},
        "gent": {"query": "ACME Biotech", "properties": [{"pid": "municipality", "v": "Gand"}]},
        "nis": {"query": "Acme Biotech", "properties": [{"pid": "municipality", "v": "24062"}]},
        "wrong_kbo": {"query": "Acme Biotech NV", "properties": [{"pid": "kbo", "v": "0555.555.555"}]},
    })
    assert first(results["kbo"]) == ("acme", True) and results["kbo"][0]["score"] == 100
    assert first(results["kbo_text"]) == ("acme_gent", True)
    assert {c["id"] for c in results["namesakes"][:2]} == {"acme", "acme_gent"}
    assert not any(c["match"] for c in results["namesakes"])  # two organisations have that name
    assert first(results["gent"]) == ("acme_gent", True)  # the municipality tells them apart
    assert first(results["nis"]) == ("acme", True)
    assert not any(c["match"] for c in results["wrong_kbo"])
    kbo = httpx.post(small.url + "/reconcile", data={"extend": json.dumps(
        {"ids": ["acme"], "properties": [{"id": "kbo"}, {"id": "nis"}]})}).json()
    assert kbo["rows"]["acme"] == {"kbo": [{"str": "0123.456.789"}], "nis": [{"str": "24062"}]}


def test_a_new_generation_is_read(small: LiveServer) -> None:
    assert "newco" not in {c["id"] for c in reconcile(small, {"q": {"query": "Newco Robotics"}})["q"]}
    build_store(small.settings.store, small_quads(newco=True))
    deadline = time.monotonic() + 10
    # until the service has read the new generation, the name may match nothing at all
    while (found := reconcile(small, {"q": {"query": "Newco Robotics"}})["q"]) == [] or first(found) != ("newco", True):
        assert time.monotonic() < deadline, "the service did not read the new generation"
        time.sleep(0.1)
