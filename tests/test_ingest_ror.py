"""ROR ingester: the real v2/v1 dump extracts, the streaming array reader and broken records."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.ingest import ror
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA, WGS
from ecograph.model.nt import serialize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
V2 = SHARED / "ror" / "ror-data-be-v2.json"
V1 = SHARED / "ror" / "ror-data-be-v1.json"
REFNIS = SHARED / "belgif-refnis" / "refnis2025.nt"
FIXTURES = Path(__file__).resolve().parent / "data" / "ingest"
B = "http://example.org"

needs_shared = pytest.mark.skipif(not V2.exists(), reason="shared ROR extract not available")


class StubIdentity:
    """Stands in for ecograph.ingest.identity.Identity: two curated organisations."""

    KEYS = {"https://ror.org/05f950310": "ku_leuven", "https://ror.org/02kcbn207": "imec"}

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    def key_for(self, ror: str | None = None, wikidata: str | None = None,
                names: list[str] | None = None) -> str | None:
        self.calls.append({"ror": ror, "wikidata": wikidata, "names": names})
        return self.KEYS.get(ror or "")


def _ctx(identity: object | None = None, **files: Path) -> IngestContext:
    return IngestContext(base=B, files=dict(files), data_dir=ROOT / "data", identity=identity)  # type: ignore[arg-type]


def _org(key: str) -> str:
    return f"<{B}/id/org/{key}>"


@pytest.fixture(scope="module")
def curated() -> tuple[IngestContext, ox.Store, StubIdentity]:
    identity = StubIdentity()
    ctx = _ctx(identity, v2=V2, v1=V1, refnis=REFNIS)
    store = ox.Store()
    store.bulk_load(serialize(ror.read(ctx)).encode(), ox.RdfFormat.N_TRIPLES)
    return ctx, store, identity


@needs_shared
def test_ku_leuven(curated: tuple[IngestContext, ox.Store, StubIdentity]) -> None:
    _, store, identity = curated
    kul = _org("ku_leuven")
    # matched to a curated organisation: ROR adds identifiers, aliases, coordinates and itself as a source,
    # but not a second kind, display name or place (those are the curated graph's)
    assert store.query(f"ASK {{ {kul} <{ECO.ror}> <https://ror.org/05f950310> ; "
                       f"<{ECO.wikidata}> <http://www.wikidata.org/entity/Q833670> ; "
                       f'<{SCHEMA.alternateName}> "KU Leuven", "Katholieke Universiteit Leuven"@nl, "KUL" ; '
                       f'<{SCHEMA.foundingDate}> "1425"^^<http://www.w3.org/2001/XMLSchema#gYear> ; '
                       f"<{SCHEMA.url}> <https://www.kuleuven.be> ; "
                       f"<{DCTERMS.source}> <https://ror.org/05f950310> ; "
                       f"<{WGS.lat}> ?lat ; <{WGS.long}> ?long }}")
    assert not store.query(f"ASK {{ {kul} a ?kind }}")
    assert not store.query(f"ASK {{ {kul} <{RDFS.label}>|<{SCHEMA.name}>|<{ECO.locatedIn}> ?x }}")
    assert {"ror": "https://ror.org/05f950310", "wikidata": "Q833670",
            "names": ["KU Leuven", "Catholic University of Leuven", "KUL", "Katholieke Universiteit Leuven",
                      "University of Leuven"]} in identity.calls
    # no ror- IRI for a curated organisation
    assert not store.query(f"ASK {{ {_org('ror-05f950310')} ?p ?o }}")


@needs_shared
def test_imec_and_relations(curated: tuple[IngestContext, ox.Store, StubIdentity]) -> None:
    ctx, store, _ = curated
    assert store.query(f"ASK {{ {_org('imec')} <{ECO.ror}> <https://ror.org/02kcbn207> ; "
                       f"<{ECO.wikidata}> <http://www.wikidata.org/entity/Q1667937> }}")
    # parent relationship of Leuven Stem Cell Institute, with its qualified statement
    child = _org("ror-01mt46z25")
    assert store.query(f"ASK {{ {child} <{ORG.subOrganizationOf}> {_org('ku_leuven')} }}")
    statement = f"<{B}/id/relation/ror-01mt46z25.part_of.ku_leuven>"
    assert store.query(f"ASK {{ {statement} a <{ECO.RelationStatement}> ; <{RDF.subject}> {child} ; "
                       f"<{RDF.predicate}> <{ORG.subOrganizationOf}> ; <{RDF.object}> {_org('ku_leuven')} ; "
                       f"<{DCTERMS.source}> <https://ror.org/01mt46z25> }}")
    assert store.query(f"ASK {{ {_org('ror-0424bsv16')} <{ECO.partnerOf}> {_org('ku_leuven')} }}")
    assert ctx.rejected_reasons["ROR relationship 'child' not mapped"] > 0


@needs_shared
def test_counts(curated: tuple[IngestContext, ox.Store, StubIdentity]) -> None:
    ctx, store, _ = curated
    assert ctx.rows_read == 206 + 110
    assert ctx.rejected_reasons["withdrawn"] == 10 == ctx.rows_rejected
    orgs = store.query(f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o <{ECO.ror}> ?r }}")
    assert int(next(iter(orgs))[0].value) == 306
    # every organisation has exactly one kind class
    assert not store.query(f"ASK {{ ?o <{ECO.ror}> ?r ; a ?c1, ?c2 FILTER(?c1 != ?c2) }}")


@needs_shared
def test_without_identity_or_refnis() -> None:
    ctx = _ctx(None, v2=V2)
    triples = list(ror.read(ctx))
    assert (_org("ror-05f950310"), f"<{ECO.ror}>", "<https://ror.org/05f950310>") in triples
    assert not any(p == f"<{ECO.locatedIn}>" for _, p, _ in triples)
    assert ctx.rows_read == 206


@needs_shared
@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_stream_reader_matches_json_load(chunk: int) -> None:
    expected = json.loads(V2.read_text(encoding="utf-8"))[:40] if chunk == 1 else json.loads(V2.read_text("utf-8"))
    if chunk == 1:  # a byte-sized buffer is slow: check a prefix of the real records
        got = []
        for index, value in ror.iter_json_array(V2, chunk_size=1):
            got.append(value)
            if index == 39:
                break
    else:
        got = [value for _, value in ror.iter_json_array(V2, chunk_size=chunk)]
    assert got == expected


def test_stream_reader_scalars_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(' [ 12345 , true,"x" , {"a": [1, 2]}, -0.5e3 ]\n', encoding="utf-8")
    got = [v for _, v in ror.iter_json_array(path, chunk_size=2)]
    assert got == [12345, True, "x", {"a": [1, 2]}, -500.0]
    path.write_text("[]", encoding="utf-8")
    assert list(ror.iter_json_array(path)) == []


@pytest.mark.parametrize(("name", "where", "reason"), [
    ("ror_truncated.json", "[1]", "invalid JSON"),
    ("ror_bad_id.json", "https://ror.org/not-a-ror-id", "not a ROR id"),
    ("ror_no_id.json", "[0]", "no id"),
])
def test_broken_records(name: str, where: str, reason: str) -> None:
    path = FIXTURES / name
    with pytest.raises(IngestError) as err:
        list(ror.read(_ctx(None, v2=path)))
    assert (err.value.file, err.value.where) == (str(path), where)
    assert reason in err.value.reason


def test_unclosed_array(tmp_path: Path) -> None:
    path = tmp_path / "ror.json"
    path.write_text('[{"id": "https://ror.org/05f950310", "names": [{"value": "KU Leuven", "types": '
                    '["ror_display"]}]},\n', encoding="utf-8")
    with pytest.raises(IngestError) as err:
        list(ror.read(_ctx(None, v2=path)))
    assert err.value.where == "[1]"
