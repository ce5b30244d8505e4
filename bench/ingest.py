"""Benchmark: the build pipeline, phase by phase, against raw loads of the same triples.

A synthetic region (``bench/synthetic.py``) of N organisations in the curated CSV format is built
through the real pipeline (CSV → triples → stage, SHACL gate, inference, cube, meta graph,
quality checks, changeset, the generation written to disk, and with ``--dumps`` the dumps),
together with the real REFNIS source for the municipalities. The published triples are then
dumped as one N-Triples file and loaded, on the same data and machine, by pyoxigraph's bulk
loader into a fresh on-disk store and by rdflib into its default in-memory store. Each runs in
its own process so that its peak memory (ru_maxrss) is its own.

    python bench/ingest.py                # 2,000 organisations: a quick run
    python bench/ingest.py --orgs 36000   # 1.45 M triples: the figure of the README

Printed: per phase the seconds, its share of the build and its ratio to each baseline (phases on
two threads overlap, so the shares can add up to more than 100 %); the whole build against each
baseline; peak resident memory. Targets (issue #13): build ≤ 3 × the bulk load; peak < 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_pipeline(work: Path, dumps: bool = False) -> dict[str, Any]:
    from ecograph.build.fetch import fetch
    from ecograph.build.publish import build
    from ecograph.model.sources import get_source
    from ecograph.settings import Settings

    data = work / "data"
    t0 = time.perf_counter()
    settings = Settings(base="http://localhost:8000", store=work / "store", downloads=work / "downloads", data=data)
    sources = (get_source("refnis"), get_source("curated"))
    fetch(settings.downloads, mirror=SHARED_DATA, sources=sources[:1], progress=lambda _m: None)
    t1 = time.perf_counter()
    report = build(settings, sources=sources, progress=lambda m: print("   ", m, file=sys.stderr), dumps=dumps)
    seconds = time.perf_counter() - t1
    assert report.ok, [(s.name, s.error) for s in report.sources]
    return {"seconds": seconds, "triples": report.triples, "peak_mb": _peak_mb(), "setup_s": t1 - t0,
            "phases": dict(report.phases)}


def phase_dump(work: Path) -> dict[str, float]:
    import pyoxigraph as ox

    from ecograph.store.embedded import EmbeddedStore

    store = EmbeddedStore(work / "store")
    out = work / "all.nt"
    with out.open("wb") as fh:
        for graph in store.graphs():
            store.dump(fh, ox.RdfFormat.N_TRIPLES, graph=graph)
    lines = sum(1 for _ in out.open("rb"))
    return {"triples": lines, "bytes": out.stat().st_size}


def phase_oxigraph(work: Path) -> dict[str, float]:
    import pyoxigraph as ox

    target = work / "baseline-store"
    t0 = time.perf_counter()
    store = ox.Store(str(target))
    store.bulk_load(path=str(work / "all.nt"), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode("http://localhost:8000/graph/all"))
    store.flush()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "triples": len(store), "peak_mb": _peak_mb()}


def phase_rdflib(work: Path) -> dict[str, float]:
    import rdflib

    t0 = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(work / "all.nt", format="nt")
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "triples": len(graph), "peak_mb": _peak_mb()}


RUNS = {"pipeline": phase_pipeline, "dump": phase_dump, "oxigraph": phase_oxigraph, "rdflib": phase_rdflib}


def _run(phase: str, work: Path, *extra: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--work", str(work), *extra],
                         check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=2000,
                        help="organisations in the synthetic region (36000: 1.45 M triples)")
    parser.add_argument("--dumps", action="store_true", help="write the dumps too, as `ecograph build` does")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--phase", choices=sorted(RUNS), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run = RUNS[args.phase]
        print(json.dumps(run(args.work, args.dumps) if args.phase == "pipeline" else run(args.work)))
        return

    work = args.keep or Path(tempfile.mkdtemp(prefix="ecograph-bench-"))
    try:
        sys.path.insert(0, str(REPO / "bench"))
        from synthetic import write_region

        data = work / "data"
        shutil.copytree(REPO / "data", data, dirs_exist_ok=True)
        write_region(data / "curated", args.orgs, seed=1)
        print(f"synthetic region: {args.orgs:,} organisations in {work}")
        pipe = _run("pipeline", work, *(["--dumps"] if args.dumps else []))
        dump = _run("dump", work)
        oxi = _run("oxigraph", work)
        rdf = _run("rdflib", work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    report(pipe, oxi, rdf, dump)


# the phases in build order, with what each is
PHASE_NAMES = {
    "ontology": "ontology + shapes",
    "ingest": "CSV → triples → stage",
    "gate": "SHACL gate: prepare + wait",
    "validation": "  validating, 2nd thread",
    "inference": "inference",
    "cube": "cube",
    "meta": "meta graph",
    "checks": "quality checks",
    "publish": "publish calls",
    "changes": "changeset",
    "finish": "generation to disk (+ dumps)",
    "dumps": "  of which dumps",
}


def report(pipe: dict[str, Any], oxi: dict[str, Any], rdf: dict[str, Any], dump: dict[str, Any]) -> None:
    n, total = dump["triples"], pipe["seconds"]
    print(f"\n{n:,} triples ({dump['bytes'] / 1e6:.0f} MB of N-Triples)\n")
    print(f"{'phase':<32}{'seconds':>9}{'share':>8}{'× bulk load':>13}{'× rdflib':>10}")
    phases = pipe["phases"]
    for key in [*PHASE_NAMES, *(k for k in phases if k not in PHASE_NAMES)]:
        if key in phases:
            sec = phases[key]
            print(f"{PHASE_NAMES.get(key, key):<32}{sec:>9.2f}{sec / total:>8.0%}{sec / oxi['seconds']:>13.2f}"
                  f"{sec / rdf['seconds']:>10.2f}")
    print()
    print(f"{'':<32}{'seconds':>9}{'triples/s':>12}{'peak MB':>9}{'× bulk load':>13}{'× rdflib':>10}")
    rows = [("ecograph build", pipe), ("pyoxigraph bulk_load", oxi), ("rdflib Graph.parse", rdf)]
    for name, r in rows:
        print(f"{name:<32}{r['seconds']:>9.1f}{n / r['seconds']:>12,.0f}{r['peak_mb']:>9.0f}"
              f"{r['seconds'] / oxi['seconds']:>13.2f}{r['seconds'] / rdf['seconds']:>10.2f}")
    ratio = total / oxi["seconds"]
    print(f"\nbuild / bulk load: {ratio:.2f}× (target ≤ 3×) — {'met' if ratio <= 3 else 'NOT met'}")
    print(f"build peak memory: {pipe['peak_mb']:.0f} MB (target < 1536 MB) — "
          f"{'met' if pipe['peak_mb'] < 1536 else 'NOT met'}")


if __name__ == "__main__":
    main()
