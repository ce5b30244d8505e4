"""Benchmark of the web service (issue #4): throughput and tail latency with wrk on loopback.

    .venv/bin/python bench/endpoint.py [--duration 30] [--connections 16] [--orgs 3000]

Uses the store of ECOGRAPH_STORE when it is built, otherwise builds a synthetic one (organisations
with labels, types, places, capabilities and relations, plus the ontology) in a temporary folder.
Starts ``uvicorn ecograph.web.app:create_app`` in a subprocess and measures, with Debian's ``wrk``:

1. a cached saved-query result (``queries/data-coverage.rq`` through ``/sparql``, SPARQL JSON);
   target ≥ 1000 requests/s, p99 ≤ 50 ms;
2. an entity page in Turtle (``/doc/org/<key>``); target ≥ 500 requests/s;
3. the same cached query while one runaway query (a property-path closure) runs, with the query
   timeout set to the run's duration; targets: p99 ≤ 200 ms, and the runaway query answered
   (503) within its timeout + 1 s.

Prints the figures; it is a benchmark, not a test (it asserts nothing).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
BASE = "http://localhost:8000"
ECO = "https://w3id.org/ecograph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FALLBACK_QUERY = """SELECT ?class (COUNT(DISTINCT ?org) AS ?n) WHERE { ?org a ?class } GROUP BY ?class"""


def synthetic_store(root: Path, n_orgs: int, seed: int = 1) -> None:
    """A published generation with ``n_orgs`` organisations and the ontology."""
    from ecograph.store.embedded import new_generation, publish_generation

    rng = random.Random(seed)
    n = ox.NamedNode
    curated, ontology = n(f"{BASE}/graph/curated"), n(f"{BASE}/graph/ontology")
    quads: list[ox.Quad] = []
    onto = REPO / "ontology" / "ecograph.ttl"
    if onto.is_file():
        quads += [ox.Quad(q.subject, q.predicate, q.object, ontology) for q in ox.parse(path=str(onto))]
    kinds = ["Company", "StartUp", "University", "ResearchCentre", "Hospital", "GovernmentBody"]
    sectors = ["medtech", "software", "electronics", "pharma_biotech", "food", "energy"]
    stages = ["research", "prototyping", "production", "market"]
    for i in range(n_orgs):
        org = n(f"{BASE}/id/org/org{i}")
        quads += [
            ox.Quad(org, n(RDF_TYPE), n(ECO + rng.choice(kinds)), curated),
            ox.Quad(org, n(LABEL), ox.Literal(f"Organisation {i}"), curated),
            ox.Quad(org, n("https://schema.org/name"), ox.Literal(f"Organisation {i}"), curated),
            ox.Quad(org, n(ECO + "locatedIn"), n(f"{BASE}/id/municipality/24{rng.randrange(100):03d}"), curated),
            ox.Quad(org, n("http://purl.org/dc/terms/source"), n(f"https://example.org/source/{i}"), curated),
        ]
        for _ in range(rng.randrange(1, 4)):
            sector, stage = rng.choice(sectors), rng.choice(stages)
            cap = n(f"{BASE}/id/capability/org{i}.{sector}.{stage}")
            quads += [
                ox.Quad(cap, n(RDF_TYPE), n(ECO + "Capability"), curated),
                ox.Quad(cap, n(ECO + "organisation"), org, curated),
                ox.Quad(cap, n(ECO + "sector"), n(f"{BASE}/id/sector/{sector}"), curated),
                ox.Quad(cap, n(ECO + "stage"), n(f"{BASE}/id/stage/{stage}"), curated),
            ]
        quads.append(ox.Quad(org, n(ECO + "partnerOf"), n(f"{BASE}/id/org/org{rng.randrange(n_orgs)}"), curated))
    generation = new_generation(root)
    store = ox.Store(str(generation))
    store.bulk_extend(quads)
    store.flush()
    del store
    publish_generation(root, generation)


def saved_query() -> str:
    path = REPO / "queries" / "data-coverage.rq"
    if not path.is_file():
        return FALLBACK_QUERY
    return "\n".join(line for line in path.read_text().splitlines() if not line.startswith("#+"))


def wrk(url: str, duration: float, connections: int, headers: dict[str, str],
        script: Path | None = None) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{int(duration)}s", "--latency", "--timeout", "10s"]
    if script is not None:
        cmd += ["-s", str(script)]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    figures: dict[str, float] = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}  # type: ignore[union-attr]
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if m:
            value, unit = float(m.group(1)), m.group(2)
            figures[f"p{pct}"] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non2xx"] = float(non2xx.group(1)) if non2xx else 0.0
    return figures


def show(name: str, f: dict[str, float], target: str) -> None:
    print(f"{name:<38} {f['rps']:>9.0f} req/s   p50 {f.get('p50', 0):6.2f} ms   "
          f"p99 {f.get('p99', 0):7.2f} ms   non-2xx {int(f['non2xx'])}   (target: {target})")


def serve(store: Path, port: int, timeout: float) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ECOGRAPH_STORE": str(store), "ECOGRAPH_QUERY_TIMEOUT": str(timeout),
           "ECOGRAPH_BASE": BASE}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "ecograph.web.app:create_app", "--factory",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
        env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--orgs", type=int, default=3000)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install -y wrk")

    from ecograph.settings import get_settings
    from ecograph.store.embedded import current_generation

    store = get_settings().store
    tmp = None
    if current_generation(Path(store)) is None:
        tmp = Path(tempfile.mkdtemp(prefix="ecograph-bench-"))
        store = tmp / "store"
        print(f"building a synthetic store with {args.orgs} organisations in {store}")
        synthetic_store(store, args.orgs)
    url = f"http://127.0.0.1:{args.port}"
    proc = serve(Path(store).resolve(), args.port, timeout=args.duration)
    try:
        query = saved_query()
        query_url = f"{url}/sparql?query={quote(query)}"
        json_accept = {"Accept": "application/sparql-results+json"}
        for _ in range(3):  # the first run fills the cache; under load it may need another try
            warm = httpx.get(query_url, headers=json_accept, timeout=args.duration + 5)
            if warm.status_code == 200:
                break
        print(f"saved query: HTTP {warm.status_code}, {len(warm.content)} bytes")
        if warm.status_code != 200:
            sys.exit("the saved query did not complete; raise --duration (it is also the query timeout)")
        org = httpx.get(f"{url}/sparql", params={
            "query": f"SELECT ?o WHERE {{ ?o a ?c . FILTER(STRSTARTS(STR(?o), '{BASE}/id/org/')) }} LIMIT 1",
            "format": "csv"}).text.splitlines()[1]
        doc_url = url + "/doc/" + org[len(BASE) + 4:]
        print(f"entity page: {doc_url}")
        print(f"wrk, {args.connections} connections, {args.duration:g} s each, loopback")

        show("cached saved query (SPARQL JSON)", wrk(query_url, args.duration, args.connections, json_accept),
             "≥ 1000 req/s, p99 ≤ 50 ms")
        show("entity page (Turtle)", wrk(doc_url, args.duration, args.connections, {"Accept": "text/turtle"}),
             "≥ 500 req/s")

        runaway: dict[str, float] = {}

        def run_away() -> None:
            started = time.monotonic()
            r = httpx.get(f"{url}/sparql", params={
                "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s (<{ECO}partnerOf>|!<{ECO}partnerOf>)* ?o }}"},
                timeout=args.duration * 3)
            runaway.update(status=r.status_code, elapsed=time.monotonic() - started)

        thread = threading.Thread(target=run_away)
        thread.start()
        time.sleep(0.2)
        during = wrk(query_url, max(1, args.duration - 1), args.connections, json_accept)
        thread.join()
        show("cached query during a runaway query", during, "p99 ≤ 200 ms")
        print(f"runaway query: HTTP {int(runaway['status'])} after {runaway['elapsed']:.2f} s "
              f"(timeout {args.duration:g} s; target ≤ {args.duration + 1:g} s)")
    finally:
        proc.terminate()
        proc.wait(10)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
