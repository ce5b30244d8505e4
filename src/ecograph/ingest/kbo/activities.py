"""KBO activities → NACE classifications, active sectors and capabilities derived by stage rules.

Capabilities come from the rules of ``data/kbo_stage_rules.csv`` (longest NACE prefix wins) and the
sector scheme's NACE codes, each with ``eco:derivationRule`` naming the activity and the rule.
``activity.csv`` is streamed one entity's rows at a time (the extract is sorted by entity number).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ecograph.ingest.base import IngestContext, IngestError, csv_records
from ecograph.ingest.kbo.triples import ECO_MAIN_ACTIVITY, KBO_PAGE, KBO_UNIT_PAGE
from ecograph.ingest.readers.kbo_region import Enterprise, Scan
from ecograph.ingest.readers.kbo_zip import KboZip, digits
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF
from ecograph.model.nt import Triple, iri, lit
from ecograph.model.schemes import cluster_keys, load_sectors, sectors_for_nace

NACE_IRI = {"2008": "http://vocab.belgif.be/auth/nace2008/", "2025": "http://vocab.belgif.be/auth/nace2025/"}
STAGE_RULES_FILE = "kbo_stage_rules.csv"
STAGE_KEYS = ("research", "prototyping", "production", "market")
NACE_CODE = re.compile(r"[0-9]{2,7}")
ACTIVITY_ORDER = {"MAIN": 0, "SECO": 1, "ANCI": 2}


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


def activity_triples(ctx: IngestContext, kz: KboZip, found: Scan, deriver: Deriver,
                     curated_caps: set[str]) -> Iterator[Triple]:
    """``activity.csv`` of the region's entities, MAIN activities first (see :class:`_Activities`)."""
    ents, units = found.enterprises, found.units
    writer = _Activities(ctx, deriver, curated_caps)
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
