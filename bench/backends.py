"""Speed of the store backends on a ~1M-triple synthetic region: embedded, Oxigraph server, Virtuoso.

    .venv/bin/python bench/backends.py [--orgs N] [--runs K] [--timeout SECONDS] [--virtuoso-buffers N]

1. Builds the synthetic region with the real pipeline into the embedded store
   (``bench/queries.py``'s ``build_store``: ingesters, SHACL gate, inference, atomic publish);
   its time is the embedded load time.
2. Starts an Oxigraph server and a Virtuoso on loopback in temporary folders
   (``tests/servers.py``) and publishes the same validated generation to each with
   ``publish_remote.push``: per graph, batched Graph Store uploads and the one-request swap.
   That is the server's load time. (A full ``publish_remote.build`` is the local pipeline —
   the same ingest and gate as the embedded build — plus this push.)
3. Runs every saved query with its default parameters through ``run_saved`` on each backend:
   one warm-up, then K timed runs; prints p50, and the ratio to the embedded store. A query a
   server fails or does not finish within the time-out is reported as such; queries that do
   not finish run last, since the server stays busy with them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from servers import Server, start_oxigraph, start_virtuoso  # noqa: E402

from ecograph.build.publish_remote import push
from ecograph.questions.catalogue import load_catalogue, run_saved
from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore
from ecograph.store.remote import RemoteStore
from queries import BASE, OVERRIDES, build_store  # noqa: E402

# Queries a server is known not to finish (Virtuoso 7.2: see tests/test_remote_equality.py);
# they run last, because the server stays busy with them after the client gives up.
LAST = ("broken-chains",)


def time_queries(store: Any, runs: int) -> dict[str, tuple[str, float]]:
    """name → ("ok", p50 seconds) | ("error"/"timeout", 0)."""
    out: dict[str, tuple[str, float]] = {}
    catalogue = load_catalogue()
    for name in sorted(catalogue, key=lambda n: (n in LAST, n)):
        q = catalogue[name]
        params = OVERRIDES.get(name, {})
        try:
            run_saved(store, q, params, base=BASE)
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                run_saved(store, q, params, base=BASE)
                times.append(time.perf_counter() - t0)
            out[name] = ("ok", statistics.median(times))
        except Exception as exc:  # noqa: BLE001 - reported, not fatal
            out[name] = ("timeout" if "timed out" in str(exc) else "error", 0.0)
            print(f"  {name}: {out[name][0]}: {str(exc).splitlines()[0][:160]}", flush=True)
            if out[name][0] == "timeout":
                break  # the server is still busy with it: later timings would be meaningless
    for name in catalogue:
        out.setdefault(name, ("not run", 0.0))
    return out


def server_run(label: str, server: Server, emb: Any, settings: Settings, runs: int,
               timeout: float) -> tuple[float, dict[str, tuple[str, float]]]:
    remote_settings = Settings(**{**settings.__dict__, **server.settings()})
    t0 = time.perf_counter()
    n = push(emb, remote_settings, progress=lambda _m: None)
    load = time.perf_counter() - t0
    print(f"{label}: loaded {n:,} triples in {load:.1f} s ({n / load:,.0f} triples/s)", flush=True)
    remote = RemoteStore.from_settings(remote_settings)
    remote.timeout = timeout
    return load, time_queries(remote, runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orgs", type=int, default=27000, help="synthetic organisations (default: ~1M triples)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--runs", type=int, default=5, help="timed runs per query")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per query on a server")
    ap.add_argument("--virtuoso-buffers", type=int, default=170000, help="Virtuoso NumberOfBuffers (8 KB pages)")
    ap.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--workdir", type=Path,
                    help="build the embedded store here and keep it; reuse it when it is already built "
                         "(the same folder as bench/queries.py --workdir); the embedded load time is then unknown")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="ecograph-backends-") as tmp:
        work = args.workdir or Path(tmp)
        servers = Path(tmp)
        emb_load: float | None = None
        if (work / "store" / "current").is_symlink():
            emb = EmbeddedStore(work / "store")
            triples = len(emb)
            print(f"embedded: reusing the {triples:,} triples built in {work}", flush=True)
        else:
            t0 = time.perf_counter()
            emb = build_store(work, args.orgs, args.seed, args.mirror)
            emb_load = time.perf_counter() - t0
            triples = len(emb)
            print(f"embedded: built and published {triples:,} triples in {emb_load:.1f} s "
                  f"({triples / emb_load:,.0f} triples/s, ingest and SHACL gate included)", flush=True)
        settings = Settings(base=BASE, store=work / "store", downloads=work / "downloads", data=work / "data")
        results: dict[str, dict[str, tuple[str, float]]] = {"embedded": time_queries(emb.oxigraph, args.runs)}
        loads: dict[str, float | None] = {"embedded": emb_load}

        server = start_oxigraph(servers / "oxigraph")
        try:
            loads["oxigraph server"], results["oxigraph server"] = server_run(
                "oxigraph server", server, emb, settings, args.runs, args.timeout)
        finally:
            server.stop()
        server = start_virtuoso(servers / "virtuoso", buffers=args.virtuoso_buffers,
                                max_query_seconds=int(args.timeout))
        try:
            loads["virtuoso"], results["virtuoso"] = server_run(
                "virtuoso", server, emb, settings, args.runs, args.timeout)
        finally:
            server.kill()

    backends = list(results)
    print(f"\nload ({triples:,} triples)")
    for b in backends:
        note = "full build: ingest + SHACL gate + inference + publish" if b == "embedded" else \
            "push of the validated generation: batched GSP uploads + swaps"
        load, base_load = loads[b], loads["embedded"]
        if load is None:
            print(f"  {b:16} (reused, not measured)")
            continue
        ratio = f"×{load / base_load:.2f}" if base_load else ""
        print(f"  {b:16} {load:8.1f} s  {triples / load:>10,.0f} triples/s  {ratio}  ({note})")
    print(f"\np50 per saved query, seconds ({args.runs} runs; ratio to embedded)")
    print(f"  {'query':28}" + "".join(f"{b:>26}" for b in backends))
    for name in load_catalogue():
        base = results["embedded"][name]
        cells = []
        for b in backends:
            status, p50 = results[b][name]
            if status != "ok":
                cells.append(f"{status:>26}")
            elif b == "embedded" or base[0] != "ok":
                cells.append(f"{p50:>26.3f}")
            else:
                cells.append(f"{p50:>15.3f} (×{p50 / base[1]:>6.1f})")
        print(f"  {name:28}" + "".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
