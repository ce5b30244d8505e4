"""Viewer speed in headless Chromium (prints figures; not a timed test).

1. Network view with 2,000 organisations and 4,000 relations (a synthetic graph): time until the
   drawing is done (layout precomputed on the server and frozen) and until a click on a node is
   answered. Target: within 3 s.
2. Gap dashboard on the real build: time until the page has loaded. Target: within 1 s.
3. Organisation directory with 30,000 synthetic organisations: server time of the first page, a facet
   click and a search (after the once-per-build index). Target: 300 ms each.

Usage: .venv/bin/python bench/viewer.py [--store PATH_TO_BUILT_STORE]
Without --store, the real graph is built from ../shared/data into a temporary folder first.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402

from ecograph.model.namespaces import ECO, ORG, SCHEMA, SKOS
from ecograph.settings import Settings
from ecograph.store.embedded import new_generation, publish_generation

BASE = "http://localhost:8000"
KINDS = ["Company", "StartUp", "ResearchCentre", "University", "GovernmentBody", "InvestorOrFund"]
CLUSTERS = ["health", "high_tech", "creativity", "other"]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RELATIONS = [ECO.partnerOf, ECO.collaboratesWith, ECO.spinOffOf, ORG.memberOf, ECO.fundedBy]


def organisation(org: ox.NamedNode, kind: str, label: str, cluster: str, graph: ox.NamedNode) -> list[ox.Quad]:
    """An organisation of ``kind``, with its label, active in the sector ``cluster``."""
    rdf_type = ox.NamedNode(RDF_TYPE)
    return [
        ox.Quad(org, rdf_type, ox.NamedNode(ORG.FormalOrganization), graph),
        ox.Quad(org, rdf_type, ox.NamedNode(ECO[kind]), graph),
        ox.Quad(org, ox.NamedNode(RDFS_LABEL), ox.Literal(label), graph),
        ox.Quad(org, ox.NamedNode(ECO.activeIn), ox.NamedNode(f"{BASE}/id/sector/{cluster}"), graph),
    ]


def synthetic_store(root: Path, nodes: int = 2000, edges: int = 4000, seed: int = 7) -> None:
    rng = random.Random(seed)
    gen = new_generation(root)
    store = ox.Store(str(gen))
    graph = ox.NamedNode(f"{BASE}/graph/curated")
    rdf_type = ox.NamedNode(RDF_TYPE)
    quads = []
    for c in CLUSTERS:
        quads.append(ox.Quad(ox.NamedNode(f"{BASE}/id/sector/{c}"), rdf_type, ox.NamedNode(ECO.Sector), graph))
    for i in range(nodes):
        org = ox.NamedNode(f"{BASE}/id/org/o{i:04d}")
        quads += organisation(org, rng.choice(KINDS), f"Organisation {i:04d}", rng.choice(CLUSTERS), graph)
    seen: set[tuple[int, int]] = set()
    while len(seen) < edges:
        a = rng.randrange(nodes)
        b = int(abs(rng.gauss(a, 80))) % nodes  # local structure, like real clusters
        if a == b or (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        quads.append(ox.Quad(ox.NamedNode(f"{BASE}/id/org/o{a:04d}"), ox.NamedNode(rng.choice(RELATIONS)),
                             ox.NamedNode(f"{BASE}/id/org/o{b:04d}"), graph))
    store.extend(quads)
    store.flush()
    del store
    publish_generation(root, gen)


def directory_store(root: Path, orgs: int = 30000, seed: int = 11) -> None:
    """Organisations with a kind, a name and an alias, a sector, a municipality and a capability at a stage."""
    rng = random.Random(seed)
    gen = new_generation(root)
    store = ox.Store(str(gen))
    graph = ox.NamedNode(f"{BASE}/graph/curated")
    rdf_type, pref = ox.NamedNode(RDF_TYPE), ox.NamedNode(SKOS.prefLabel)
    broader, in_scheme = ox.NamedNode(SKOS.broader), ox.NamedNode(SKOS.inScheme)
    quads = []
    scheme = ox.NamedNode(f"{BASE}/id/scheme/sectors")
    for c in CLUSTERS:
        quads.append(ox.Quad(ox.NamedNode(f"{BASE}/id/sector/{c}"), in_scheme, scheme, graph))
        quads.append(ox.Quad(ox.NamedNode(f"{BASE}/id/sector/{c}"), pref, ox.Literal(c, language="en"), graph))
    stages = ["research", "prototyping", "production", "market"]
    for i, st in enumerate(stages):
        node = ox.NamedNode(f"{BASE}/id/stage/{st}")
        order = ox.Literal(str(i + 1), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        quads += [ox.Quad(node, ox.NamedNode(ECO.stageOrder), order, graph),
                  ox.Quad(node, pref, ox.Literal(st, language="en"), graph)]
    places = []
    for a in range(10):
        arr = ox.NamedNode(f"{BASE}/id/arrondissement/{a}")
        quads += [ox.Quad(arr, rdf_type, ox.NamedNode(ECO.Arrondissement), graph),
                  ox.Quad(arr, pref, ox.Literal(f"Arrondissement {a}", language="nl"), graph)]
        for m in range(30):
            mun = ox.NamedNode(f"{BASE}/id/municipality/{a}{m:03d}")
            places.append(mun)
            quads += [ox.Quad(mun, rdf_type, ox.NamedNode(ECO.Municipality), graph), ox.Quad(mun, broader, arr, graph),
                      ox.Quad(mun, pref, ox.Literal(f"Gemeente {a}-{m}", language="nl"), graph)]
    for i in range(orgs):
        org = ox.NamedNode(f"{BASE}/id/org/d{i:05d}")
        cluster = rng.choice(CLUSTERS)
        cap = ox.NamedNode(f"{BASE}/id/capability/d{i:05d}")
        kind, town = rng.choice(KINDS), rng.choice(["Leuven", "Gent", "Brüssel"])
        quads += organisation(org, kind, f"Organisatie {i:05d} {town}", cluster, graph)
        quads += [
            ox.Quad(org, ox.NamedNode(SCHEMA.alternateName), ox.Literal(f"ORG{i:05d}"), graph),
            ox.Quad(org, ox.NamedNode(ECO.locatedIn), rng.choice(places), graph),
            ox.Quad(cap, rdf_type, ox.NamedNode(ECO.Capability), graph),
            ox.Quad(cap, ox.NamedNode(ECO.organisation), org, graph),
            ox.Quad(cap, ox.NamedNode(ECO.sector), ox.NamedNode(f"{BASE}/id/sector/{cluster}"), graph),
            ox.Quad(cap, ox.NamedNode(ECO.stage), ox.NamedNode(f"{BASE}/id/stage/{rng.choice(stages)}"), graph),
        ]
    store.extend(quads)
    store.flush()
    del store
    publish_generation(root, gen)


def bench_directory(tmp: Path) -> None:
    root = tmp / "directory"
    directory_store(root)
    with serve(root, tmp) as server:
        def get(path: str) -> float:
            t = time.perf_counter()
            with urllib.request.urlopen(server.url + path) as r:  # noqa: S310 (loopback)
                r.read()
            return (time.perf_counter() - t) * 1000

        first = get("/organisations") / 1000
        print(f"directory, 30,000 organisations: snapshot + index (once per build) {first:.1f} s")
        for label, path in (("first page", "/organisations"),
                            ("facet click", "/organisations?kind=Company&arrondissement=3"),
                            ("two facets and a sort", "/organisations?kind=Company&municipality=3007&sort=-founded"),
                            ("search", "/organisations?q=brussel+0042"),
                            ("CSV of a facet", "/organisations.csv?cluster=health")):
            times = sorted(get(path) for _ in range(5))
            print(f"directory, 30,000 organisations, {label}: server answer median {times[2]:.0f} ms, "
                  f"best {times[0]:.0f} ms (target 300 ms)")


def real_store(tmp: Path) -> Path:
    from ecograph.build.fetch import fetch
    from ecograph.build.publish import build

    settings = Settings(base=BASE, store=tmp / "store", downloads=tmp / "downloads", data=REPO / "data")
    fetch(settings.downloads, mirror=REPO.parent / "shared" / "data", progress=lambda _m: None)
    build(settings, progress=lambda _m: None)
    return settings.store


def serve(store: Path, tmp: Path) -> LiveServer:
    from ecograph.web.app import create_app

    settings = Settings(base=BASE, store=store, downloads=tmp / "dl", data=REPO / "data", workers=1)
    return LiveServer(create_app(settings))


def bench_network(browser: object, tmp: Path) -> None:
    root = tmp / "synthetic"
    t = time.perf_counter()
    synthetic_store(root)
    print(f"synthetic graph written: {time.perf_counter() - t:.1f} s")
    with serve(root, tmp) as server:
        t = time.perf_counter()
        with urllib.request.urlopen(server.url + "/network/data.json") as r:  # noqa: S310 (loopback)
            size = len(r.read())
        print(f"server: load + cap + layout of 2,000 nodes / 4,000 edges (once per build): "
              f"{time.perf_counter() - t:.2f} s, {size / 1024:.0f} KiB of JSON")
        page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
        # a 204 answer keeps the page (and its timings) after the click navigates
        page.route("**/doc/org/**", lambda route: route.fulfill(status=204))
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url else None)
        page.goto(server.url + "/network")
        page.wait_for_selector("body[data-network-ready]", timeout=30000)
        ready = float(page.evaluate("document.body.dataset.networkReady"))
        box = page.locator("#network canvas").bounding_box()
        x, y, node, hit = page.evaluate("""() => { const n = window.ecographNetwork;
            const nodes = n.body.data.nodes.get();
            nodes.sort((a, b) => b.value - a.value);
            const id = nodes[0].id; const p = n.canvasToDOM(n.getPosition(id));
            return [p.x, p.y, id, n.getNodeAt(p)]; }""")
        start = float(page.evaluate("performance.now()"))
        page.mouse.click(box["x"] + x, box["y"] + y)
        page.wait_for_function("window.ecographLastClick !== undefined", timeout=10000)
        answered = float(page.evaluate("window.ecographLastClick.at"))
        clicked = page.evaluate("window.ecographLastClick.id")
        print(f"network view, 2,000 nodes / 4,000 edges: drawn {ready / 1000:.2f} s after navigation start; "
              f"click on {clicked} (aimed at {node}, hit test {hit}) answered in {(answered - start):.0f} ms; "
              f"interactive at {(ready + answered - start) / 1000:.2f} s (target 3 s)")
        if outside:
            print("requests that left loopback:", outside)
        page.close()


def bench_dashboard(browser: object, store: Path, tmp: Path) -> None:
    with serve(store, tmp) as server:
        page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
        for label in ("first load (snapshot and saved queries computed)", "warm"):
            t = time.perf_counter()
            page.goto(server.url + "/dashboard", wait_until="load")
            wall = time.perf_counter() - t
            nav = page.evaluate("""() => { const e = performance.getEntriesByType('navigation')[0];
                return [e.responseEnd, e.loadEventEnd]; }""")
            print(f"dashboard on the real build, {label}: server answer {nav[0]:.0f} ms, "
                  f"page loaded {nav[1]:.0f} ms, wall {wall * 1000:.0f} ms (target 1 s)")
        t = time.perf_counter()
        page.goto(server.url + "/dashboard?cell=sector/medtech/production", wait_until="load")
        print(f"dashboard with a cell drill-down: {(time.perf_counter() - t) * 1000:.0f} ms")
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an already built store folder (ECOGRAPH_STORE)")
    parser.add_argument("--directory-only", action="store_true", help="only the organisation directory")
    args = parser.parse_args()
    if args.directory_only:
        with tempfile.TemporaryDirectory() as tmp_name:
            bench_directory(Path(tmp_name))
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as p:
        tmp = Path(tmp_name)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            bench_network(browser, tmp)
            bench_directory(tmp)
            store = args.store
            if store is None:
                t = time.perf_counter()
                store = real_store(tmp)
                print(f"real graph built: {time.perf_counter() - t:.0f} s")
            bench_dashboard(browser, store, tmp)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
