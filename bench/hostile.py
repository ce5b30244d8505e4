"""Benchmark of the public endpoint under the issue-11 protections, side by side in one run.

    .venv/bin/python bench/hostile.py [--duration 10] [--orgs 3000]

On one synthetic store (bench/endpoint.py's), measures with Debian's ``wrk`` on loopback:

1. **uncached** distinct queries (a per-request literal defeats the result cache) at 4
   connections, against ecograph's ``/sparql`` (parser, guard, worker round trip) and against
   Oxigraph server (``oxigraph serve --union-default-graph``) on a copy of the same store; the
   ratio is ecograph / Oxigraph server (target ≥ 1.0). ecograph runs with 8 workers here so that
   its per-client share (half the workers) admits wrk's 4 connections from one address;
2. **cached** answers of one query (target ≥ 2,500 req/s);
3. **fair sharing**: with the default 2 workers, one client (127.0.0.2) keeps two runaway queries
   going while another (127.0.0.3) sends uncached queries one after the other; its p50/p99
   (target p99 ≤ 200 ms).

With ``--baseline REV`` (e.g. the commit before issue 11) that revision's web app runs on the
same store in the same run, for a before/after of 1 and 2. Two queries: a light one (20 labels)
and a heavier one (capabilities counted per sector), each with a per-request literal.

Prints the figures; a benchmark, not a test (it asserts nothing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoint import BASE, LABEL, show, synthetic_store, wrk  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
HEAD = 'SELECT ?o ?l ?tag WHERE { BIND("'
TAIL = f'" AS ?tag) ?o <{LABEL}> ?l }} LIMIT 20'
QUERIES = {
    "light": (HEAD, TAIL),
    "heavier": ('SELECT ?s (COUNT(?c) AS ?n) (SAMPLE(?t) AS ?tag) WHERE { BIND("',
                '" AS ?t) ?c <https://w3id.org/ecograph/ontology#sector> ?s } GROUP BY ?s'),
}
LUA = """
local counter = 0
function setup(thread) thread:set("id", math.random(1, 1000000000)) end
request = function()
  counter = counter + 1
  return wrk.format("GET", "{path}" .. id .. "x" .. counter .. "{tail}")
