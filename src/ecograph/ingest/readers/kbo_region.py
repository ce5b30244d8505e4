"""The region's part of a KBO extract: which enterprises and establishment units lie in the region,
their names, legal forms, dates and websites (every pass over the zip before ``activity.csv``),
and which curated organisation each one is.

Scope: the municipalities of the region ``REGION_KEY`` of ``data/regions.csv`` (the default region,
arrondissement Leuven). An enterprise is kept when its registered seat (``REGO`` address) or one of
its establishment units (``BAET``) lies in the region; enterprises of natural persons (sole
traders, ``TypeOfEnterprise`` 1) are left out: they are people, not organisations, and the open
data does not name them. Used by the kbo ingester, and through ``ctx.lookups`` by CORDIS and
Wikidata (KBO number → organisation key), so the zip is scanned once per build.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.ingest.identity import Identity, normalise_name
from ecograph.ingest.readers.common import IngestError
from ecograph.ingest.readers.kbo_zip import ENTERPRISE_NUMBER, UNIT_NUMBER, KboZip, digits, kbo_date
from ecograph.ingest.readers.refnis import Refnis, lookup_municipality
from ecograph.ingest.readers.table import Table
from ecograph.model.nt import iri

REGION_KEY = "arrondissement-leuven"  # the default region of data/regions.csv
LANG_ORDER = {"2": 0, "1": 1, "3": 2, "4": 3, "0": 4}  # KBO language codes: 2 NL, 1 FR, 3 DE, 4 EN, 0 ?
LANG_TAG = {"1": "fr", "2": "nl", "3": "de", "4": "en"}
POSTCODE_COLUMNS = ("postal_code", "municipality_nis", "municipality_nl", "municipality_fr", "province_nis")


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


def region_members(regions: Table, key: str = REGION_KEY) -> list[str]:
    """The NIS codes of region ``key`` of ``data/regions.csv`` (as written: ``;``-separated)."""
    for _line, row in regions.rows(("key", "member_nis")):
        if row["key"] == key:
            return row["member_nis"].split(";")
    raise IngestError(regions.path, None, f"no region {key!r}")


def load_places(members: list[str], postcodes: Table | None, refnis: Refnis | None,
                names: dict[str, str] | None, refnis_path: Path | None) -> Places:
    """Where addresses are: ``postcodes`` (the postcode table) and/or the REFNIS tree and its names."""
    by_postcode: dict[str, list[tuple[str, frozenset[str]]]] = {}
    province: dict[str, str] = {}
    if postcodes is not None:
        for _line, row in postcodes.rows(POSTCODE_COLUMNS):
            found = frozenset(normalise_name(row[c]) for c in ("municipality_nl", "municipality_fr") if row[c])
            by_postcode.setdefault(row["postal_code"], []).append((row["municipality_nis"], found))
            province[row["municipality_nis"]] = row["province_nis"]
    region: set[str] = set()
    if refnis is not None:
        for member in members:
            if member not in refnis.units:
                raise IngestError(refnis_path or "refnis", None, f"region {REGION_KEY}: unknown NIS code {member}")
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
