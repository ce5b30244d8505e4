"""Reading the changes graph (``model.history``): the builds, one changeset, a cell's and the region's trajectory.

Every function reads ``<base>/graph/changes`` (and the cube for today's counts) with a few
queries; no per-organisation round trips. Works on any ``GraphStore``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass, field
from typing import Any

from ecograph.model.history import CELL_EVENTS, CHG, FIGURES, changes_graph, changeset_iri, observation_prefix
from ecograph.model.namespaces import ECO, PROV
from ecograph.questions.source import select

KINDS = ("org", "capability", "relation")


def _kind(iri: str, base: str) -> str:
    rest = iri[len(base) + 4:] if iri.startswith(base + "/id/") else ""
    return rest.split("/", 1)[0] if "/" in rest else ""


def _by_kind(iris: list[str], base: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for iri in sorted(set(iris)):
        if _kind(iri, base) in out:
            out[_kind(iri, base)].append(iri)
    return out


@dataclass(frozen=True)
class BuildSummary:
    build: str
    iri: str
    time: str
    counts: dict[str, int]  # link predicate local name (added, removed, cellOpened, …) → how many


def builds(store: Any, base: str) -> list[BuildSummary]:
    """Every recorded build, newest first, with how many things of each sort it changed."""
    graph = changes_graph(base)
    rows = select(store, f"""SELECT ?c ?build ?time ?p (COUNT(?x) AS ?n) WHERE {{ GRAPH <{graph}> {{
        ?c a <{CHG.Changeset}> ; <{CHG.buildId}> ?build ; <{PROV.generatedAtTime}> ?time .
        OPTIONAL {{ ?c ?p ?x FILTER(STRSTARTS(STR(?p), "{ECO.base}")) }} }} }}
        GROUP BY ?c ?build ?time ?p""")
    found: dict[str, BuildSummary] = {}
    for row in rows:
        c = row["c"].value
        summary = found.setdefault(c, BuildSummary(row["build"].value, c, row["time"].value, {}))
        if row["p"] is not None:
            summary.counts[row["p"].value[len(ECO.base):]] = int(row["n"].value)
    return sorted(found.values(), key=lambda b: (b.time, b.build), reverse=True)


@dataclass
class ResourceChange:
    resource: str
    properties: list[str]


@dataclass
class GraphChange:
    graph: str
    triples_added: int = 0
    triples_removed: int = 0
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    changed: list[ResourceChange] = field(default_factory=list)


@dataclass(frozen=True)
class CellChange:
    region: str
    concept: str
    stage: str
    status_before: str
    status_after: str
    count_before: int
    count_after: int


@dataclass(frozen=True)
class Figure:
    name: str
    before: int
    after: int


@dataclass
class Changeset:
    build: str
    iri: str
    time: str
    previous: str
    added: dict[str, list[str]]
    removed: dict[str, list[str]]
    graphs: dict[str, GraphChange]
    cells: dict[str, list[CellChange]]
    figures: list[Figure]

    def as_json(self) -> dict[str, Any]:
        def kinds(name: str) -> dict[str, list[str]]:
            return {"added": self.added[name], "removed": self.removed[name]}

        return {
            "build": self.build, "iri": self.iri, "time": self.time, "previous": self.previous or None,
            "organisations": kinds("org"), "capabilities": kinds("capability"), "relations": kinds("relation"),
            "graphs": {g: {"triplesAdded": c.triples_added, "triplesRemoved": c.triples_removed,
                           "added": c.added, "removed": c.removed,
                           "changed": [{"resource": r.resource, "properties": r.properties} for r in c.changed]}
                       for g, c in self.graphs.items()},
            "cells": {event: [vars(c) for c in cells] for event, cells in self.cells.items()},
            "figures": {f.name: {"before": f.before, "after": f.after} for f in self.figures},
        }


def changeset(store: Any, base: str, build: str) -> Changeset | None:
    """One build's changeset, or None when no build of that name changed anything."""
    graph, c = changes_graph(base), changeset_iri(base, build)
    head = list(select(store, f"""SELECT ?time ?previous WHERE {{ GRAPH <{graph}> {{
        <{c}> a <{CHG.Changeset}> ; <{PROV.generatedAtTime}> ?time .
        OPTIONAL {{ <{c}> <{CHG.previousChangeset}> ?previous }} }} }}"""))
    if not head:
        return None
    links: dict[str, list[str]] = defaultdict(list)
    for row in select(store, f"SELECT ?p ?x WHERE {{ GRAPH <{graph}> {{ <{c}> ?p ?x }} }}"):
        links[row["p"].value].append(row["x"].value)
    graphs: dict[str, GraphChange] = {}
    parts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in select(store, f"""SELECT ?g ?name ?p ?x WHERE {{ GRAPH <{graph}> {{
        <{c}> <{CHG.graphChange}> ?g . ?g <{CHG.changedGraph}> ?name ; ?p ?x }} }}"""):
        change = graphs.setdefault(row["g"].value, GraphChange(row["name"].value))
        p, x = row["p"].value, row["x"].value
        if p == CHG.triplesAdded:
            change.triples_added = int(x)
        elif p == CHG.triplesRemoved:
            change.triples_removed = int(x)
        else:
            parts[row["g"].value][p].append(x)
    changed: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in select(store, f"""SELECT ?g ?r ?res ?prop WHERE {{ GRAPH <{graph}> {{
        <{c}> <{CHG.graphChange}> ?g . ?g <{CHG.changed}> ?r . ?r <{CHG.changedResource}> ?res ;
        <{CHG.changedProperty}> ?prop }} }}"""):
        changed[row["g"].value][row["res"].value].append(row["prop"].value)
    for g, change in graphs.items():
        change.added = _by_kind(parts[g][CHG.added], base)
        change.removed = _by_kind(parts[g][CHG.removed], base)
        change.changed = [ResourceChange(r, sorted(ps)) for r, ps in sorted(changed[g].items())]
    return Changeset(
        build, c, head[0]["time"].value, head[0]["previous"].value if head[0]["previous"] else "",
        _by_kind(links[CHG.added], base), _by_kind(links[CHG.removed], base),
        {change.graph: change for _g, change in sorted(graphs.items())},
        _cells(store, graph, c), _figures(store, graph, c))


