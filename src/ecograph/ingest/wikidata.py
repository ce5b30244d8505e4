"""Wikidata → an enrichment graph of the organisations located in the region's municipalities.

Two steps, so that ``ecograph build`` stays offline and reproducible:

* :func:`ecograph.build.harvest_wikidata.fetch_wikidata` (the "download" of this source, with the
  network: it lives in ``build``) runs the saved query ``queries/wikidata/organisations.rq``
  against a SPARQL endpoint and writes the pages as one SPARQL 1.1 TSV results file
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.ingest.base import IngestContext, IngestError
from ecograph.ingest.identity import WIKIDATA_ENTITY, normalise_ror
from ecograph.ingest.readers.kbo_zip import ENTERPRISE_NUMBER
from ecograph.ingest.readers.refnis import Refnis, load_refnis
from ecograph.model.namespaces import DCTERMS, ECO, RDF, RDFS, SCHEMA, WGS, XSD
from ecograph.model.nt import TermError, Triple, iri, lit

ECO_MATCH_EVIDENCE = ECO.matchEvidence
COLUMNS = ("org", "municipality", "type", "labelNl", "labelEn", "ror", "kbo", "website", "inception", "coord")
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
QID = re.compile(r"^Q[1-9][0-9]*$")
_POINT = re.compile(r"^\s*Point\(\s*(-?[0-9]+(?:\.[0-9]+)?)\s+(-?[0-9]+(?:\.[0-9]+)?)\s*\)\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^([0-9]{4})-")
_TERM = re.compile(r'^(?:<([^<>"\s]*)>|"((?:[^"\\]|\\.)*)"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\^\^<([^<>"\s]*)>)?)$')
_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


# ----------------------------------------------------------------------------------------------
# the municipalities' QIDs (for the harvest, ecograph.build.harvest_wikidata, and for places)


def municipality_qids(refnis_path: Path | Refnis, members: Iterable[str] | None = None) -> dict[str, str]:
    """Wikidata QID → NIS code of the current municipalities at or below the NIS codes ``members``
    (all municipalities when None), from the REFNIS ``skos:exactMatch`` links."""
    refnis = refnis_path if isinstance(refnis_path, Refnis) else load_refnis(refnis_path)
    found: dict[str, str] = {}
    if members is None:
        codes = [u.notation for u in refnis.units.values() if u.level == "municipality" and u.current]
    else:
        codes = []
        for member in members:
            if member not in refnis.units:
                where = refnis_path if isinstance(refnis_path, Path) else "refnis"
                raise IngestError(where, None, f"unknown NIS code {member}")
            codes.extend(refnis.municipalities_under(member))
    for nis in codes:
        for match in refnis.units[nis].exact:
            qid = match.rstrip("/").rsplit("/", 1)[-1]
            if "wikidata.org" in match and QID.match(qid):
                found[qid] = nis
    return found


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
    if not value.startswith(WIKIDATA_ENTITY) or not QID.match(value[len(WIKIDATA_ENTITY):]):
        raise ValueError(f"{what} is not a Wikidata entity IRI: {value!r}")
    return value[len(WIKIDATA_ENTITY):]


def read_items(path: Path) -> dict[str, Item]:
    """The organisations of a fetched TSV, rows grouped by organisation."""
    return read_tsv(path)[0]


def read_tsv(path: Path) -> tuple[dict[str, Item], int]:
    """The organisations of a fetched TSV and its number of lines after the header (one read)."""
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
    return items, lineno - 1


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
    path = ctx.file("organisations")
    items, lines = read_tsv(path)
    ctx.rows_read += lines
    places: dict[str, str] = {}
    if ctx.files.get("refnis") is not None:
        places = municipality_qids(ctx.lookups.refnis(ctx.files["refnis"]))
    by_ror = ctx.lookups.ror_keys([(ctx.files["ror"], 2)], ctx.identity)[1] if ctx.files.get("ror") else {}
    kbo = {}
    if ctx.files.get("kbo") and any(i.kbos for i in items.values()):
        kbo = ctx.kbo_keys(ctx.files["kbo"])
    curated = ctx.lookups.curated_facts(ctx.data_dir / "curated" / "organisations.csv")
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


__all__ = ["WDT", "municipality_qids", "read", "read_items"]
