"""Speed of every saved query on a ~1M-triple synthetic region: Oxigraph vs rdflib.

    .venv/bin/python bench/queries.py [--orgs N] [--runs K] [--rdflib-cap SECONDS]

1. Writes a synthetic region of N organisations in the curated CSV format
   (``bench/synthetic.py``) into a copy of the project's ``data/`` folder, copies the other
   sources from the shared mirror (``--mirror``, default ``../shared/data`` next to the repo),
   and builds the graph with the real pipeline (``ecograph.build.publish.build``: ingesters, SHACL
   gate, inference, atomic publish) into a temporary store.
2. Runs each saved query with its default parameters on the embedded store: one warm-up,
   then K timed runs (parameter checks included), and reports p50 and p95.
3. Loads the same quads into rdflib's default in-memory store (``Dataset(default_union=True)``)
   and runs each query once with the same bindings (``initBindings``), stopped after the cap;
   a capped query is reported as ``>cap`` and its ratio as a lower bound.
4. With ``--compare-paths``, also times the queries with ``skos:broader*`` rewritten to use the
   materialised closure (``skos:broaderTransitive?``).
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

import pyoxigraph as ox  # noqa: E402
from synthetic import write_region  # noqa: E402

from ecograph.questions.catalogue import SavedQuery, bind_params, load_catalogue, query_base, run_saved
from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore, run_query

BASE = "http://localhost:8000"
# parameters whose default names real organisations that the synthetic region does not have
OVERRIDES = {"organisation-profile": {"organisation": "syn_000000"}}


def build_store(tmp: Path, n_orgs: int, seed: int, mirror: Path) -> EmbeddedStore:
    from ecograph.build.fetch import fetch
    from ecograph.build.publish import build

    data = tmp / "data"
    shutil.copytree(REPO / "data", data)
    write_region(data / "curated", n_orgs, seed)
    settings = Settings(base=BASE, store=tmp / "store", downloads=tmp / "downloads", data=data)
    fetch(settings.downloads, mirror=mirror, progress=lambda _m: None)
    t0 = time.perf_counter()
    report = build(settings, progress=lambda _m: None)
    print(f"built {report.triples:,} triples in {time.perf_counter() - t0:.0f} s "
          f"({n_orgs:,} synthetic organisations)")
    for s in report.sources:
        print(f"  {s.name:12} {s.status:14} {s.triples:>9,} triples")
    return EmbeddedStore(settings.store)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def time_oxigraph(store: ox.Store, q: SavedQuery, runs: int, text: str | None = None) -> tuple[list[float], int]:
    rows = 0
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        if text is None:
            rows = len(run_saved(store, q, OVERRIDES.get(q.name, {}), base=BASE).rows)
        else:
            bindings = bind_params(store, q, OVERRIDES.get(q.name, {}), BASE)
            rows = len(list(run_query(store, text, substitutions=bindings, base_iri=query_base(BASE))))
        if i:  # the first run warms the caches
            times.append((time.perf_counter() - t0) * 1000)
    return times, rows


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: Any) -> None:
    raise _Timeout


def load_rdflib(store: ox.Store) -> Any:
    import rdflib

    data = store.dump(format=ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=data.decode("utf-8"), format="nquads")
    return ds


def time_rdflib(ds: Any, store: ox.Store, q: SavedQuery, cap: float) -> tuple[float | None, int]:
    """One run, in ms; None when stopped at the cap (pure Python, so SIGALRM interrupts it)."""
    import rdflib

    bindings = {
        rdflib.Variable(k): (rdflib.URIRef(v.value) if isinstance(v, ox.NamedNode) else rdflib.Literal(v.value))
        for k, v in bind_params(store, q, OVERRIDES.get(q.name, {}), BASE).items()
    }
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    t0 = time.perf_counter()
    try:
        rows = len(list(ds.query(q.text, initBindings=bindings, base=query_base(BASE))))
        return (time.perf_counter() - t0) * 1000, rows
    except _Timeout:
        return None, -1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orgs", type=int, default=27000, help="synthetic organisations (default: ~1M triples)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=15, help="timed Oxigraph runs per query")
    ap.add_argument("--rdflib-cap", type=float, default=30.0, help="seconds per rdflib query")
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--compare-paths", action="store_true")
    ap.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument(
        "--workdir", type=Path, help="build here and keep it; reuse the store when it is already built"
    )
    args = ap.parse_args(argv)

    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory(prefix="ecograph-bench-") as tmp:
        work = args.workdir or Path(tmp)
        if (work / "store" / "current").is_symlink():
            emb = EmbeddedStore(work / "store")
            print(f"reusing the store built in {work}")
        else:
            work.mkdir(parents=True, exist_ok=True)
            emb = build_store(work, args.orgs, args.seed, args.mirror)
        store = emb.oxigraph
        print(f"store: {len(store):,} quads; {args.runs} timed runs per query after one warm-up\n")
        ox_times: dict[str, tuple[float, float, int]] = {}
        for name, q in catalogue.items():
            times, rows = time_oxigraph(store, q, args.runs)
            ox_times[name] = (statistics.median(times), percentile(times, 95), rows)

        path_times: dict[str, float] = {}
        if args.compare_paths:
            for name, q in catalogue.items():
                if "skos:broader*" not in q.text:
                    continue
                text = re.sub(r"skos:broader\*", "skos:broaderTransitive?", q.text)
                times, _ = time_oxigraph(store, q, args.runs, text=text)
                path_times[name] = statistics.median(times)

        rd_times: dict[str, tuple[float | None, int]] = {}
        if not args.no_rdflib:
            t0 = time.perf_counter()
            ds = load_rdflib(store)
            print(f"rdflib: loaded {len(ds):,} triples in {time.perf_counter() - t0:.0f} s\n")
            for name, q in catalogue.items():
                rd_times[name] = time_rdflib(ds, store, q, args.rdflib_cap)

        header = f"{'query':30} {'rows':>6} {'p50 ms':>9} {'p95 ms':>9}"
        if rd_times:
            header += f" {'rdflib ms':>10} {'rows':>6} {'ratio':>8}"
        if path_times:
            header += f" {'closure p50':>12}"
        print(header)
        print("-" * len(header))
        for name, (p50, p95, rows) in ox_times.items():
            line = f"{name:30} {rows:>6} {p50:>9.1f} {p95:>9.1f}"
            if rd_times:
                rd, rd_rows = rd_times[name]
                if rd is None:
                    cap_ms = args.rdflib_cap * 1000
                    line += f" {'>' + format(cap_ms, '.0f'):>10} {'-':>6} {'>' + format(cap_ms / p50, '.0f') + 'x':>8}"
                else:
                    line += f" {rd:>10.0f} {rd_rows:>6} {format(rd / p50, '.0f') + 'x':>8}"
            if path_times:
                pt = path_times.get(name)
                line += f" {'' if pt is None else format(pt, '.1f'):>12}"
            print(line)
        worst = max(p50 for p50, _, _ in ox_times.values())
        print(f"\nslowest p50: {worst:.1f} ms (target < 300 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
