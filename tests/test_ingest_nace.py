"""NACE-BEL ingester: pass-through of the published triples with the documented defects repaired."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.ingest import nace
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.model.namespaces import SKOS
from ecograph.model.nt import serialize

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "belgif-nacebel"
FIXTURES = Path(__file__).resolve().parent / "data" / "ingest"
N8 = "http://vocab.belgif.be/auth/nace2008/"


def _ctx(**files: Path) -> IngestContext:
    return IngestContext(base="http://example.org", files=dict(files), data_dir=ROOT / "data")


def _load(ctx: IngestContext) -> ox.Store:
    store = ox.Store()
    store.bulk_load(serialize(nace.read(ctx)).encode(), ox.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.skipif(not (SHARED / "nace2008.nt").exists(), reason="shared NACE extract not available")
def test_real_files() -> None:
    ctx = _ctx(nace2008=SHARED / "nace2008.nt", nace2025=SHARED / "nace2025.nt")
    store = _load(ctx)
    labels = {row[0] for row in store.query(f"SELECT ?l WHERE {{ <{N8}21> <{SKOS.prefLabel}> ?l }}")}
    assert ox.Literal("Manufacture of basic pharmaceutical products and pharmaceutical preparations",
                      language="en") in labels
    concepts = store.query(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c <{SKOS.inScheme}> <{N8[:-1]}> }}")
    assert int(next(iter(concepts))[0].value) == 3306  # 3,307 published, less the junk concept
    # no 6-digit codes are left, the repaired detail code hangs under its subclass
    assert not store.query(f'ASK {{ ?c <{SKOS.notation}> ?n FILTER(REGEX(?n, "^[0-9]{{6}}$")) }}')
    assert store.query(f'ASK {{ <{N8}0111001> <{SKOS.notation}> "0111001" ; <{SKOS.broader}> <{N8}01110> }}')
    assert not store.query(f'ASK {{ ?c <{SKOS.notation}> "" }}')
    assert ctx.rows_rejected == 5  # the junk concept's triples (three duplicates among them)
    assert store.query('ASK { <http://vocab.belgif.be/auth/nace2025/21> ?p ?o }')


def test_defects_fixture() -> None:
    ctx = _ctx(nace2008=FIXTURES / "nace_defects.nt")
    triples = set(nace.read(ctx))
    assert (f"<{N8}0111001>", f"<{SKOS.broader}>", f"<{N8}01110>") in triples
    assert (f"<{N8}01110>", f"<{SKOS.narrower}>", f"<{N8}0111001>") in triples
    assert (f"<{N8}0111001>", f"<{SKOS.notation}>", '"0111001"') in triples
    # a real 4-digit class keeps its code: the fix only follows 6-digit children
    assert (f"<{N8}8121>", f"<{SKOS.notation}>", '"8121"') in triples
    assert not any(N8 + ">" in term for t in triples for term in t)
    assert ctx.rows_read == 11
    assert ctx.rows_rejected == 3
    assert ctx.rejected_reasons["NACE concept with empty notation"] == 3


def test_bad_line_is_reported_with_its_number() -> None:
    path = FIXTURES / "nace_bad_line.nt"
    with pytest.raises(IngestError) as err:
        list(nace.read(_ctx(nace2008=path)))
    assert (err.value.file, err.value.where) == (str(path), 5)
    assert "invalid N-Triples" in err.value.reason


def test_missing_required_file() -> None:
    with pytest.raises(IngestError):
        list(nace.read(_ctx()))
