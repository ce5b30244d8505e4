"""Two regions side by side on the real build: server time of ``/dashboard?region=A&compare=B``.

For a few pairs (arrondissements by key, by NUTS code, provinces, a gewest, lists of municipalities) the
page is requested once cold (the saved questions of a new region run) and five times warm (memoised per
generation), on loopback, so the time is the server's. Target: ≤ 1 s.

Usage: .venv/bin/python bench/compare.py [--store PATH_TO_BUILT_STORE]
Without --store, the real graph is built from ../shared/data into a temporary folder first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from servers import AppServer  # noqa: E402
from viewer import BASE, real_store  # noqa: E402

from ecograph.settings import Settings  # noqa: E402

PAIRS = [
    ("arrondissement-leuven", "arrondissement-gent"),
    ("BE242", "BE241"),
    ("vlaams-brabant", "province-antwerpen"),
    ("region-vlaams-gewest", "BE3"),
    ("24062,24107,24020", "leuven"),
]
TARGET_MS = 1000.0


def fetch_ms(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - loopback only
        body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if b'id="diff-sectors"' not in body:
        raise SystemExit(f"no side-by-side view at {url}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a built store (default: build the real graph first)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = args.store or real_store(tmp)
        from ecograph.web.app import create_app

        settings = Settings(base=BASE, store=store, downloads=tmp / "downloads", data=REPO / "data")
        with AppServer(create_app(settings)) as server:
            urllib.request.urlopen(server.url + "/dashboard", timeout=120).read()  # noqa: S310 - the snapshot
            worst = 0.0
            for a, b in PAIRS:
                url = f"{server.url}/dashboard?" + urllib.parse.urlencode({"region": a, "compare": b})
                cold = fetch_ms(url)
                warm = sorted(fetch_ms(url) for _ in range(5))
                worst = max(worst, cold, warm[-1])
                print(f"{a} | {b}: cold {cold:.0f} ms, warm median {warm[2]:.0f} ms, worst {warm[-1]:.0f} ms")
            verdict = "within" if worst <= TARGET_MS else "OVER"
            print(f"slowest {worst:.0f} ms: {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    main()
