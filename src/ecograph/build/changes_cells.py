"""The cube's side of a changeset: the counts that moved and what happened to the tracked region's cells.

The cube (``build/cube``) stores ``eco:organisationCount`` per municipality; a dashboard cell of a
region is their sum, with the unknown counts beside it, read with the one rule of
``model.gaps.cell_status``. Comparing two builds is comparing two maps observation → count, read
straight from the cube's N-Triples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ecograph.model import nt
from ecograph.model.gaps import GAP, KNOWN, SINGLE, UNKNOWN, cell_status
from ecograph.model.history import CHG, TRACKED_KINDS, TRACKED_REGION, changeset_iri, observation_prefix
from ecograph.model.namespaces import ECO, RDF, sparql_prefixes

Cells = dict[str, int]  # "<kind>/<keys>" (the observation IRI after /id/observation/) → count


def read_cells(data: bytes, base: str) -> Cells:
    """The tracked counts of a cube graph given as N-Triples."""
    predicate = f" <{ECO.organisationCount}> ".encode()
    start = f"<{base}/id/observation/".encode()
    kinds = tuple(f"{start.decode()}{k}/".encode() for k in TRACKED_KINDS)
    out: Cells = {}
    for line in data.splitlines():
        if line.startswith(kinds) and predicate in line:
            subject, rest = line.split(predicate, 1)
            out[subject[len(start):-1].decode("utf-8")] = int(rest.split(b'"', 2)[1])
    return out


@dataclass(frozen=True)
class Region:
    """What the status of the tracked region's cells needs: its municipalities and the schemes."""

    base: str
    iri: str
    members: frozenset[str]  # NIS codes
    sectors: tuple[str, ...]  # keys
    megatrends: tuple[str, ...]
    stages: tuple[str, ...]
    not_applicable: frozenset[tuple[str, str]]  # (sector key, stage key)

    def rows(self) -> list[tuple[str, str]]:
        """(kind, concept key) of every dashboard row."""
        return [("sector", s) for s in self.sectors] + [("megatrend", m) for m in self.megatrends]

    def counts(self, cells: Cells) -> dict[tuple[str, str, str], tuple[int, int]]:
        """(kind, concept, stage) → (known, unknown) summed over the region."""
        known: dict[tuple[str, str, str], int] = defaultdict(int)
        stage_unknown: dict[tuple[str, str], int] = defaultdict(int)
        unplaced: dict[tuple[str, str], int] = defaultdict(int)
        unclassified = 0
        kinds = {"sector-stage": "sector", "megatrend-stage": "megatrend"}
        for cell, n in cells.items():
            kind, keys = cell.split("/", 1)
            parts = keys.split(".")
            if kind in kinds and parts[-1] in self.members:
                known[(kinds[kind], parts[0], parts[1])] += n
            elif kind in ("stage-unknown", "megatrend-stage-unknown") and parts[-1] in self.members:
                stage_unknown[("sector" if kind == "stage-unknown" else "megatrend", parts[0])] += n
            elif kind in ("unplaced", "megatrend-unplaced"):
                unplaced[("sector" if kind == "unplaced" else "megatrend", parts[0])] += n
            elif kind == "unclassified" and parts[0] in self.members:
                unclassified += n
        return {(kind, concept, stage): (known.get((kind, concept, stage), 0),
                                         stage_unknown.get((kind, concept), 0) + unplaced.get((kind, concept), 0)
                                         + unclassified)
                for kind, concept in self.rows() for stage in self.stages}

    def statuses(self, cells: Cells) -> dict[tuple[str, str, str], tuple[str, int]]:
        return {cell: (cell_status(k, u, cell[0] != "sector" or (cell[1], cell[2]) not in self.not_applicable), k)
                for cell, (k, u) in self.counts(cells).items()}

    def figures(self, before: Cells, after: Cells) -> dict[str, tuple[int, int]]:
        """The sector cells of the region by status, before and after."""
        out: dict[str, tuple[int, int]] = {}
        old = [s for (kind, _c, _s), (s, _n) in self.statuses(before).items() if kind == "sector"]
        new = [s for (kind, _c, _s), (s, _n) in self.statuses(after).items() if kind == "sector"]
        for status in (KNOWN, SINGLE, UNKNOWN, GAP):
            out[f"cells-{status}"] = (old.count(status), new.count(status))
        return out


