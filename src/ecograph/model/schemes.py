"""The project's own concept schemes (sectors, stages) as Python values.

``ontology/schemes/*.ttl`` is the single source of truth; ingesters that map NACE codes or
curated cluster/stage keys to concepts read it through this module instead of repeating the
tables of docs/MODEL.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ecograph.model import resources
from ecograph.model.namespaces import ECO, SKOS

# The scheme files use relative IRIs; any hierarchical base works for reading the keys back.
_PARSE_BASE = "https://ecograph.invalid/id/"
_SECTOR_PREFIX = _PARSE_BASE + "sector/"
_STAGE_PREFIX = _PARSE_BASE + "stage/"


def ontology_dir() -> Path:
    """The repository's ``ontology/`` folder (ecograph.ttl, shapes.ttl, schemes/, checks/)."""
    return resources.ontology_dir()


def scheme_files() -> list[Path]:
    """The SKOS scheme files, to be parsed with base IRI ``<base>/id/``."""
    return sorted((ontology_dir() / "schemes").glob("*.ttl"))


@dataclass(frozen=True)
class SectorInfo:
    """One concept of the sector scheme."""

    key: str
    cluster: str | None  # the cluster key of a sub-sector; None for a cluster (top concept)
    nace_codes: tuple[str, ...]  # eco:naceCode values as written, e.g. ("26.6", "32.5")
    label_en: str
    label_nl: str

    @property
    def is_cluster(self) -> bool:
        return self.cluster is None


@dataclass(frozen=True)
class StageInfo:
    """One concept of the value-chain stage scheme."""

    key: str
    order: int
    label_en: str
    label_nl: str


def _parse(name: str) -> Graph:
    graph = Graph()
    graph.parse(ontology_dir() / "schemes" / name, format="turtle", publicID=_PARSE_BASE)
    return graph


def _label(graph: Graph, node: URIRef, lang: str) -> str:
    for value in graph.objects(node, URIRef(SKOS.prefLabel)):
        if isinstance(value, Literal) and value.language == lang:
            return str(value)
    raise ValueError(f"{node} has no skos:prefLabel @{lang}")


def _key(node: URIRef, prefix: str) -> str:
    text = str(node)
    if not text.startswith(prefix):
        raise ValueError(f"{text} is not under {prefix}")
    return text[len(prefix) :]


@lru_cache
def _sectors() -> tuple[SectorInfo, ...]:
    graph = _parse("sectors.ttl")
    out: list[SectorInfo] = []
    for node in graph.subjects(URIRef(SKOS.inScheme), URIRef(_PARSE_BASE + "scheme/sectors")):
        assert isinstance(node, URIRef)
        broader = [b for b in graph.objects(node, URIRef(SKOS.broader)) if isinstance(b, URIRef)]
        codes = sorted(str(c) for c in graph.objects(node, URIRef(ECO.naceCode)))
        out.append(
            SectorInfo(
                key=_key(node, _SECTOR_PREFIX),
                cluster=_key(broader[0], _SECTOR_PREFIX) if broader else None,
                nace_codes=tuple(codes),
                label_en=_label(graph, node, "en"),
                label_nl=_label(graph, node, "nl"),
            )
        )
    # Clusters first, then sub-sectors, each in key order: a stable order for callers.
    return tuple(sorted(out, key=lambda s: (s.cluster is not None, s.cluster or "", s.key)))


def load_sectors() -> list[SectorInfo]:
    """All sectors of ``ontology/schemes/sectors.ttl``: the clusters first, then sub-sectors."""
    return list(_sectors())


def cluster_keys() -> list[str]:
    """Keys of the top concepts (health, high_tech, creativity, other)."""
    return [s.key for s in _sectors() if s.is_cluster]


@lru_cache
def _stages() -> tuple[StageInfo, ...]:
    graph = _parse("stages.ttl")
    out: list[StageInfo] = []
    for node, order in graph.subject_objects(URIRef(ECO.stageOrder)):
        assert isinstance(node, URIRef) and isinstance(order, Literal)
        out.append(
            StageInfo(
                key=_key(node, _STAGE_PREFIX),
                order=int(order.toPython()),
                label_en=_label(graph, node, "en"),
                label_nl=_label(graph, node, "nl"),
            )
        )
    return tuple(sorted(out, key=lambda s: s.order))


def load_stages() -> list[StageInfo]:
    """The value-chain stages in order (research, prototyping, production, market)."""
    return list(_stages())


def _digits(code: str) -> str:
    """A NACE code compared without its dots: "26.60", "2660" and "26.6.0" all give "2660"."""
    digits = code.strip().replace(".", "")
    if not digits.isdigit():
        raise ValueError(f"not a NACE code: {code!r}")
    return digits


def sectors_for_nace(code: str, clusters: set[str]) -> list[str]:
    """Sector keys for an organisation's NACE code, following docs/MODEL.md.

    Candidates are the sub-sectors of the organisation's ``clusters`` having an eco:naceCode that
    is a prefix of ``code`` or of which ``code`` is a prefix (so division "72" meets "72.1").
    The candidates with the longest such eco:naceCode win; several win only on a tie (division
    "71" meets both "71.1" design and "71.2" engineering_rd). Without any candidate the
    capability is on the clusters themselves, so the organisation's clusters are returned.
    An organisation without clusters gets nothing: the rule only narrows a cluster.
    """
    known = set(cluster_keys())
    unknown = set(clusters) - known
    if unknown:
        raise ValueError(f"unknown cluster key(s): {sorted(unknown)}")
    wanted = _digits(code)
    best: list[str] = []
    best_len = -1
    for sector in _sectors():
        if sector.cluster not in clusters:
            continue
        for nace in sector.nace_codes:
            have = _digits(nace)
            if not (wanted.startswith(have) or have.startswith(wanted)):
                continue
            if len(have) > best_len:
                best, best_len = [sector.key], len(have)
            elif len(have) == best_len and sector.key not in best:
                best.append(sector.key)
    if best:
        return sorted(best)
    return sorted(clusters)
