"""``ecograph fetch --source wikidata``: the "download" of the Wikidata source, a SPARQL harvest.

Runs the saved query ``queries/wikidata/organisations.rq`` against a SPARQL endpoint (Wikidata's by
default), page by page (``LIMIT``/``OFFSET`` over a total order), politely: a descriptive
User-Agent, a pause between pages, retries with exponential back-off on 429/5xx and network errors
(honouring ``Retry-After``). It writes the pages as one SPARQL 1.1 TSV results file
(``wikidata/organisations.tsv`` in the downloads folder), with a fetch sidecar; the ingester
:mod:`ecograph.ingest.wikidata` reads that file offline.

It lives in ``build`` beside :mod:`ecograph.build.fetch` (the other downloads, whose User-Agent and
sidecar it shares) so that ``ingest`` stays free of the network and of ``build``: ingest → model only.
"""

from __future__ import annotations

import time
import urllib.error
from collections.abc import Callable, Iterable
from pathlib import Path

from SPARQLWrapper.SPARQLExceptions import EndPointInternalError

from ecograph.build.fetch import USER_AGENT, _write_sidecar
from ecograph.ingest.base import IngestError
from ecograph.ingest.readers.kbo_region import region_members
from ecograph.ingest.readers.table import Table
from ecograph.ingest.wikidata import QID, municipality_qids
from ecograph.model import resources
from ecograph.model.sources import get_source

ENDPOINT = "https://query.wikidata.org/sparql"
QUERY_FILE = resources.queries_dir() / "wikidata" / "organisations.rq"
PAGE_SIZE = 5000


def fetch_source(
    downloads: Path, data_dir: Path, *, endpoint: str = ENDPOINT, region: str = "arrondissement-leuven",
    progress: Callable[[str], None] = print, **options: object,
) -> int:
    """``ecograph fetch --source wikidata``: query for the municipalities of ``region`` (data/regions.csv).

    Needs the REFNIS file fetched first (``belgif-refnis/refnis2025.nt``), for the municipalities' QIDs.
    """
    files = {f.key: f.path for f in get_source("wikidata").files}
    qids = municipality_qids(downloads / files["refnis"], region_members(Table.read(data_dir / "regions.csv"), region))
    return fetch_wikidata(endpoint, downloads / files["organisations"], qids, progress=progress,
                          **options)  # type: ignore[arg-type]


def build_query(municipalities: Iterable[str], limit: int, offset: int, template: str | None = None) -> str:
    text = template if template is not None else QUERY_FILE.read_text(encoding="utf-8")
    values = " ".join(f"wd:{q}" for q in sorted(set(municipalities)))
    return (text.replace("{{municipalities}}", values).replace("{{limit}}", str(limit))
            .replace("{{offset}}", str(offset)))


def with_retries(call: Callable[[], bytes], *, attempts: int = 5, backoff: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep) -> bytes:
    """``call()``, retried on HTTP 429/5xx and network errors with exponential back-off.

    A ``Retry-After`` header (seconds) of the server is honoured when it asks for longer.
    """
    delay = backoff
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except EndPointInternalError:  # SPARQLWrapper's name for an HTTP 500
            if attempt == attempts:
                raise
            wait = delay
        except urllib.error.HTTPError as exc:
            if exc.code != 429 and exc.code < 500 or attempt == attempts:
                raise
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            wait = max(delay, float(retry_after)) if retry_after and retry_after.isdigit() else delay
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            if attempt == attempts:
                raise
            wait = delay
        sleep(wait)
        delay *= 2
    raise AssertionError("unreachable")


def fetch_wikidata(
    endpoint: str,
    out_path: Path,
    municipalities: Iterable[str],
    *,
    page_size: int = PAGE_SIZE,
    pause: float = 1.0,
    user_agent: str | None = None,
    timeout: float = 120.0,
    progress: Callable[[str], None] = print,
) -> int:
    """Run the saved query for the municipality QIDs, page by page; write one TSV file. Returns rows.

    ``municipalities``: QIDs (``Q118958``) of the region's municipalities, e.g. from
    :func:`municipality_qids`. The file is written through a temporary file, so a failed fetch
    leaves the previous one in place.
    """
    from SPARQLWrapper import TSV, SPARQLWrapper

    qids = sorted(set(municipalities))
    if not qids or not all(QID.match(q) for q in qids):
        raise ValueError(f"municipalities must be QIDs like Q118958: {qids[:5]}")
    client = SPARQLWrapper(endpoint, agent=user_agent or f"{USER_AGENT} wikidata-fetch")
    client.setReturnFormat(TSV)
    client.setTimeout(int(timeout))
    client.setMethod("POST")  # the VALUES block of a whole region is long
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    rows = 0
    with tmp.open("wb") as out:
        offset = 0
        while True:
            client.setQuery(build_query(qids, page_size, offset))
            body = with_retries(lambda: client.query().response.read())
            lines = body.splitlines(keepends=True)
            if not lines:
                raise IngestError(endpoint, None, "empty response (expected a TSV header)")
            if offset == 0:
                out.write(lines[0] if lines[0].endswith(b"\n") else lines[0] + b"\n")
            page = [ln if ln.endswith(b"\n") else ln + b"\n" for ln in lines[1:] if ln.strip()]
            out.writelines(page)
            rows += len(page)
            progress(f"[wikidata] {rows:,} rows …")
            if len(page) < page_size:
                break
            offset += page_size
            time.sleep(pause)
    tmp.replace(out_path)
    _write_sidecar(out_path, endpoint)
    return rows
