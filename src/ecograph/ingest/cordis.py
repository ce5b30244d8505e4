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

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ecograph.ingest.base import IngestContext, IngestError, csv_records
from ecograph.ingest.identity import Identity, normalise_name
from ecograph.ingest.readers.cordis import (
    ACTIVITY_TYPES,
    CODE_PATH,
    Extract,
    Organisation,
    Participation,
    Project,
    read_zip,
)
from ecograph.model.namespaces import DCTERMS, ECO, RDF, RDFS, SCHEMA, WGS, XSD
from ecograph.model.nt import TermError, Triple, iri, lit
from ecograph.model.schemes import load_sectors

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
ECO_MATCH_EVIDENCE = ECO.matchEvidence
_BE_VAT = re.compile(r"BE\s*0?([01][0-9]{9})")
_GEO = re.compile(r"\(?\s*(-?[0-9]+(?:\.[0-9]+)?)\s*,\s*(-?[0-9]+(?:\.[0-9]+)?)\s*\)?")

# ----------------------------------------------------------------------------------------------
# matching


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
        if not CODE_PATH.fullmatch(code):
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
    with_kbo = "kbo" in ctx.files and any(kbo_number(o.vat) for o in extract.organisations.values())
    kbo = ctx.kbo_keys(ctx.file("kbo")) if with_kbo else {}
    ror_dumps = [(p, schema) for p, schema in ((ctx.files.get("ror"), 2), (ctx.files.get("ror_v1"), 1))
                 if p is not None]
    ror_names = ctx.lookups.ror_keys(ror_dumps, ctx.identity)[0] if ror_dumps else {}
    for org in extract.organisations.values():
        match(org, kbo, ror_names, ctx.identity)
    postcodes = _postcodes(ctx)
    for project in extract.projects.values():
        yield from _project(ctx, project)
    for org in extract.organisations.values():
        yield from _organisation(ctx, org, postcodes)
    for part in extract.participations:
        yield from _participation(ctx, part, extract.organisations[part.pic])
    yield from _collaborations(ctx, extract)
    yield from _capabilities(ctx, extract, rules)


def _postcodes(ctx: IngestContext) -> dict[str, str]:
    """Belgian postcode → NIS code, for postcodes that serve one municipality only."""
    path = ctx.files.get("postcodes")
    if path is None:
        return {}
    found: dict[str, set[str]] = {}
    for _line, row in ctx.lookups.table(path).rows(("postal_code", "municipality_nis")):
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
    curated = ctx.lookups.curated_statements(ctx.data_dir / "curated" / "relations.csv")
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
    curated_caps = ctx.lookups.curated_capabilities(ctx.data_dir / "curated" / "organisations.csv")
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
