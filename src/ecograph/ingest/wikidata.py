"""Wikidata → an enrichment graph of the organisations located in the region's municipalities.

Two steps, so that ``ecograph build`` stays offline and reproducible:

* :func:`fetch_wikidata` (the "download" of this source) runs the saved query
  ``queries/wikidata/organisations.rq`` against a SPARQL endpoint (Wikidata's by default), page by
  page (``LIMIT``/``OFFSET`` over a total order), politely: a descriptive User-Agent, a pause
  between pages, retries with exponential back-off on 429/5xx and network errors (honouring
  ``Retry-After``). It writes the pages as one SPARQL 1.1 TSV results file
  (``wikidata/organisations.tsv`` in the downloads folder), with a fetch sidecar.
* :func:`read` (the ingester) reads that file: one row per organisation × municipality × type ×
  identifier, grouped by organisation.

Matching, in order, with the evidence recorded as ``eco:matchEvidence``: :class:`Identity` (ROR id,
QID, then normalised name → curated key), the ROR id → the ROR graph's key (optional ``ror`` file),
the KBO number → the KBO graph's key (optional ``kbo`` file, with ``postcodes``/``refnis``).
A matched organisation gets its Wikidata IRI, labels as aliases, websites, the evidence and the
entity as source, plus inception and coordinates only where no other source can have given them
(a second value would break the shapes' maxCount). Any other organisation becomes
``B/id/org/wd-<QID>`` with a kind class from its ``wdt:P31`` types, its label (Dutch, else
English), identifiers, website, founding year, coordinates and municipality (the REFNIS
municipality whose ``skos:exactMatch`` is the Wikidata municipality; optional ``refnis`` file).
"""

from __future__ import annotations

import re
import time
import urllib.error
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from SPARQLWrapper.SPARQLExceptions import EndPointInternalError

from ecograph.ingest.base import IngestContext, IngestError, csv_records
from ecograph.ingest.identity import WIKIDATA_ENTITY, normalise_ror, split_list
from ecograph.ingest.kbo import ECO_MATCH_EVIDENCE, ENTERPRISE_NUMBER
from ecograph.ingest.refnis import load_refnis
from ecograph.model import resources
from ecograph.model.namespaces import DCTERMS, ECO, RDF, RDFS, SCHEMA, WGS, XSD
from ecograph.model.nt import TermError, Triple, iri, lit

ENDPOINT = "https://query.wikidata.org/sparql"
QUERY_FILE = resources.queries_dir() / "wikidata" / "organisations.rq"
COLUMNS = ("org", "municipality", "type", "labelNl", "labelEn", "ror", "kbo", "website", "inception", "coord")
PAGE_SIZE = 5000
WDT = "http://www.wikidata.org/prop/direct/"

# wdt:P31 values → kind class; the first listed type an organisation has wins
KINDS: tuple[tuple[str, str], ...] = (
    ("Q3918", ECO.University),  # university
    ("Q875538", ECO.University),  # public university
    ("Q902104", ECO.University),  # private university
    ("Q189004", ECO.UniversityCollege),  # college
    ("Q1371037", ECO.UniversityCollege),  # institute of technology
    ("Q16917", ECO.Hospital),  # hospital
    ("Q1774898", ECO.Hospital),  # university hospital
    ("Q31855", ECO.ResearchCentre),  # research institute
    ("Q7315155", ECO.ResearchCentre),  # research center
    ("Q1664720", ECO.ResearchCentre),  # institute
    ("Q2659904", ECO.GovernmentBody),  # government organization
    ("Q327333", ECO.GovernmentBody),  # government agency
    ("Q1137109", ECO.IncubatorOrSciencePark),  # business incubator
    ("Q1519799", ECO.IncubatorOrSciencePark),  # science park
    ("Q1137076", ECO.InvestorOrFund),  # venture capital firm
    ("Q48204", ECO.BusinessAssociation),  # voluntary association / business association
    ("Q4830453", ECO.Company),  # business
    ("Q783794", ECO.Company),  # company
    ("Q891723", ECO.Company),  # public company
    ("Q6881511", ECO.Company),  # enterprise
    ("Q21980538", ECO.Company),  # commercial organization
)
_QID = re.compile(r"^Q[1-9][0-9]*$")
_POINT = re.compile(r"^\s*Point\(\s*(-?[0-9]+(?:\.[0-9]+)?)\s+(-?[0-9]+(?:\.[0-9]+)?)\s*\)\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^([0-9]{4})-")
_TERM = re.compile(r'^(?:<([^<>"\s]*)>|"((?:[^"\\]|\\.)*)"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\^\^<([^<>"\s]*)>)?)$')
_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