end
"""


def uncached_wrk(url: str, path: str, duration: float, connections: int, work: Path,
                 query: tuple[str, str] = (HEAD, TAIL)) -> dict[str, float]:
    script = work / f"uncached-{abs(hash((url, query))) % 100_000}.lua"
    script.write_text(LUA.replace("{path}", path + quote(query[0])).replace("{tail}", quote(query[1])))
    return wrk(url, duration, connections, {"Accept": "application/sparql-results+json"}, script=script)


def start(argv: list[str], env: dict[str, str], ready: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(argv, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(ready, timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{argv[0]} did not start")


def ecograph(store: Path, port: int, workers: int, timeout: float, src: Path | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ECOGRAPH_STORE": str(store), "ECOGRAPH_BASE": BASE, "ECOGRAPH_WORKERS": str(workers),
           "ECOGRAPH_QUERY_TIMEOUT": str(timeout)}
    if src is not None:  # another revision's package, on the same store
        env["PYTHONPATH"] = str(src)
    return start([sys.executable, "-m", "uvicorn", "ecograph.web.app:create_app", "--factory", "--host",
                  "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
                 env, f"http://127.0.0.1:{port}/openapi.json")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def fairness(url: str, seconds: float) -> tuple[list[float], list[int]]:
    """Latencies of a victim's uncached queries while an attacker keeps two runaways going."""
    stop_at = time.monotonic() + seconds
    statuses: list[int] = []

    def attacker() -> None:
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=120) as client:
            n = 0
            while time.monotonic() < stop_at:
                n += 1
                statuses.append(client.get(url + "/sparql", params={"query": f"{RUNAWAY} # {n}"}).status_code)

    threads = [threading.Thread(target=attacker) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    latencies = []
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.3"), timeout=60) as victim:
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            started = time.perf_counter()
            response = victim.get(url + "/sparql", params={"query": f"{HEAD}victim{n}{TAIL}"})
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    for thread in threads:
        thread.join()
    return latencies, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--orgs", type=int, default=3000)
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument("--baseline", default="", help="a git revision whose web app runs on the same store too")
    args = parser.parse_args()
    for tool in ("wrk", "oxigraph"):
        if shutil.which(tool) is None and not (Path(sys.executable).parent / tool).exists():
            sys.exit(f"{tool} is needed (scripts/setup-system.sh, pip install oxigraph)")
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    work = Path(tempfile.mkdtemp(prefix="ecograph-hostile-"))
    try:
        store = work / "store"
        synthetic_store(store, args.orgs)
        copy = work / "oxigraph"
        shutil.copytree((store / "current").resolve(), copy)
        print(f"synthetic store: {args.orgs} organisations; wrk, 4 connections, {args.duration:g} s each")

        apps = {"this revision": None}
        if args.baseline:
            tree = work / "baseline"
            subprocess.run(["git", "-C", str(Path(__file__).resolve().parents[1]), "worktree", "add", "--detach",
                            str(tree), args.baseline], check=True, capture_output=True)
            apps[f"baseline {args.baseline}"] = tree / "src"
        ox_port = args.port + 1
        oxi = start([oxigraph, "serve", "--location", str(copy), "--bind", f"127.0.0.1:{ox_port}",
                     "--union-default-graph"], dict(os.environ), f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D")
        ox_url = f"http://127.0.0.1:{ox_port}"
        try:
            baseline_rps: dict[str, float] = {}
            for kind, query in QUERIES.items():
                uncached_wrk(ox_url, "/query?query=", 2, 4, work, query)
                theirs = uncached_wrk(ox_url, "/query?query=", args.duration, 4, work, query)
                baseline_rps[kind] = theirs["rps"]
                show(f"uncached {kind}, Oxigraph server", theirs, "baseline")
            for name, src in apps.items():
                eco = ecograph(store, args.port, workers=8, timeout=30, src=src)
                try:
                    eco_url = f"http://127.0.0.1:{args.port}"
                    first = httpx.get(eco_url + "/sparql", params={"query": f"{HEAD}check{TAIL}"})
                    assert first.status_code == 200 and len(first.json()["results"]["bindings"]) == 20, first.text
                    for kind, query in QUERIES.items():
                        uncached_wrk(eco_url, "/sparql?query=", 2, 4, work, query)  # warm
                        mine = uncached_wrk(eco_url, "/sparql?query=", args.duration, 4, work, query)
                        show(f"uncached {kind}, {name}", mine, "≥ 1.0× Oxigraph server")
                        print(f"    ratio to Oxigraph server: {mine['rps'] / baseline_rps[kind]:.2f}×")
                    cached_url = f"{eco_url}/sparql?query={quote(HEAD + 'cached' + TAIL)}"
                    httpx.get(cached_url)
                    show(f"cached, {name}", wrk(cached_url, args.duration, 4,
                                                {"Accept": "application/sparql-results+json"}), "≥ 2,500 req/s")
                finally:
                    stop(eco)
        finally:
            stop(oxi)
            if args.baseline:
                subprocess.run(["git", "-C", str(Path(__file__).resolve().parents[1]), "worktree", "remove",
                                "--force", str(work / "baseline")], capture_output=True)

        eco = ecograph(store, args.port, workers=2, timeout=args.duration)
        try:
            latencies, statuses = fairness(f"http://127.0.0.1:{args.port}", args.duration * 1.5)
        finally:
            stop(eco)
        q = statistics.quantiles(latencies, n=100)
        print(f"fair sharing (2 workers, two runaways from 127.0.0.2): victim 127.0.0.3 sent {len(latencies)} "
              f"uncached queries, p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms (target ≤ 200 ms); attacker's answers: "
              + ", ".join(f"{s}×{statuses.count(s)}" for s in sorted(set(statuses))))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
