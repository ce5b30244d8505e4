"""EuroSciVoc ingester: the real CORDIS node extract and broken copies."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from ecograph.ingest import euroscivoc
from ecograph.ingest.base import IngestContext, IngestError
from ecograph.model.namespaces import SKOS
from ecograph.model.nt import serialize

ROOT = Path(__file__).resolve().parents[1]
NODES = ROOT.parent / "shared" / "data" / "cordis-euroscivoc" / "euroscivoc_nodes_horizon_europe.csv"
FIXTURES = Path(__file__).resolve().parent / "data" / "ingest"
B = "http://example.org"


def _ctx(path: Path) -> IngestContext:
    return IngestContext(base=B, files={"nodes": path}, data_dir=ROOT / "data")


@pytest.mark.skipif(not NODES.exists(), reason="shared EuroSciVoc extract not available")
def test_real_file() -> None:
    ctx = _ctx(NODES)
    store = ox.Store()
    store.bulk_load(serialize(euroscivoc.read(ctx)).encode(), ox.RdfFormat.N_TRIPLES)
    assert ctx.rows_read == 980
    scheme = f"<{B}/id/scheme/euroscivoc>"
    n = store.query(f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{SKOS.Concept}> ; <{SKOS.inScheme}> {scheme} }}")
    assert int(next(iter(n))[0].value) == 980
    tops = store.query(f"SELECT (COUNT(?c) AS ?n) WHERE {{ <{B}/id/scheme/euroscivoc> <{SKOS.hasTopConcept}> ?c }}")
    assert int(next(iter(tops))[0].value) == 6
    node = f"<{B}/id/euroscivoc/483>"
    assert store.query(f'ASK {{ {node} <{SKOS.prefLabel}> "agricultural genetics"@en ; '
                       f'<{SKOS.notation}> "/27/79/483" ; <{SKOS.broader}> <{B}/id/euroscivoc/79> }}')
    # every broader target is itself a node of the extract
    assert not store.query(f"ASK {{ ?c <{SKOS.broader}> ?p FILTER NOT EXISTS {{ ?p a <{SKOS.Concept}> }} }}")


@pytest.mark.parametrize(("name", "line", "reason"), [
    ("euroscivoc_missing_column.csv", 3, "expected 7 fields"),
    ("euroscivoc_bad_parent.csv", 4, "parent_code_path"),
])
def test_broken_rows(name: str, line: int, reason: str) -> None:
    path = FIXTURES / name
    with pytest.raises(IngestError) as err:
        list(euroscivoc.read(_ctx(path)))
    assert (err.value.file, err.value.where) == (str(path), line)
    assert reason in err.value.reason