# ----------------------------------------------------------------------------------------------
# fetching (the "download" of this source)


def municipality_qids(refnis_path: Path, members: Iterable[str] | None = None) -> dict[str, str]:
    """Wikidata QID → NIS code of the current municipalities at or below the NIS codes ``members``
    (all municipalities when None), from the REFNIS ``skos:exactMatch`` links."""
    refnis = load_refnis(refnis_path)
    found: dict[str, str] = {}
    if members is None:
        codes = [u.notation for u in refnis.units.values() if u.level == "municipality" and u.current]
    else:
        codes = []
        for member in members:
            if member not in refnis.units:
                raise IngestError(refnis_path, None, f"unknown NIS code {member}")
            codes.extend(refnis.municipalities_under(member))
    for nis in codes:
        for match in refnis.units[nis].exact:
            qid = match.rstrip("/").rsplit("/", 1)[-1]
            if "wikidata.org" in match and _QID.match(qid):
                found[qid] = nis
    return found


def fetch_source(
    downloads: Path, data_dir: Path, *, endpoint: str = ENDPOINT, region: str = "arrondissement-leuven",
    progress: Callable[[str], None] = print, **options: object,
) -> int:
    """``ecograph fetch --source wikidata``: query for the municipalities of ``region`` (data/regions.csv).

    Needs the REFNIS file fetched first (``belgif-refnis/refnis2025.nt``), for the municipalities' QIDs.
    """
    from ecograph.ingest.kbo import region_members
    from ecograph.model.sources import get_source

    files = {f.key: f.path for f in get_source("wikidata").files}
    qids = municipality_qids(downloads / files["refnis"], region_members(data_dir, region))
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

    from ecograph.build.fetch import USER_AGENT, _write_sidecar

    qids = sorted(set(municipalities))
    if not qids or not all(_QID.match(q) for q in qids):
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


# ----------------------------------------------------------------------------------------------
# reading the TSV


def parse_term(cell: str) -> tuple[str, str, str | None] | None:
    """A TSV cell → ("iri"|"literal", value, language or datatype); None for an empty cell."""
    if not cell:
        return None
    match = _TERM.match(cell)
    if not match:
        raise ValueError(f"not an RDF term: {cell[:60]!r}")
    if match.group(1) is not None:
        return "iri", match.group(1), None
    text = re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m.group(1), m.group(0)), match.group(2))
    return "literal", text, match.group(3) or match.group(4)


@dataclass
class Item:
    qid: str
    line: int
    municipalities: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    label_nl: str = ""
    label_en: str = ""
    rors: list[str] = field(default_factory=list)
    kbos: list[str] = field(default_factory=list)
    websites: list[str] = field(default_factory=list)
    inception: str = ""
    coord: tuple[str, str] | None = None
    key: str = ""
    evidence: str = ""

    @property
    def label(self) -> str:
        return self.label_nl or self.label_en


def _entity(value: str, what: str) -> str:
    if not value.startswith(WIKIDATA_ENTITY) or not _QID.match(value[len(WIKIDATA_ENTITY):]):
        raise ValueError(f"{what} is not a Wikidata entity IRI: {value!r}")
    return value[len(WIKIDATA_ENTITY):]


