"""CORDIS projects (Horizon Europe, H2020) → projects, participations, collaborations, research capabilities.

Inputs (``ctx.files``): ``horizon`` (``cordis-HORIZONprojects-csv.zip``) and optionally ``h2020``
(``cordis-h2020projects-csv.zip``): zips of ``;``-separated, ``"``-quoted UTF-8 CSVs with a header,
of which ``project.csv``, ``organization.csv`` and ``euroSciVoc.csv`` are read (decimals may use a
decimal comma). For matching organisations to nodes other sources publish, optionally: ``kbo``
(the KBO zip, with ``postcodes``/``refnis`` to apply the KBO graph's own region filter) and ``ror``
(the ROR v2 dump).

Scope: the projects with at least one participant whose ``nutsCode`` starts with ``REGION_NUTS``
(BE24, the province of Flemish Brabant), and all participants of those projects (the partners).

Organisations (one per CORDIS ``organisationID``, the PIC), matched in this order, the evidence
recorded as ``eco:matchEvidence``:
1. VAT number → KBO number (``BE0123456789`` → ``0123.456.789``), when the KBO graph of the same
   extract describes that enterprise (``vat:BE0123456789``);
2. normalised name → an organisation of the ROR dump (``ror-name:…``; its key as the ROR ingester
   gives it: curated key or ``ror-<id>``);
3. normalised name → a curated organisation through :class:`Identity` (``name:…``).
Rules 2 and 3 only apply to Belgian participants (every candidate is Belgian; acronyms such as
"FTI" are shared across countries).
A matched organisation gets only aliases, identifiers, sources and the evidence (its kind and
name come from the source that describes it); any other becomes ``B/id/org/cordis-<PIC>`` with a
kind class from ``activityType``, its name, website, place and KBO number.

Projects are ``B/id/project/<id>`` typed ``eurio:Project`` (EURIO, the EU's research-information
ontology), with title, acronym, dates, costs and the EuroSciVoc fields (``dcterms:subject`` →
``B/id/euroscivoc/<node>``). Each participation is an ``eurio:OrganisationRole``
(``B/id/participation/<project>.<PIC>``) with role, EC contribution and activity type.
``eco:collaboratesWith`` links every region participant to each co-participant, with a qualified
statement weighted (``eco:weight``) by the number of joint projects. Region participants get a
research-stage capability in each sector that their projects' EuroSciVoc fields map to in
``data/euroscivoc_sectors.csv`` (longest code-path prefix wins).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ecograph.ingest.base import IngestContext, IngestError, csv_records, csv_rows
from ecograph.ingest.curated import REL_COLUMNS
from ecograph.ingest.identity import Identity, normalise_name
from ecograph.ingest.kbo import ECO_MATCH_EVIDENCE, curated_capabilities
from ecograph.model.namespaces import DCTERMS, ECO, RDF, RDFS, SCHEMA, WGS, XSD
from ecograph.model.nt import TermError, Triple, iri, lit
from ecograph.model.schemes import load_sectors

REGION_NUTS = "BE24"
MAPPING_FILE = "euroscivoc_sectors.csv"
PROJECT_PAGE = "https://cordis.europa.eu/project/id/"
EURIO = "http://data.europa.eu/s66#"
EURIO_PROJECT = EURIO + "Project"
EURIO_ROLE = EURIO + "OrganisationRole"
EURIO_TITLE = EURIO + "title"
EURIO_ACRONYM = EURIO + "acronym"
EURIO_IDENTIFIER = EURIO + "identifier"
EURIO_START = EURIO + "startDate"
EURIO_END = EURIO + "endDate"
EURIO_INVOLVED = EURIO + "hasInvolvedParty"
EURIO_ROLE_OF = EURIO + "isRoleOf"
EURIO_ROLE_LABEL = EURIO + "roleLabel"
DCTERMS_SUBJECT = DCTERMS.base + "subject"
# Terms not (yet) in namespaces.ECO; see the report to the lead.
ECO_PARTICIPATES_IN = ECO.participatesIn
ECO_EC_CONTRIBUTION = ECO.ecContribution
ECO_TOTAL_COST = ECO.totalCost
ECO_ACTIVITY_TYPE = ECO.activityType
ECO_FRAMEWORK = ECO.frameworkProgramme

PROJECT_COLUMNS = ("id", "acronym", "status", "title", "startDate", "endDate", "totalCost",
                   "ecMaxContribution", "frameworkProgramme")
ORG_COLUMNS = ("projectID", "organisationID", "vatNumber", "name", "shortName", "activityType", "postCode",
               "city", "country", "nutsCode", "geolocation", "organizationURL", "role", "ecContribution")
ESV_COLUMNS = ("projectID", "euroSciVocCode", "euroSciVocPath")
ROLES = frozenset({"coordinator", "participant", "partner", "associatedpartner", "thirdparty"})
ACTIVITY_TYPES: dict[str, str] = {
    "HES": ECO.University,
    "REC": ECO.ResearchCentre,
    "PRC": ECO.Company,
    "PUB": ECO.GovernmentBody,
    "OTH": ECO.OtherOrganisation,
}
_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")
_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T][0-9:.]+Z?)?")
_BE_VAT = re.compile(r"BE\s*0?([01][0-9]{9})")
_CODE_PATH = re.compile(r"(?:/[0-9]+)+")
_GEO = re.compile(r"\(?\s*(-?[0-9]+(?:\.[0-9]+)?)\s*,\s*(-?[0-9]+(?:\.[0-9]+)?)\s*\)?")


# ----------------------------------------------------------------------------------------------
# reading


def _members(path: Path) -> tuple[zipfile.ZipFile, dict[str, str]]:
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise IngestError(path, None, f"not a readable zip: {exc}") from None
    names = {Path(n).name: n for n in zf.namelist() if not n.endswith("/")}
    missing = [m for m in ("project.csv", "organization.csv", "euroSciVoc.csv") if m not in names]
    if missing:
        zf.close()
        raise IngestError(path, None, f"the zip lacks {', '.join(missing)}")
    return zf, names


def cordis_rows(
    zf: zipfile.ZipFile, member: str, where: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(start line, row) of a CORDIS CSV (``;``-separated); the header must hold ``columns``."""
    with zf.open(member) as raw:
        text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding="utf-8-sig", newline="")
        yield from csv_rows(text, where, columns, delimiter=";")


