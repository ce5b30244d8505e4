"""What changed at a build: the changeset against the published version, kept in ``<base>/graph/changes``.

Called by the build loop once the new graphs and the cube are staged and the published ones are
still readable (``Publisher.previous``), so it works the same on both backends. It compares

* each staged source graph with its published version, as sets of N-Triples lines (both sides
  serialised by Oxigraph; a server's serialisation is normalised first): triples added and
  removed, and by subject the organisations, capabilities and relations added or removed and
  the organisations changed (with the properties whose values changed);
* the cube's counts (``eco:organisationCount`` per observation, the dashboard's kinds only):
  every count that moved, and the cells of the tracked region that opened, closed, became
  single-organisation or moved between unknown and a confirmed gap (``changes_cells``).

A build that changes nothing records nothing, so rebuilding unchanged input still gives an
identical graph. Otherwise one ``eco:Changeset`` (and its build, a ``prov:Activity``) is added to
the changes graph, which is carried from generation to generation and so keeps every past build;
the meta graph describes the changes graph and the build that last changed it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyoxigraph as ox

from ecograph.build.changes_cells import Cells, Region, cell_events, read_cells, region_context
from ecograph.build.report import Progress
from ecograph.model import nt
from ecograph.model.history import CHG, PROV_GENERATED, build_iri, changes_graph, changeset_iri
from ecograph.model.namespaces import DCTERMS, ECO, PROV, RDF, RDFS, VOID, XSD
from ecograph.settings import Settings
from ecograph.store.publishers.base import Publisher

_NT = ox.RdfFormat.N_TRIPLES
TRACKED = ("org", "capability", "relation")  # the kinds of subjects whose additions and removals are listed


@dataclass
class GraphDiff:
    """One source graph: its changed triples and, by kind, the subjects before and after."""

    graph: str
    added: set[bytes]
    removed: set[bytes]
    before: dict[str, set[bytes]]  # kind → subjects (as ``<iri>``)
    after: dict[str, set[bytes]]
    startups: tuple[int, int] = (0, 0)
    spinoffs: tuple[set[bytes], set[bytes]] = field(default_factory=lambda: (set(), set()))


def record_changes(publisher: Publisher, settings: Settings, graphs: Iterable[str], progress: Progress = print,
                   *, now: datetime | None = None) -> list[str]:
    """Stage the changes graph (and its record in the meta graph); returns ``[changes graph]``, or ``[]``
    when there is none yet (no build changed anything since the first one)."""
    t0 = time.perf_counter()
    base = settings.base
    stage = publisher.stage
    target = changes_graph(base)
    previous = publisher.previous(target)
    sources = [g for g in graphs if g not in (settings.graph("ontology"), target)]
    cube = settings.graph("cube")
    old_cube = publisher.previous(cube)
    # the very first build has nothing to compare with: no graph is read back
    diffs = [_diff(publisher, base, g) for g in sources] if old_cube is not None else []
    before = read_cells(_normalised(old_cube.data) if old_cube else b"", base)
    counts = stage.quads_for_pattern(None, ox.NamedNode(ECO.organisationCount), None, ox.NamedNode(cube))
    after = read_cells(ox.serialize([q.triple for q in counts], format=_NT), base)  # the counts only
    changed = any(d.added or d.removed for d in diffs) or before != after
    node = ox.NamedNode(target)
    stage.remove_graph(node)
    if previous is not None:
        stage.bulk_load(previous.data, format=_NT, to_graph=node)
    if not changed or old_cube is None:
        # nothing changed, or the very first build (nothing to compare with): carry the history as it is
        record = previous.provenance.decode("utf-8") if previous is not None else ""
        _publish(publisher, settings, record)
        progress(f"[changes] nothing changed ({time.perf_counter() - t0:.1f} s)")
        return [target] if previous is not None else []
    when = (now or datetime.now(UTC)).isoformat(timespec="seconds").replace("+00:00", "Z")
    build = publisher.build_id
    context = region_context(stage, base)
    triples = _changeset(base, build, when, diffs, before, after, context, _last_changeset(stage, node))
    stage.bulk_load(nt.serialize(triples), format=_NT, to_graph=node)
    size = sum(1 for _ in stage.quads_for_pattern(None, None, None, node))
    record = nt.serialize(_record(base, target, build, when, size))
    _publish(publisher, settings, record)
    progress(f"[changes] changeset {build}: {len(triples):,} triples ({time.perf_counter() - t0:.1f} s)")
    return [target]


def _publish(publisher: Publisher, settings: Settings, record: str) -> None:
    """Put the record into the staged meta graph (what the embedded store publishes) and hand the
    graph to the publisher (what a server needs; nothing to do on disk)."""
    meta = ox.NamedNode(settings.graph("meta"))
    target = changes_graph(settings.base)
    for quad in list(publisher.stage.quads_for_pattern(ox.NamedNode(target), None, None, meta)):
        publisher.stage.remove(quad)
    if not record:
        return
    publisher.stage.bulk_load(record.encode("utf-8"), format=_NT, to_graph=meta)
    publisher.publish("changes", target, record)


def _record(base: str, target: str, build: str, when: str, size: int) -> list[nt.Triple]:
    g, activity, changeset = nt.iri(target), nt.iri(build_iri(base, build)), nt.iri(changeset_iri(base, build))
    return [
        (g, nt.iri(RDF.type), nt.iri(PROV.Entity)),
        (g, nt.iri(RDF.type), nt.iri(VOID.Dataset)),
        (g, nt.iri(DCTERMS.title), nt.lit("What changed at each build", lang="en")),
        (g, nt.iri(PROV.wasGeneratedBy), activity),
        (g, nt.iri(VOID.triples), nt.lit(size)),
        (activity, nt.iri(RDF.type), nt.iri(PROV.Activity)),
        (activity, nt.iri(PROV.endedAtTime), nt.lit(when, datatype=XSD.dateTime)),
        (activity, nt.iri(PROV_GENERATED), changeset),
    ]


def _last_changeset(stage: ox.Store, history: ox.NamedNode) -> str | None:
    """The newest changeset of the carried history (the highest time), if any: read in the stage,
    where the history was just loaded."""
    rows = list(stage.query(f"SELECT ?c WHERE {{ GRAPH {history} {{ ?c a <{CHG.Changeset}> ;"
                            f" <{PROV.generatedAtTime}> ?t }} }} ORDER BY DESC(?t) LIMIT 1"))
    return rows[0]["c"].value if rows else None


# --- the source graphs ---------------------------------------------------------------------------


def _normalised(data: bytes) -> bytes:
    """``data`` as Oxigraph writes N-Triples (a server may escape or space differently); when a
    sample of its lines already reads back identically, as is, without the cost of a round trip."""
    sample = b"\n".join(data.split(b"\n", 200)[:200])
    if not sample.strip():
        return data
    again = ox.serialize(ox.parse(sample + b"\n", format=_NT), format=_NT)
    if set(again.splitlines()) == {line for line in sample.splitlines() if line.strip()}:
        return data
    return ox.serialize(ox.parse(data, format=_NT), format=_NT)


def _subjects(lines: Iterable[bytes], prefixes: dict[str, bytes]) -> dict[str, set[bytes]]:
    """The distinct subjects by kind (the split runs in C; only distinct subjects are classified)."""
    out: dict[str, set[bytes]] = {kind: set() for kind in prefixes}
    for subject in {line.split(b" ", 1)[0] for line in lines}:
        for kind, prefix in prefixes.items():
            if subject.startswith(prefix):
                out[kind].add(subject)
                break
    return out


def _diff(publisher: Publisher, base: str, graph: str) -> GraphDiff:
    new = publisher.stage.dump(format=_NT, from_graph=ox.NamedNode(graph))
    prev = publisher.previous(graph)
    old = _normalised(prev.data) if prev is not None else b""
    old_lines = set(old.splitlines()) - {b""}
    new_lines = set(new.splitlines()) - {b""}
    prefixes = {kind: f"<{base}/id/{kind}/".encode() for kind in TRACKED}
    startup = f" <{RDF.type}> <{ECO.StartUp}> .".encode()
    spin = f"> <{ECO.spinOffOf}> <".encode()
    return GraphDiff(
        graph, new_lines - old_lines, old_lines - new_lines,
        _subjects(old_lines, prefixes), _subjects(new_lines, prefixes),
        (sum(1 for x in old_lines if x.endswith(startup)), sum(1 for x in new_lines if x.endswith(startup))),
        ({x for x in old_lines if spin in x}, {x for x in new_lines if spin in x}))


# --- the changeset -------------------------------------------------------------------------------


def _iri_of(subject: bytes) -> str:
    return nt.iri(subject[1:-1].decode("utf-8"))


def _predicates(lines: Iterable[bytes]) -> dict[bytes, set[bytes]]:
    out: dict[bytes, set[bytes]] = defaultdict(set)
    for line in lines:
        subject, predicate, _rest = line.split(b" ", 2)
        out[subject].add(predicate)
    return out


def _changeset(base: str, build: str, when: str, diffs: list[GraphDiff], before: Cells, after: Cells,
               context: Region, last: str | None) -> list[nt.Triple]:
    c = nt.iri(changeset_iri(base, build))
    activity = nt.iri(build_iri(base, build))
    a = nt.iri(RDF.type)
    out: list[nt.Triple] = [
        (c, a, nt.iri(CHG.Changeset)), (c, a, nt.iri(PROV.Entity)),
        (c, nt.iri(RDFS.label), nt.lit(f"Changes at build {build}", lang="en")),
        (c, nt.iri(CHG.buildId), nt.lit(build)),
        (c, nt.iri(PROV.generatedAtTime), nt.lit(when, datatype=XSD.dateTime)),
        (c, nt.iri(PROV.wasGeneratedBy), activity),
        (activity, a, nt.iri(PROV.Activity)),
        (activity, nt.iri(PROV.endedAtTime), nt.lit(when, datatype=XSD.dateTime)),
        (activity, nt.iri(PROV_GENERATED), c),
    ]
    if last is not None:
        out.append((c, nt.iri(CHG.previousChangeset), nt.iri(last)))
    union_before: dict[str, set[bytes]] = defaultdict(set)
    union_after: dict[str, set[bytes]] = defaultdict(set)
    for d in diffs:
        for kind in TRACKED:
            union_before[kind] |= d.before[kind]
            union_after[kind] |= d.after[kind]
        if d.added or d.removed:
            out += _graph_change(base, build, c, d)
    for kind in TRACKED:
        out += [(c, nt.iri(CHG.added), _iri_of(s)) for s in sorted(union_after[kind] - union_before[kind])]
        out += [(c, nt.iri(CHG.removed), _iri_of(s)) for s in sorted(union_before[kind] - union_after[kind])]
    out += cell_events(base, build, c, before, after, context)
    figures = {
        "organisations": (len(union_before["org"]), len(union_after["org"])),
        "startups": (sum(d.startups[0] for d in diffs), sum(d.startups[1] for d in diffs)),
        "capabilities": (len(union_before["capability"]), len(union_after["capability"])),
        "relations": (len(union_before["relation"]), len(union_after["relation"])),
        "spinoffs": (len(set().union(*(d.spinoffs[0] for d in diffs))),
                     len(set().union(*(d.spinoffs[1] for d in diffs)))),
    }
    figures.update(context.figures(before, after))
    for name, (old, new) in figures.items():
        f = nt.iri(f"{changeset_iri(base, build)}/figure/{name}")
        out += [(c, nt.iri(CHG.figure), f), (f, a, nt.iri(CHG.Figure)), (f, nt.iri(CHG.figureName), nt.lit(name)),
                (f, nt.iri(CHG.countBefore), nt.lit(old)), (f, nt.iri(CHG.countAfter), nt.lit(new))]
    return out


def _graph_change(base: str, build: str, c: str, d: GraphDiff) -> list[nt.Triple]:
    name = d.graph.rsplit("/", 1)[-1]
    g = nt.iri(f"{changeset_iri(base, build)}/graph/{name}")
    out: list[nt.Triple] = [
        (c, nt.iri(CHG.graphChange), g), (g, nt.iri(RDF.type), nt.iri(CHG.GraphChange)),
        (g, nt.iri(CHG.changedGraph), nt.iri(d.graph)),
        (g, nt.iri(CHG.triplesAdded), nt.lit(len(d.added))), (g, nt.iri(CHG.triplesRemoved), nt.lit(len(d.removed))),
    ]
    for kind in TRACKED:
        out += [(g, nt.iri(CHG.added), _iri_of(s)) for s in sorted(d.after[kind] - d.before[kind])]
        out += [(g, nt.iri(CHG.removed), _iri_of(s)) for s in sorted(d.before[kind] - d.after[kind])]
    touched = _predicates(d.added | d.removed)
    for subject in sorted(d.before["org"] & d.after["org"] & touched.keys()):
        key = subject[1:-1].decode("utf-8").rsplit("/", 1)[-1]
        r = nt.iri(f"{changeset_iri(base, build)}/graph/{name}/org/{key}")
        out += [(g, nt.iri(CHG.changed), r), (r, nt.iri(RDF.type), nt.iri(CHG.ResourceChange)),
                (r, nt.iri(CHG.changedResource), _iri_of(subject))]
        out += [(r, nt.iri(CHG.changedProperty), _iri_of(p)) for p in sorted(touched[subject])]
    return out