def read_items(path: Path) -> dict[str, Item]:
    """The organisations of a fetched TSV, rows grouped by organisation."""
    items: dict[str, Item] = {}
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        header = handle.readline().rstrip("\r\n").split("\t")
        if tuple(h.lstrip("?") for h in header) != COLUMNS:
            raise IngestError(path, 1, "header must be " + "\t".join("?" + c for c in COLUMNS))
        lineno = 1
        try:
            for lineno, raw in enumerate(handle, 2):  # noqa: B007 - lineno is read in the handler
                text = raw.rstrip("\r\n")
                if not text:
                    continue
                cells = text.split("\t")
                if len(cells) != len(COLUMNS):
                    raise ValueError(f"{len(cells)} fields instead of {len(COLUMNS)}")
                row = dict(zip(COLUMNS, (parse_term(c) for c in cells), strict=True))
                _add_row(items, row, lineno)
        except UnicodeDecodeError as exc:
            raise IngestError(path, lineno, f"not UTF-8: {exc.reason}") from None
        except ValueError as exc:
            raise IngestError(path, lineno, str(exc)) from None
    return items


def _add_row(items: dict[str, Item], row: dict[str, tuple[str, str, str | None] | None], line: int) -> None:
    org, municipality = row["org"], row["municipality"]
    if org is None or org[0] != "iri" or municipality is None or municipality[0] != "iri":
        raise ValueError("?org and ?municipality must be IRIs")
    qid = _entity(org[1], "?org")
    item = items.get(qid)
    if item is None:
        item = items[qid] = Item(qid, line)
    _once(item.municipalities, _entity(municipality[1], "?municipality"))
    if row["type"] is not None:
        _once(item.types, _entity(row["type"][1], "?type"))
    for name, attr in (("labelNl", "label_nl"), ("labelEn", "label_en")):
        term = row[name]
        if term is not None and not getattr(item, attr):
            setattr(item, attr, term[1])
    if row["ror"] is not None:
        short = normalise_ror(row["ror"][1])
        if short is None:
            raise ValueError(f"?ror is not a ROR id: {row['ror'][1]!r}")
        _once(item.rors, short)
    if row["kbo"] is not None:
        digits = re.sub(r"[^0-9]", "", row["kbo"][1]).zfill(10)
        number = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
        if not ENTERPRISE_NUMBER.fullmatch(number):
            raise ValueError(f"?kbo is not a KBO enterprise number: {row['kbo'][1]!r}")
        _once(item.kbos, number)
    if row["website"] is not None:
        _once(item.websites, row["website"][1])
    if row["inception"] is not None:
        year = _YEAR.match(row["inception"][1])
        if year and (not item.inception or year.group(1) < item.inception):
            item.inception = year.group(1)
    if row["coord"] is not None and item.coord is None:
        point = _POINT.match(row["coord"][1])
        if not point:
            raise ValueError(f"?coord is not a WKT Point: {row['coord'][1]!r}")
        long, lat = point.groups()
        if not (-90 <= float(lat) <= 90 and -180 <= float(long) <= 180):
            raise ValueError(f"?coord out of range: {row['coord'][1]!r}")
        item.coord = (lat, long)


def _once(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)