def decimal(value: str) -> str:
    """A CORDIS amount as an xsd:decimal lexical form (decimal comma accepted); ValueError if not one."""
    if not _DECIMAL.fullmatch(value):
        raise ValueError(f"{value!r} is not a decimal number")
    return value.replace(",", ".")


def iso_date(value: str) -> str:
    match = _DATE.fullmatch(value)
    if not match:
        raise ValueError(f"{value!r} is not a date yyyy-mm-dd")
    return match.group(1)


@dataclass
class Participation:
    project: str
    pic: str
    role: str
    activity: str
    contribution: str
    line: int


@dataclass
class Organisation:
    pic: str
    name: str
    short: str
    vat: str
    activity: str
    country: str
    postcode: str
    city: str
    nuts: str
    url: str
    geo: str
    in_region: bool = False
    key: str = ""
    evidence: str = ""
    projects: list[str] = field(default_factory=list)


@dataclass
class Project:
    id: str
    acronym: str
    title: str
    start: str
    end: str
    total: str
    ec_max: str
    programme: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (code path, label path)


@dataclass
class Extract:
    projects: dict[str, Project] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    participations: list[Participation] = field(default_factory=list)
    rows: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


def read_zip(path: Path, out: Extract) -> None:
    """Add the region's projects of one CORDIS zip to ``out`` (three passes over small files)."""
    zf, names = _members(path)
    with zf:
        where = f"{path}/organization.csv"
        region_projects: set[str] = set()
        for line, row in cordis_rows(zf, names["organization.csv"], where, ORG_COLUMNS):
            out.rows += 1
            _check_participant(row, where, line)
            if row["nutsCode"].upper().startswith(REGION_NUTS):
                region_projects.add(row["projectID"])
        for line, row in cordis_rows(zf, names["organization.csv"], where, ORG_COLUMNS):
            if row["projectID"] not in region_projects:
                out.rejected["participation in a project without a region participant"] += 1
                continue
            pic = row["organisationID"]
            org = out.organisations.get(pic)
            if org is None:
                org = out.organisations[pic] = Organisation(
                    pic, row["name"], row["shortName"], row["vatNumber"], row["activityType"].upper(),
                    row["country"].upper(), row["postCode"], row["city"], row["nutsCode"].upper(),
                    row["organizationURL"], row["geolocation"])
            if row["nutsCode"].upper().startswith(REGION_NUTS):
                org.in_region = True
            if row["projectID"] not in org.projects:
                org.projects.append(row["projectID"])
            out.participations.append(Participation(
                row["projectID"], pic, row["role"], row["activityType"].upper(),
                decimal(row["ecContribution"]) if row["ecContribution"] else "", line))
        where = f"{path}/project.csv"
        for line, row in cordis_rows(zf, names["project.csv"], where, PROJECT_COLUMNS):
            out.rows += 1
            if not _DIGITS.fullmatch(row["id"]):
                raise IngestError(where, line, f"id {row['id']!r} is not a number")
            try:
                start = iso_date(row["startDate"]) if row["startDate"] else ""
                end = iso_date(row["endDate"]) if row["endDate"] else ""
                total = decimal(row["totalCost"]) if row["totalCost"] else ""
                ec_max = decimal(row["ecMaxContribution"]) if row["ecMaxContribution"] else ""
            except ValueError as exc:
                raise IngestError(where, line, str(exc)) from None
            if row["id"] not in region_projects:
                out.rejected["project without a region participant"] += 1
                continue
            if not row["title"]:
                raise IngestError(where, line, "title is empty")
            out.projects[row["id"]] = Project(row["id"], row["acronym"], row["title"], start, end, total, ec_max,
                                              row["frameworkProgramme"])
        where = f"{path}/euroSciVoc.csv"
        for line, row in cordis_rows(zf, names["euroSciVoc.csv"], where, ESV_COLUMNS):
            out.rows += 1
            code = row["euroSciVocCode"]
            if not _CODE_PATH.fullmatch(code):
                raise IngestError(where, line, f"euroSciVocCode {code!r} is not a code path like /23/43/251")
            project = out.projects.get(row["projectID"])
            if project is not None:
                project.fields.append((code, row["euroSciVocPath"]))
    missing = {p.project for p in out.participations} - set(out.projects)
    if missing:
        raise IngestError(f"{path}/project.csv", None,
                          f"organization.csv names project(s) not in project.csv: {', '.join(sorted(missing)[:5])}")


