"""When is an empty cell a gap? The one rule for known, unknown and not-applicable cells.

A cell is a concept (a sector, or a megatrend) × a value-chain stage × a region. The graph knows:

* **known** — organisations of the region with a capability at that stage in the concept (a
  capability in a narrower sector counts for the broader one; for a megatrend, in a sector that
  answers it or a narrower one);
* **stage unknown** — organisations of the region active in the concept (``eco:activeIn``, or a
  capability at another stage of another sector) that have *no* capability in it at any stage:
  they may well be at this stage, the data does not say;
* **unplaced** — organisations active in the concept that have no place at all, so no region can
  count them (an organisation known to be abroad has a place: it is in no region of ours);
* **unclassified** — organisations of the region with no sector at all (any cell may hide them;
  counted per region, not per cell);
* **not applicable** — the sector scheme says the stage does not exist for the sector
  (``eco:stageNotApplicable``; public administration has no production).

:func:`cell_status` turns the counts into what a reader should conclude. The build counts with
these functions into the cube (``ecograph.build.cube.materialise``) and the dashboard lists the organisations
behind a cell with them, so the rule exists once; the saved questions read the cube's counts and
say the same in SPARQL (``queries/value-chain-coverage.rq``), which a test holds to this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

KNOWN = "known"
SINGLE = "single"
UNKNOWN = "unknown"
NOT_APPLICABLE = "not-applicable"
GAP = "gap"


def cell_status(known: int, unknown: int, applicable: bool = True) -> str:
    """What a cell says: organisations found (one or more), not applicable, unknown, or a confirmed gap.

    ``unknown`` is the number of organisations that could be behind the cell for all the data
    says: stage unknown in the region, unplaced in the concept, and the region's organisations in
    no sector. Only with none of them is an empty cell a confirmed gap. A cell with organisations
    is shown as found even where the scheme says the stage does not apply (the data wins)."""
    if known > 1:
        return KNOWN
    if known == 1:
        return SINGLE
    if not applicable:
        return NOT_APPLICABLE
    if unknown > 0:
        return UNKNOWN
    return GAP


@dataclass(frozen=True)
class OrgSectors:
    """What the rule needs to know of one organisation."""

    iri: str
    municipality: str | None
    active: frozenset[str]  # every sector it is in: eco:activeIn and the sectors of its capabilities
    known: frozenset[str]  # the sectors of its capabilities (a stage is known there)
    abroad: bool = False  # located outside Belgium (a country, no municipality): placed, in no region of ours


def broader_or_self(sector: str, ups: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The sectors a capability in ``sector`` counts for: the sector and every broader one, at any depth
    (``ups`` from :func:`closure`). The one place of the rule; the cube, the dashboard and the
    viewer's snapshot all count with it."""
    return ups.get(sector, frozenset((sector,)))


def concepts_of(sectors: Iterable[str], ups: Mapping[str, frozenset[str]],
                answered: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The concepts that sectors count for: each sector and every broader one, and each megatrend
    answered by one of those (``answered``: megatrend → the sectors that answer it)."""
    reached: set[str] = set()
    for sector in sectors:
        reached |= broader_or_self(sector, ups)
    return frozenset(reached | {m for m, answering in answered.items() if answering & reached})


def concepts_in(org: OrgSectors, ups: Mapping[str, frozenset[str]],
                answered: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The sector and megatrend concepts the organisation is in."""
    return concepts_of(org.active, ups, answered)


def stage_unknown_in(org: OrgSectors, ups: Mapping[str, frozenset[str]],
                     answered: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The concepts the organisation is in without a capability at any stage: its stage there is unknown."""
    return concepts_of(org.active, ups, answered) - concepts_of(org.known, ups, answered)


def unplaced_in(org: OrgSectors, ups: Mapping[str, frozenset[str]],
                answered: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The concepts of an organisation that is located nowhere (no region can count it)."""
    return frozenset() if org.municipality or org.abroad else concepts_of(org.active, ups, answered)


def unclassified(org: OrgSectors) -> bool:
    """In no sector at all."""
    return not org.active


def closure(parent: Mapping[str, str], sectors: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each sector with itself and every broader sector (``skos:broader*``)."""
    out: dict[str, frozenset[str]] = {}
    for sector in sectors:
        chain = [sector]
        while chain[-1] in parent and parent[chain[-1]] not in chain:
            chain.append(parent[chain[-1]])
        out[sector] = frozenset(chain)
    return out