# ----------------------------------------------------------------------------------------------
# triples


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Triples of the Wikidata enrichment graph (see the module docstring)."""
    from ecograph.ingest.cordis import kbo_keys, ror_name_index

    path = ctx.file("organisations")
    items = read_items(path)
    ctx.rows_read += sum(1 for _ in path.open(encoding="utf-8")) - 1
    places: dict[str, str] = {}
    if ctx.files.get("refnis") is not None:
        places = municipality_qids(ctx.files["refnis"])
    by_ror = ror_name_index(ctx, [ctx.files["ror"]])[1] if ctx.files.get("ror") else {}
    kbo = kbo_keys(ctx) if ctx.files.get("kbo") and any(i.kbos for i in items.values()) else {}
    curated = _curated_facts(ctx.data_dir)
    for item in items.values():
        if not item.label:
            ctx.reject("organisation without a Dutch or English label")
            continue
        _match(ctx, item, by_ror, kbo)
        yield from _item_triples(ctx, item, places, curated)


def _match(ctx: IngestContext, item: Item, by_ror: dict[str, str], kbo: dict[str, str]) -> None:
    names = [n for n in (item.label_nl, item.label_en) if n]
    ror = item.rors[0] if len(item.rors) == 1 else None
    if ctx.identity is not None:
        evidence = ctx.identity.match_evidence(ror=ror, wikidata=item.qid, names=names)
        if evidence is not None:
            item.key, item.evidence = evidence.key, evidence.describe()
            return
    if ror and ror in by_ror:
        item.key, item.evidence = by_ror[ror], f"ror:{ror}"
        return
    found = {kbo[n] for n in item.kbos if n in kbo}
    if len(found) == 1:
        item.key = found.pop()
        item.evidence = "kbo:" + next(n for n in item.kbos if kbo.get(n) == item.key)
        return
    item.key = f"wd-{item.qid}"


def _curated_facts(data_dir: Path) -> dict[str, tuple[bool, bool]]:
    """Curated key → (has a founding year, has a ROR id): what another source already gives it."""
    path = data_dir / "curated" / "organisations.csv"
    if not path.is_file():
        return {}
    return {r["id"]: (bool(r["founded_year"]), bool(split_list(r["ror_id"])))
            for _l, r in csv_records(path, ("id", "founded_year", "ror_id"))}


def _kind(item: Item) -> str:
    for qid, cls in KINDS:
        if qid in item.types:
            return cls
    return ECO.OtherOrganisation


def _web(url: str) -> str | None:
    try:
        return iri(url) if url.startswith(("http://", "https://")) else None
    except TermError:
        return None


def _item_triples(
    ctx: IngestContext, item: Item, places: dict[str, str], curated: dict[str, tuple[bool, bool]]
) -> Iterator[Triple]:
    s = iri(ctx.id("org", item.key))
    entity = iri(WIKIDATA_ENTITY + item.qid)
    new = item.key.startswith("wd-")
    # inception and coordinates only where no other source can have a (different) value
    if new:
        founding, coords = True, True
    elif item.key in curated:
        has_year, has_ror = curated[item.key]
        founding, coords = not has_year and not has_ror, not has_ror
    else:  # ror-… (ROR gives both), kbo-… (KBO gives the start year)
        founding, coords = False, item.key.startswith("kbo-")
    if new:
        yield s, iri(RDF.type), iri(_kind(item))
        yield s, iri(RDFS.label), lit(item.label)
        yield s, iri(SCHEMA.name), lit(item.label)
        if len(item.rors) == 1:
            yield s, iri(ECO.ror), iri("https://ror.org/" + item.rors[0])
        if len(item.kbos) == 1:
            yield s, iri(ECO.kboNumber), lit(item.kbos[0])
        nis = sorted({places[m] for m in item.municipalities if m in places})
        if nis:
            yield s, iri(ECO.locatedIn), iri(ctx.id("municipality", nis[0]))
    else:
        yield s, iri(ECO_MATCH_EVIDENCE), lit(item.evidence)
    for label, lang in ((item.label_nl, "nl"), (item.label_en, "en")):
        if label and not (new and label == item.label):
            yield s, iri(SCHEMA.alternateName), lit(label, lang=lang)
    yield s, iri(ECO.wikidata), entity
    for url in item.websites:
        if term := _web(url):
            yield s, iri(SCHEMA.url), term
    if founding and item.inception:
        yield s, iri(SCHEMA.foundingDate), lit(item.inception, datatype=XSD.gYear)
    if coords and item.coord is not None:
        yield s, iri(WGS.lat), lit(item.coord[0], datatype=XSD.decimal)
        yield s, iri(WGS.long), lit(item.coord[1], datatype=XSD.decimal)
    yield s, iri(DCTERMS.source), entity


__all__ = ["ENDPOINT", "WDT", "fetch_wikidata", "municipality_qids", "read"]