def _check_participant(row: dict[str, str], where: str, line: int) -> None:
    for column in ("projectID", "organisationID"):
        if not _DIGITS.fullmatch(row[column]):
            raise IngestError(where, line, f"{column} {row[column]!r} is not a number")
    if row["role"].lower() not in ROLES:
        raise IngestError(where, line, f"role {row['role']!r} is not one of {', '.join(sorted(ROLES))}")
    if row["activityType"] and row["activityType"].upper() not in ACTIVITY_TYPES:
        raise IngestError(where, line, f"activityType {row['activityType']!r} is not HES, REC, PRC, PUB or OTH")
    if not row["name"]:
        raise IngestError(where, line, "name is empty")
    if row["ecContribution"]:
        try:
            decimal(row["ecContribution"])
        except ValueError as exc:
            raise IngestError(where, line, f"ecContribution: {exc}") from None


# ----------------------------------------------------------------------------------------------
# matching


def ror_name_index(ctx: IngestContext, paths: Iterable[Path]) -> tuple[dict[str, str | None], dict[str, str]]:
    """(normalised name → key or None when ambiguous, short ROR id → key) of the ROR dump(s).

    Keys as the ROR ingester gives them: the curated key when :class:`Identity` matches the
    record, else ``ror-<short id>``; withdrawn records are not published and not indexed.
    """
    from ecograph.ingest.ror import _Record, iter_json_array

    by_name: dict[str, str | None] = {}
    by_ror: dict[str, str] = {}
    for path, schema in zip(paths, (2, 1), strict=False):
        for index, raw in iter_json_array(path):
            rec = _Record(path, index, raw, schema)
            if rec.status == "withdrawn" or rec.short in by_ror:
                continue
            names = [rec.display] + [n for n, _ in rec.names]
            key = None
            if ctx.identity is not None:
                key = ctx.identity.key_for(ror=rec.ror, wikidata=rec.wikidata[0] if rec.wikidata else None,
                                           names=names)
            key = key or f"ror-{rec.short}"
            by_ror[rec.short] = key
            for name in names:
                norm = normalise_name(name)
                if norm:
                    by_name[norm] = key if by_name.get(norm, key) == key else None
    return by_name, by_ror


