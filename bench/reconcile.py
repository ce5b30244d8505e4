"""Reconciliation speed on the real build: the median time of a 100-name batch (prints figures; not a timed test).

The names are taken from the graph itself (every ninth organisation's name or one of its
aliases) and disturbed as a spreadsheet would have them: a typo, wrong case, no accents, a
legal form added. The batch goes to ``/reconcile`` as OpenRefine sends it (form-encoded
``queries=``) on a live server on loopback; the first batch also reads the index (once per
generation) and is reported on its own. Target: the median within 500 ms.

Usage: .venv/bin/python bench/reconcile.py [--store PATH_TO_BUILT_STORE] [--rounds 15]
Without --store, the real graph is built from ../shared/data into a temporary folder first.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from w3c.support import live_server, settings_for  # noqa: E402

from ecograph.settings import Settings  # noqa: E402
from ecograph.store.embedded import EmbeddedStore  # noqa: E402
from ecograph.web.reconcile.index import load_index  # noqa: E402

BASE = "http://localhost:8000"


def real_store(tmp: Path) -> Path:
    from ecograph.build.fetch import fetch
    from ecograph.build.publish import build

    settings = Settings(base=BASE, store=tmp / "store", downloads=tmp / "downloads", data=REPO / "data")
    fetch(settings.downloads, mirror=REPO.parent / "shared" / "data", progress=lambda _m: None)
    build(settings, progress=lambda _m: None)
    return settings.store


def disturb(name: str, rng: random.Random) -> str:
    """The name as someone typed it: a dropped or doubled letter, another case, or a legal form."""
    how = rng.randrange(4)
    if how == 0 and len(name) > 5:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1:] if rng.random() < 0.5 else name[:i] + name[i] + name[i:]
    if how == 1:
        return name.upper()
    if how == 2:
        return name.lower() + " NV"
    return name


def batch(store: Path, size: int = 100, seed: int = 16) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """``size`` queries and the organisation each one was made from."""
    index = load_index(EmbeddedStore(store))
    rng = random.Random(seed)
    entities = sorted(index.entities.values(), key=lambda e: e.key)[::9][:size]
    queries, truth = {}, {}
    for i, entity in enumerate(entities):
        name = rng.choice([entity.name] + entity.aliases[:2])
        queries[f"q{i}"] = {"query": disturb(name, rng)}
        truth[f"q{i}"] = entity.key
    return queries, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an already built store folder (ECOGRAPH_STORE)")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        store = args.store or real_store(Path(tmp_name))
        queries, truth = batch(store)
        body = {"queries": json.dumps(queries)}
        with live_server(settings_for(store)) as live, httpx.Client(timeout=60) as client:
            start = time.perf_counter()
            first = client.post(live.url + "/reconcile", data=body).json()
            took = 1000 * (time.perf_counter() - start)
            print(f"first batch of {len(queries)} right after the start (the index may still be read): {took:.0f} ms")
            times = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                client.post(live.url + "/reconcile", data=body).raise_for_status()
                times.append(1000 * (time.perf_counter() - start))
        top = sum(1 for q, key in truth.items() if first[q]["result"] and first[q]["result"][0]["id"] == key)
        matched = sum(1 for q in truth if first[q]["result"] and first[q]["result"][0]["match"])
        wrong = sum(1 for q, key in truth.items()
                    if first[q]["result"] and first[q]["result"][0]["match"] and first[q]["result"][0]["id"] != key)
        print(f"batch of {len(queries)} names: median {statistics.median(times):.0f} ms, "
              f"min {min(times):.0f} ms, max {max(times):.0f} ms over {args.rounds} rounds (target ≤ 500 ms)")
        print(f"right organisation first: {top}/{len(truth)}; match=true: {matched} ({wrong} of them wrong)")


if __name__ == "__main__":
    main()