def region_context(store: ox.Store, base: str, region: str = TRACKED_REGION) -> Region:
    """Read the region's municipalities and the schemes from the staged graphs (a few small queries)."""
    iri = f"{base}/id/region/{region}"

    def keys(query: str, *names: str) -> list[tuple[str, ...]]:
        rows = store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
        return sorted({tuple(r[n].value.rsplit("/", 1)[-1] for n in names) for r in rows})

    members = keys(f"SELECT ?m WHERE {{ <{iri}> eco:hasMunicipality ?m }}", "m")
    sectors = keys(f"SELECT ?s WHERE {{ ?s skos:inScheme <{base}/id/scheme/sectors> }}", "s")
    megatrends = keys(f"SELECT ?s WHERE {{ ?s skos:inScheme <{base}/id/scheme/megatrends> }}", "s")
    stages = store.query(sparql_prefixes() + f"SELECT ?s ?o WHERE {{ ?s skos:inScheme <{base}/id/scheme/stages> "
                         "OPTIONAL { ?s eco:stageOrder ?o } }", use_default_graph_as_union=True)
    ordered = sorted({(int(r["o"].value) if r["o"] else 99, r["s"].value.rsplit("/", 1)[-1]) for r in stages})
    na = keys("SELECT ?s ?t WHERE { ?s eco:stageNotApplicable ?t }", "s", "t")
    return Region(base, iri, frozenset(m for (m,) in members), tuple(s for (s,) in sectors),
                  tuple(m for (m,) in megatrends), tuple(dict.fromkeys(s for _o, s in ordered)),
                  frozenset((s, t) for s, t in na))


def _events(old: tuple[str, int], new: tuple[str, int]) -> list[str]:
    """What happened to one cell: (status, known) before and after."""
    (s0, k0), (s1, k1) = old, new
    out = []
    if k0 > 0 and k1 == 0:
        out.append("cellOpened")
    if k0 == 0 and k1 > 0:
        out.append("cellClosed")
    if k1 == 1 and k0 != 1:
        out.append("cellBecameSingle")
    if s0 == GAP and s1 == UNKNOWN:
        out.append("cellBecameUnknown")
    if s0 == UNKNOWN and s1 == GAP:
        out.append("cellBecameConfirmedGap")
    return out


def cell_events(base: str, build: str, c: str, before: Cells, after: Cells, region: Region) -> list[nt.Triple]:
    """The counts that moved (per municipality) and the events of the region's cells, as triples."""
    a = nt.iri(RDF.type)
    root = changeset_iri(base, build)
    out: list[nt.Triple] = []
    for cell in sorted(before.keys() | after.keys()):
        old, new = before.get(cell, 0), after.get(cell, 0)
        if old == new:
            continue
        x = nt.iri(f"{root}/count/{cell}")
        kind, keys = cell.split("/", 1)
        out += [(c, nt.iri(CHG.countChange), x), (x, a, nt.iri(CHG.CountChange)),
                (x, nt.iri(CHG.cubeObservation), nt.iri(observation_prefix(base, kind) + keys)),
                (x, nt.iri(CHG.countBefore), nt.lit(old)), (x, nt.iri(CHG.countAfter), nt.lit(new))]
    old_status, new_status = region.statuses(before), region.statuses(after)
    region_key = region.iri.rsplit("/", 1)[-1]
    for cell in sorted(new_status):
        events = _events(old_status[cell], new_status[cell])
        if not events:
            continue
        kind, concept, stage = cell
        x = nt.iri(f"{root}/cell/{region_key}/{kind}.{concept}.{stage}")
        out += [(c, nt.iri(CHG[e]), x) for e in events]
        out += [(x, a, nt.iri(CHG.CellChange)), (x, nt.iri(CHG.cellRegion), nt.iri(region.iri)),
                (x, nt.iri(CHG.cellConcept), nt.iri(f"{base}/id/{kind}/{concept}")),
                (x, nt.iri(CHG.cellStage), nt.iri(f"{base}/id/stage/{stage}")),
                (x, nt.iri(CHG.statusBefore), nt.lit(old_status[cell][0])),
                (x, nt.iri(CHG.statusAfter), nt.lit(new_status[cell][0])),
                (x, nt.iri(CHG.countBefore), nt.lit(old_status[cell][1])),
                (x, nt.iri(CHG.countAfter), nt.lit(new_status[cell][1]))]
    return out