def kbo_keys(ctx: IngestContext) -> dict[str, str]:
    """KBO number → organisation key, for the enterprises the KBO graph of the same extract describes."""
    from ecograph.ingest import kbo

    sub = IngestContext(base=ctx.base, data_dir=ctx.data_dir, identity=ctx.identity,
                        files={k: v for k, v in ctx.files.items() if k in ("postcodes", "refnis")}
                        | {"zip": ctx.file("kbo")})
    places = kbo.load_places(sub)
    kz = kbo.KboZip(ctx.file("kbo"))
    try:
        found = kbo.scan(kz, places)
    finally:
        kz.close()
    kbo.match_curated(found.enterprises.values(), ctx.identity)
    return {number: ent.key for number, ent in found.enterprises.items()}


def kbo_number(vat: str) -> str | None:
    """``0123.456.789`` from a Belgian VAT number (``BE0123456789``, ``BE 123456789``); else None."""
    match = _BE_VAT.fullmatch(vat.replace(".", "").replace(" ", "").upper())
    if not match:
        return None
    d = match.group(1)
    return f"{d[:4]}.{d[4:7]}.{d[7:]}"


def match(
    org: Organisation, kbo: dict[str, str], ror_names: dict[str, str | None], identity: Identity | None
) -> None:
    """Set ``org.key`` and ``org.evidence`` (see the module docstring for the order of the rules)."""
    number = kbo_number(org.vat) if org.country in ("BE", "") else None
    if number and number in kbo:
        org.key, org.evidence = kbo[number], f"vat:{org.vat.replace(' ', '').upper()}"
        return
    if org.country not in ("BE", ""):
        # every candidate (curated organisations, the Belgian ROR records) is Belgian: a foreign
        # participant that shares a name or acronym with one of them is another organisation
        org.key = f"cordis-{org.pic}"
        return
    names = [n for n in (org.name, org.short) if n]
    found = {ror_names[normalise_name(n)] for n in names if ror_names.get(normalise_name(n))}
    if len(found) == 1:
        key = found.pop()
        assert key is not None
        norm = next(normalise_name(n) for n in names if ror_names.get(normalise_name(n)) == key)
        org.key, org.evidence = key, f"ror-name:{norm}"
        return
    if identity is not None and (evidence := identity.match_evidence(names=names)) is not None:
        org.key, org.evidence = evidence.key, evidence.describe()
        return
    org.key = f"cordis-{org.pic}"


# ----------------------------------------------------------------------------------------------
# EuroSciVoc → sectors


