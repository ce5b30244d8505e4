"""Benchmark: the build pipeline against raw bulk loads of the same triples.

A synthetic region (``bench/synthetic.py``) of N organisations in the curated CSV format is built
through the real pipeline (ingest → next store generation → SHACL gate → inference → provenance
→ atomic publish), together with the real REFNIS source for the municipalities. The published
triples are then dumped as one N-Triples file and loaded, on the same data and machine, by
pyoxigraph's bulk loader into a fresh on-disk store and by rdflib into its default in-memory store.
Each phase runs in its own process so that its peak memory (ru_maxrss) is its own.

    python bench/ingest.py [--orgs 36000] [--keep DIR]

Targets (issue #2): pipeline time ≤ 2 × raw Oxigraph bulk load; peak memory < 1.5 GB.
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

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_pipeline(work: Path) -> dict[str, float]:
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
    report = build(settings, sources=sources, progress=lambda m: print("   ", m, file=sys.stderr))
    seconds = time.perf_counter() - t1
    assert report.ok, [(s.name, s.error) for s in report.sources]
    return {"seconds": seconds, "triples": report.triples, "peak_mb": _peak_mb(), "setup_s": t1 - t0}


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


PHASES = {"pipeline": phase_pipeline, "dump": phase_dump, "oxigraph": phase_oxigraph, "rdflib": phase_rdflib}


def _run(phase: str, work: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--work", str(work)],
                         check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=36000, help="organisations in the synthetic region")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](args.work)))
        return

    work = args.keep or Path(tempfile.mkdtemp(prefix="ecograph-bench-"))
    try:
        sys.path.insert(0, str(REPO / "bench"))
        from synthetic import write_region

        data = work / "data"
        shutil.copytree(REPO / "data", data, dirs_exist_ok=True)
        write_region(data / "curated", args.orgs, seed=1)
        print(f"synthetic region: {args.orgs:,} organisations in {work}")
        pipe = _run("pipeline", work)
        dump = _run("dump", work)
        oxi = _run("oxigraph", work)
        rdf = _run("rdflib", work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    n = dump["triples"]
    rows = [("ecograph pipeline", pipe), ("pyoxigraph bulk_load (baseline)", oxi), ("rdflib Graph.parse", rdf)]
    print(f"\n{n:,} triples ({dump['bytes'] / 1e6:.0f} MB of N-Triples)\n")
    print(f"{'':<34}{'seconds':>9}{'triples/s':>12}{'peak MB':>9}{'time × baseline':>17}")
    for name, r in rows:
        print(f"{name:<34}{r['seconds']:>9.1f}{n / r['seconds']:>12,.0f}{r['peak_mb']:>9.0f}"
              f"{r['seconds'] / oxi['seconds']:>17.2f}")
    ratio = pipe["seconds"] / oxi["seconds"]
    print(f"\npipeline / bulk load: {ratio:.2f}× (target ≤ 2×) — {'met' if ratio <= 2 else 'NOT met'}")
    print(f"pipeline peak memory: {pipe['peak_mb']:.0f} MB (target < 1536 MB) — "
          f"{'met' if pipe['peak_mb'] < 1536 else 'NOT met'}")
    print(f"rdflib / pipeline: {rdf['seconds'] / pipe['seconds']:.2f}× the time, "
          f"{rdf['peak_mb'] / pipe['peak_mb']:.1f}× the memory")


if __name__ == "__main__":
    main()