def _cells(store: Any, graph: str, c: str) -> dict[str, list[CellChange]]:
    out: dict[str, list[CellChange]] = {event: [] for event in CELL_EVENTS}
    for row in select(store, f"""SELECT ?p ?region ?concept ?stage ?s0 ?s1 ?n0 ?n1 WHERE {{ GRAPH <{graph}> {{
        <{c}> ?p ?x . ?x a <{CHG.CellChange}> ; <{CHG.cellRegion}> ?region ; <{CHG.cellConcept}> ?concept ;
        <{CHG.cellStage}> ?stage ; <{CHG.statusBefore}> ?s0 ; <{CHG.statusAfter}> ?s1 ;
        <{CHG.countBefore}> ?n0 ; <{CHG.countAfter}> ?n1 }} }} ORDER BY ?concept ?stage"""):
        event = row["p"].value[len(ECO.base):]
        if event in out:
            out[event].append(CellChange(row["region"].value, row["concept"].value, row["stage"].value,
                                         row["s0"].value, row["s1"].value, int(row["n0"].value),
                                         int(row["n1"].value)))
    return out


def _figures(store: Any, graph: str, c: str) -> list[Figure]:
    found = {row["name"].value: Figure(row["name"].value, int(row["n0"].value), int(row["n1"].value))
             for row in select(store, f"""SELECT ?name ?n0 ?n1 WHERE {{ GRAPH <{graph}> {{
        <{c}> <{CHG.figure}> ?f . ?f <{CHG.figureName}> ?name ; <{CHG.countBefore}> ?n0 ; <{CHG.countAfter}> ?n1
        }} }}""")}
    return [found[name] for name in FIGURES if name in found]


# --- trajectories --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    build: str  # "" for the state before the first recorded build
    time: str
    count: int


def figure_history(store: Any, base: str) -> list[tuple[str, str, dict[str, int]]]:
    """The headline figures per build, oldest first: (build, time, figures); the first point is the
    state before the oldest recorded build (build and time empty)."""
    rows = list(select(store, f"""SELECT ?build ?time ?name ?n0 ?n1 WHERE {{ GRAPH <{changes_graph(base)}> {{
        ?c a <{CHG.Changeset}> ; <{CHG.buildId}> ?build ; <{PROV.generatedAtTime}> ?time ; <{CHG.figure}> ?f .
        ?f <{CHG.figureName}> ?name ; <{CHG.countBefore}> ?n0 ; <{CHG.countAfter}> ?n1 }} }}"""))
    by_build: dict[tuple[str, str], dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in rows:
        by_build[(row["time"].value, row["build"].value)][row["name"].value] = (int(row["n0"].value),
                                                                                int(row["n1"].value))
    ordered = sorted(by_build.items())
    if not ordered:
        return []
    out = [("", "", {name: v[0] for name, v in ordered[0][1].items()})]
    out += [(build, time, {name: v[1] for name, v in values.items()}) for (time, build), values in ordered]
    return out


def cell_history(store: Any, base: str, kind: str, keys: str, members: Set[str]) -> list[Point]:
    """The count of a cube cell (``kind``: ``sector-stage`` …; ``keys``: ``medtech.production``) summed
    over the municipalities ``members``, per recorded build, oldest first (the first point is the
    state before the oldest build). Today's count from the cube, earlier ones by undoing each
    build's changes."""
    prefix = observation_prefix(base, kind) + keys + "."
    now = 0
    for row in select(store, f"""SELECT ?obs ?n WHERE {{ GRAPH <{base}/graph/cube> {{
        ?obs <{ECO.organisationCount}> ?n FILTER(STRSTARTS(STR(?obs), "{prefix}")) }} }}"""):
        if row["obs"].value[len(prefix):] in members:
            now += int(row["n"].value)
    delta: dict[tuple[str, str], int] = defaultdict(int)
    for b in builds(store, base):
        delta[(b.time, b.build)] = 0
    for row in select(store, f"""SELECT ?build ?time ?obs ?n0 ?n1 WHERE {{ GRAPH <{changes_graph(base)}> {{
        ?c <{CHG.buildId}> ?build ; <{PROV.generatedAtTime}> ?time ; <{CHG.countChange}> ?x .
        ?x <{CHG.cubeObservation}> ?obs ; <{CHG.countBefore}> ?n0 ; <{CHG.countAfter}> ?n1
        FILTER(STRSTARTS(STR(?obs), "{prefix}")) }} }}"""):
        if row["obs"].value[len(prefix):] in members:
            delta[(row["time"].value, row["build"].value)] += int(row["n1"].value) - int(row["n0"].value)
    if not delta:
        return []
    points: list[Point] = []
    count = now
    for (time, build), d in sorted(delta.items(), reverse=True):
        points.append(Point(build, time, count))
        count -= d
    points.append(Point("", "", count))
    return points[::-1]