@dataclass(frozen=True)
class FieldRule:
    prefix: str  # code path
    sector: str
    label: str


def load_mapping(path: Path) -> list[FieldRule]:
    """``data/euroscivoc_sectors.csv``: euroscivoc_code_path, label_path, sector, rationale."""
    sectors = {s.key for s in load_sectors()}
    rules: list[FieldRule] = []
    seen: set[tuple[str, str]] = set()
    for line, row in csv_records(path, ("euroscivoc_code_path", "label_path", "sector", "rationale")):
        code = row["euroscivoc_code_path"]
        if not _CODE_PATH.fullmatch(code):
            raise IngestError(path, line, f"euroscivoc_code_path {code!r} is not like /23/43/251")
        if row["sector"] not in sectors:
            raise IngestError(path, line, f"sector {row['sector']!r} is not a sector key")
        if not row["rationale"]:
            raise IngestError(path, line, "rationale is empty")
        if (code, row["sector"]) in seen:
            raise IngestError(path, line, f"{code} → {row['sector']} given twice")
        seen.add((code, row["sector"]))
        rules.append(FieldRule(code, row["sector"], row["label_path"]))
    return rules


def sectors_for_field(code: str, rules: list[FieldRule]) -> list[FieldRule]:
    """The rules of the longest mapped code-path prefix of ``code`` (several when it maps to several)."""
    best: list[FieldRule] = []
    for rule in rules:
        if code == rule.prefix or code.startswith(rule.prefix + "/"):
            if not best or len(rule.prefix) > len(best[0].prefix):
                best = [rule]
            elif len(rule.prefix) == len(best[0].prefix):
                best.append(rule)
    return best


