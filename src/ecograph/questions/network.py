"""Graph data for the network view: organisations as nodes, their relations as edges.

The network is read from the store once per generation, capped to the best-connected
organisations, and laid out here, in Python, so the browser only draws it: a force layout of
2,000 nodes in the browser takes seconds and moves under the user's hands, a precomputed one is
drawn at once and stays put. The layout is a Fruchterman–Reingold variant whose repulsion only
looks at nodes in neighbouring grid cells (linear per step instead of quadratic), seeded
deterministically so the same graph always gets the same picture.

Everything this module returns is plain data meant for JSON. Labels are never HTML: the page
draws them with ``textContent`` and on the canvas, and node ids are the organisations' keys
(the last path segment of their IRI), which the page only ever uses as data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecograph.model.namespaces import ECO, ORG
from ecograph.questions.organisations import OTHER, Organisation, load_organisations, local
from ecograph.questions.source import select

#: Relation predicates drawn as edges, with their curated key; inverses are not drawn twice.
RELATIONS: dict[str, str] = {
    ECO.spinOffOf: "spin_off_of",
    ORG.memberOf: "member_of",
    ECO.partnerOf: "partner_of",
    ORG.subOrganizationOf: "part_of",
    ECO.acquiredBy: "acquired_by",
    ECO.fundedBy: "funded_by",
    ECO.collaboratesWith: "collaborates_with",
    ECO.locatedInPark: "located_in_park",
}
SYMMETRIC = {"partner_of", "collaborates_with"}
CLUSTERS = ("health", "high_tech", "creativity", "other")
STAGES = ("research", "prototyping", "production", "market")
DEFAULT_CAP = 2000

_EDGES = """
SELECT DISTINCT ?a ?p ?b WHERE {{
  VALUES ?p {{ {} }}
  ?a ?p ?b .
}}
""".format(" ".join(f"<{p}>" for p in RELATIONS))
_CLUSTER_OF = f"""
SELECT ?sector ?cluster WHERE {{
  ?sector <http://www.w3.org/2004/02/skos/core#broader>* ?cluster .
  ?sector a <{ECO.Sector}> .
  FILTER NOT EXISTS {{ ?cluster <http://www.w3.org/2004/02/skos/core#broader> ?above }}
}}
"""


@dataclass
class Node:
    key: str
    label: str
    kind: str = OTHER
    clusters: set[str] = field(default_factory=set)
    stages: set[str] = field(default_factory=set)
    degree: int = 0

    @property
    def cluster(self) -> str:
        """The cluster used for colour: the first of CLUSTERS the organisation is in, or ''."""
        return next((c for c in CLUSTERS if c in self.clusters), "")


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: str


@dataclass
class Graph:
    nodes: dict[str, Node]
    edges: list[Edge]

    def adjacency(self) -> dict[str, set[str]]:
        adj: dict[str, set[str]] = defaultdict(set)
        for e in self.edges:
            adj[e.source].add(e.target)
            adj[e.target].add(e.source)
        return adj


def load_graph(store: Any, orgs: Mapping[str, Organisation] | None = None) -> Graph:
    """Every organisation and the relations between organisations, from the store (``orgs``: what
    :func:`~ecograph.questions.organisations.load_organisations` gave already for the same store)."""
    cluster_of: dict[str, str] = {}
    for row in select(store, _CLUSTER_OF):
        cluster_of[row["sector"].value] = local(row["cluster"].value)
    nodes: dict[str, Node] = {}
    for org in (orgs if orgs is not None else load_organisations(store)).values():
        key = org.key
        nodes[key] = Node(key=key, label=org.name or key, kind=org.kind,
                          clusters={cluster_of[s] for s in org.active if s in cluster_of},
                          stages={local(s) for s in org.stages})
    edges: set[Edge] = set()
    for row in select(store, _EDGES):
        a, b = local(row["a"].value), local(row["b"].value)
        if a == b or a not in nodes or b not in nodes:
            continue
        relation = RELATIONS[row["p"].value]
        if relation in SYMMETRIC and b < a:
            a, b = b, a
        edges.add(Edge(a, b, relation))
    graph = Graph(nodes, sorted(edges, key=lambda e: (e.source, e.target, e.relation)))
    for e in graph.edges:
        nodes[e.source].degree += 1
        nodes[e.target].degree += 1
    return graph


def cap_graph(graph: Graph, limit: int = DEFAULT_CAP) -> tuple[Graph, bool]:
    """The ``limit`` best-connected organisations and the edges among them; True when cut."""
    if len(graph.nodes) <= limit:
        return graph, False
    keep = sorted(graph.nodes.values(), key=lambda n: (-n.degree, n.key))[:limit]
    keys = {n.key for n in keep}
    return Graph({n.key: n for n in keep},
                 [e for e in graph.edges if e.source in keys and e.target in keys]), True


def layout(graph: Graph, iterations: int = 45, seed_radius: float = 1000.0) -> dict[str, tuple[float, float]]:
    """Positions for every node; deterministic for a given graph.

    Connected nodes attract, all nodes repel their neighbours on a grid, a weak gravity keeps
    the components together; the step shrinks each iteration so the picture settles.
    """
    keys = sorted(graph.nodes, key=lambda k: (-graph.nodes[k].degree, k))
    n = len(keys)
    if n == 0:
        return {}
    index = {k: i for i, k in enumerate(keys)}
    # seed on a golden-angle spiral: well spread, no randomness
    golden = math.pi * (3 - math.sqrt(5))
    xs = [seed_radius * math.sqrt((i + 0.5) / n) * math.cos(i * golden) for i in range(n)]
    ys = [seed_radius * math.sqrt((i + 0.5) / n) * math.sin(i * golden) for i in range(n)]
    pairs = [(index[e.source], index[e.target]) for e in graph.edges]
    area = math.pi * seed_radius * seed_radius
    k = math.sqrt(area / n)
    k2 = k * k
    cutoff2 = 2.25 * k2
    cell = 1.5 * k
    temperature = seed_radius / 10
    cooling = temperature / (iterations + 1)
    gravity = k / seed_radius
    for _ in range(iterations):
        dx = [0.0] * n
        dy = [0.0] * n
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i in range(n):
            grid[(int(xs[i] // cell), int(ys[i] // cell))].append(i)
        for (cx, cy), members in grid.items():
            near: list[int] = []
            for ox_ in (-1, 0, 1):
                for oy in (-1, 0, 1):
                    near.extend(grid.get((cx + ox_, cy + oy), ()))
            for i in members:
                xi, yi = xs[i], ys[i]
                fx = fy = 0.0
                for j in near:
                    if j == i:
                        continue
                    ddx = xi - xs[j]
                    ddy = yi - ys[j]
                    d2 = ddx * ddx + ddy * ddy
                    if d2 < 1e-6:
                        ddx, ddy, d2 = 0.1 * ((i % 7) - 3 or 1), 0.1, 0.02
                    if d2 < cutoff2:
                        f = k2 / d2
                        fx += ddx * f
                        fy += ddy * f
                dx[i] += fx
                dy[i] += fy
        for i, j in pairs:
            ddx = xs[i] - xs[j]
            ddy = ys[i] - ys[j]
            d = math.sqrt(ddx * ddx + ddy * ddy) or 0.01
            f = d / k
            dx[i] -= ddx * f
            dy[i] -= ddy * f
            dx[j] += ddx * f
            dy[j] += ddy * f
        for i in range(n):
            # gravity towards the centre, stronger far out
            dx[i] -= xs[i] * gravity
            dy[i] -= ys[i] * gravity
            d = math.sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if d > 0:
                step = min(d, temperature)
                xs[i] += dx[i] / d * step
                ys[i] += dy[i] / d * step
        temperature = max(temperature - cooling, 1.0)
    return {key: (round(xs[i], 1), round(ys[i], 1)) for key, i in index.items()}


def to_json(graph: Graph, positions: dict[str, tuple[float, float]], *, total: int | None = None,
            hidden: dict[str, int] | None = None) -> dict[str, Any]:
    """The JSON the network page draws: nodes with position, kind, cluster, stages; edges."""
    hidden = hidden or {}
    nodes = []
    for key, node in graph.nodes.items():
        x, y = positions.get(key, (0.0, 0.0))
        nodes.append({
            "id": key, "label": node.label, "kind": node.kind, "cluster": node.cluster,
            "clusters": sorted(node.clusters), "stages": sorted(node.stages, key=_stage_rank),
            "degree": node.degree, "x": x, "y": y, "more": hidden.get(key, 0),
        })
    edges = [{"from": e.source, "to": e.target, "relation": e.relation} for e in graph.edges]
    return {"nodes": nodes, "edges": edges, "total": total if total is not None else len(nodes)}


def _stage_rank(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


def hidden_neighbours(full: Graph, shown: Graph) -> dict[str, int]:
    """For each shown node, how many of its neighbours are left out by the cap."""
    adj = full.adjacency()
    return {k: len(adj.get(k, set()) - shown.nodes.keys()) for k in shown.nodes
            if adj.get(k, set()) - shown.nodes.keys()}


def neighbourhood(full: Graph, key: str, positions: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """The node ``key`` with its direct neighbours and their edges, positioned around it.

    Neighbours that have a position (they are in the drawn set) keep it; the others are put on
    a ring around the node, so an expansion never moves what is already on screen.
    """
    if key not in full.nodes:
        return {"nodes": [], "edges": [], "total": 0}
    adj = full.adjacency()
    around = sorted(adj.get(key, set()))
    keys = {key, *around}
    cx, cy = positions.get(key, (0.0, 0.0))
    pos = dict(positions)
    missing = [k for k in around if k not in pos]
    for i, k in enumerate(missing):
        angle = 2 * math.pi * i / max(1, len(missing))
        radius = 80 + 6 * len(missing)
        pos[k] = (round(cx + radius * math.cos(angle), 1), round(cy + radius * math.sin(angle), 1))
    sub = Graph({k: full.nodes[k] for k in keys},
                [e for e in full.edges if e.source in keys and e.target in keys and key in (e.source, e.target)])
    return to_json(sub, pos, total=len(full.nodes))


def network(store: Any, limit: int = DEFAULT_CAP, orgs: Mapping[str, Organisation] | None = None,
            ) -> tuple[Graph, Graph, dict[str, tuple[float, float]]]:
    """(full graph, drawn graph, positions of the drawn graph): what a generation needs once."""
    full = load_graph(store, orgs)
    shown, _ = cap_graph(full, limit)
    return full, shown, layout(shown)