# ----------------------------------------------------------------------------------------------
# triples


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Triples of the CORDIS graph (see the module docstring)."""
    extract = Extract()
    read_zip(ctx.file("horizon"), extract)
    if ctx.files.get("h2020") is not None:
        read_zip(ctx.files["h2020"], extract)
    ctx.rows_read += extract.rows
    for reason, n in extract.rejected.items():
        ctx.rows_rejected += n
        ctx.rejected_reasons[reason] += n
    rules = load_mapping(ctx.data_dir / MAPPING_FILE)
    kbo = kbo_keys(ctx) if "kbo" in ctx.files and any(kbo_number(o.vat) for o in extract.organisations.values()) \
        else {}
    ror_paths = [p for p in (ctx.files.get("ror"), ctx.files.get("ror_v1")) if p is not None]
    ror_names, _ = ror_name_index(ctx, ror_paths) if ror_paths else ({}, {})
    for org in extract.organisations.values():
        match(org, kbo, ror_names, ctx.identity)
    postcodes = _postcodes(ctx.files.get("postcodes"))
    for project in extract.projects.values():
        yield from _project(ctx, project)
    for org in extract.organisations.values():
        yield from _organisation(ctx, org, postcodes)
    for part in extract.participations:
        yield from _participation(ctx, part, extract.organisations[part.pic])
    yield from _collaborations(ctx, extract)
    yield from _capabilities(ctx, extract, rules)


def _postcodes(path: Path | None) -> dict[str, str]:
    """Belgian postcode → NIS code, for postcodes that serve one municipality only."""
    if path is None:
        return {}
    found: dict[str, set[str]] = {}
    for _line, row in csv_records(path, ("postal_code", "municipality_nis")):
        found.setdefault(row["postal_code"], set()).add(row["municipality_nis"])
    return {pc: next(iter(codes)) for pc, codes in found.items() if len(codes) == 1}


def _project(ctx: IngestContext, p: Project) -> Iterator[Triple]:
    s = iri(ctx.id("project", p.id))
    label = f"{p.acronym}: {p.title}" if p.acronym else p.title
    yield s, iri(RDF.type), iri(EURIO_PROJECT)
    yield s, iri(RDFS.label), lit(label)
    yield s, iri(EURIO_TITLE), lit(p.title)
    if p.acronym:
        yield s, iri(EURIO_ACRONYM), lit(p.acronym)
    yield s, iri(EURIO_IDENTIFIER), lit(p.id)
    if p.start:
        yield s, iri(EURIO_START), lit(p.start, datatype=XSD.date)
    if p.end:
        yield s, iri(EURIO_END), lit(p.end, datatype=XSD.date)
    if p.total:
        yield s, iri(ECO_TOTAL_COST), lit(p.total, datatype=XSD.decimal)
    if p.ec_max:
        yield s, iri(ECO_EC_CONTRIBUTION), lit(p.ec_max, datatype=XSD.decimal)
    if p.programme:
        yield s, iri(ECO_FRAMEWORK), lit(p.programme)
    for code, _label in dict.fromkeys(p.fields):
        yield s, iri(DCTERMS_SUBJECT), iri(ctx.id("euroscivoc", code.rsplit("/", 1)[1]))
    yield s, iri(DCTERMS.source), iri(PROJECT_PAGE + p.id)


def _web(url: str) -> str | None:
    if not url:
        return None
    url = url if "://" in url else "http://" + url
    try:
        return iri(url)
    except TermError:
        return None


def _organisation(ctx: IngestContext, org: Organisation, postcodes: dict[str, str]) -> Iterator[Triple]:
    s = iri(ctx.id("org", org.key))
    new = org.key.startswith("cordis-")
    if new:
        yield s, iri(RDF.type), iri(ACTIVITY_TYPES.get(org.activity, ECO.OtherOrganisation))
        yield s, iri(RDFS.label), lit(org.name)
        yield s, iri(SCHEMA.name), lit(org.name)
        number = kbo_number(org.vat) if org.country == "BE" else None
        if number:
            yield s, iri(ECO.kboNumber), lit(number)
        if org.country == "BE" and org.postcode in postcodes:
            yield s, iri(ECO.locatedIn), iri(ctx.id("municipality", postcodes[org.postcode]))
        geo = _GEO.fullmatch(org.geo) if org.geo else None
        if geo and -90 <= float(geo.group(1)) <= 90 and -180 <= float(geo.group(2)) <= 180:
            yield s, iri(WGS.lat), lit(geo.group(1), datatype=XSD.decimal)
            yield s, iri(WGS.long), lit(geo.group(2), datatype=XSD.decimal)
    else:
        yield s, iri(ECO_MATCH_EVIDENCE), lit(org.evidence)
        yield s, iri(SCHEMA.alternateName), lit(org.name)
    if org.short and org.short != org.name:
        yield s, iri(SCHEMA.alternateName), lit(org.short)
    if url := _web(org.url):
        yield s, iri(SCHEMA.url), url
    for project in org.projects:
        yield s, iri(ECO_PARTICIPATES_IN), iri(ctx.id("project", project))
        yield s, iri(DCTERMS.source), iri(PROJECT_PAGE + project)


def _participation(ctx: IngestContext, part: Participation, org: Organisation) -> Iterator[Triple]:
    s = iri(ctx.id("participation", f"{part.project}.{part.pic}"))
    yield iri(ctx.id("project", part.project)), iri(EURIO_INVOLVED), s
    yield s, iri(RDF.type), iri(EURIO_ROLE)
    yield s, iri(EURIO_ROLE_OF), iri(ctx.id("org", org.key))
    yield s, iri(EURIO_ROLE_LABEL), lit(part.role.lower())
    if part.activity:
        yield s, iri(ECO_ACTIVITY_TYPE), lit(part.activity)
    if part.contribution:
        yield s, iri(ECO_EC_CONTRIBUTION), lit(part.contribution, datatype=XSD.decimal)
    yield s, iri(DCTERMS.source), iri(PROJECT_PAGE + part.project)


def _curated_statements(data_dir: Path) -> set[str]:
    """Statement keys of the curated relations (``a.collaborates_with.b``)."""
    path = data_dir / "curated" / "relations.csv"
    if not path.is_file():
        return set()
    return {f"{r['subject_id']}.{r['relation']}.{r['object_id']}" for _l, r in csv_records(path, REL_COLUMNS)}


def _collaborations(ctx: IngestContext, extract: Extract) -> Iterator[Triple]:
    """Region participant × co-participant pairs, weighted by their number of joint projects."""
    members: dict[str, set[str]] = {}
    for part in extract.participations:
        members.setdefault(part.project, set()).add(extract.organisations[part.pic].key)
    region = {o.key for o in extract.organisations.values() if o.in_region}
    joint: dict[tuple[str, str], list[str]] = {}
    for project, keys in sorted(members.items()):
        for a in keys & region:
            for b in keys:
                if a != b:
                    pair = (a, b) if a < b else (b, a)
                    projects = joint.setdefault(pair, [])
                    if project not in projects:
                        projects.append(project)
    curated = _curated_statements(ctx.data_dir)
    predicate = iri(ECO.collaboratesWith)
    for (a, b), projects in sorted(joint.items()):
        sa, sb = iri(ctx.id("org", a)), iri(ctx.id("org", b))
        forward, backward = f"{a}.collaborates_with.{b}", f"{b}.collaborates_with.{a}"
        existing = forward if forward in curated else backward if backward in curated else None
        statement = iri(ctx.id("relation", existing or forward))
        yield sa, predicate, sb
        if existing is None:  # a curated statement keeps its own subject, object and year
            yield statement, iri(RDF.type), iri(ECO.RelationStatement)
            yield statement, iri(RDF.subject), sa
            yield statement, iri(RDF.predicate), predicate
            yield statement, iri(RDF.object), sb
            starts = [extract.projects[p].start[:4] for p in projects if extract.projects[p].start]
            if starts:
                yield statement, iri(ECO.year), lit(min(starts), datatype=XSD.gYear)
        yield statement, iri(ECO.weight), lit(len(projects))
        for project in projects:
            yield statement, iri(DCTERMS.source), iri(PROJECT_PAGE + project)


def _capabilities(ctx: IngestContext, extract: Extract, rules: list[FieldRule]) -> Iterator[Triple]:
    curated_caps = curated_capabilities(ctx.data_dir)
    clusters = {s.key: s.cluster or s.key for s in load_sectors()}
    written: set[str] = set()
    active: set[tuple[str, str]] = set()
    for org in extract.organisations.values():
        if not org.in_region:
            continue
        s = iri(ctx.id("org", org.key))
        for project_id in org.projects:
            project = extract.projects[project_id]
            for code, label in dict.fromkeys(project.fields):
                for rule in sectors_for_field(code, rules):
                    if (org.key, clusters[rule.sector]) not in active:
                        active.add((org.key, clusters[rule.sector]))
                        yield s, iri(ECO.activeIn), iri(ctx.id("sector", clusters[rule.sector]))
                    cap_key = f"{org.key}.{rule.sector}.research"
                    cap = iri(ctx.id("capability", cap_key))
                    if cap_key not in written and cap_key not in curated_caps:
                        yield cap, iri(RDF.type), iri(ECO.Capability)
                        yield cap, iri(ECO.organisation), s
                        yield cap, iri(ECO.sector), iri(ctx.id("sector", rule.sector))
                        yield cap, iri(ECO.stage), iri(ctx.id("stage", "research"))
                        text = (f"CORDIS project {project.id} ({project.acronym or project.title}) has EuroSciVoc "
                                f"field {label or code} ({code}); {rule.prefix} maps to sector {rule.sector} in "
                                f"{MAPPING_FILE}")
                        yield cap, iri(ECO.derivationRule), lit(text)
                    written.add(cap_key)
                    yield cap, iri(DCTERMS.source), iri(PROJECT_PAGE + project.id)
