"""Benchmark: what recording the changeset (``build.changes.record_changes``) costs a build.

A synthetic region (``bench/synthetic.py``) of N organisations in the curated CSV format is built
with the real REFNIS source, then 1 % of its organisations change (a third removed with their
relations, a third renamed, a third replaced by new ones) and it is built again. The second
build is the one that records a changeset; its time and the changeset step's own time (the
``[changes]`` progress line, measured inside ``record_changes``) are printed with their ratio.

    python bench/changes.py [--orgs 5000] [--keep DIR]

Target (issue #16): the changeset step ≤ 20 % of the build.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from synthetic import write_region  # bench/ is the script's folder, so on sys.path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
STEP = re.compile(r"^\[changes\] .*\((\d+(?:\.\d+)?) s\)$")


def _rewrite(path: Path, change: Callable[[dict[str, str]], dict[str, str] | None],
             extra: Callable[[list[dict[str, str]]], list[dict[str, str]]] = lambda _rows: []) -> int:
    """Rewrite a CSV file row by row (``change`` returns the new row, or None to drop it), then append
    ``extra(rows)``; returns how many rows were dropped."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    kept = [new for new in map(change, rows) if new is not None]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept + extra(rows))
    return len(rows) - len(kept)


def change_one_percent(curated: Path) -> dict[str, int]:
    """Remove, rename and replace a third each of 1 % of the organisations (every 100th row)."""
    picked: list[dict[str, str]] = []

    def pick(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        picked.extend(rows[::100])
        return []

    _rewrite(curated / "organisations.csv", lambda r: r, pick)  # read once to choose the rows
    removed, renamed = {r["id"] for r in picked[0::3]}, {r["id"] for r in picked[1::3]}
    replaced = [dict(r, id=r["id"] + "_new", name=r["name"] + " New", ror_id="", wikidata_qid="", website="")
                for r in picked[2::3]]
    _rewrite(curated / "organisations.csv",
             lambda r: None if r["id"] in removed else dict(r, name=r["name"] + " (renamed)") if r["id"] in renamed
             else r, lambda _rows: replaced)
    dropped = _rewrite(curated / "relations.csv",
                       lambda r: None if r["subject_id"] in removed or r["object_id"] in removed else r)
    return {"removed": len(removed), "renamed": len(renamed), "added": len(replaced), "relations removed": dropped}


def timed_build(settings: object, sources: tuple[object, ...]) -> tuple[float, float | None]:
    """The build's time and the changeset step's, from its progress line."""
    from ecograph.build.publish import build

    step: list[float] = []

    def progress(message: str) -> None:
        print("   ", message, file=sys.stderr)
        found = STEP.match(message)
        if found:
            step.append(float(found.group(1)))

    t0 = time.perf_counter()
    report = build(settings, sources=sources, progress=progress)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t0
    assert report.ok, [(s.name, s.error) for s in report.sources]
    return seconds, (step[-1] if step else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=5000, help="organisations in the synthetic region")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()

    from ecograph.build.fetch import fetch
    from ecograph.model.history import changes_graph
    from ecograph.model.sources import get_source
    from ecograph.settings import Settings
    from ecograph.store.embedded import EmbeddedStore
    from ecograph.web.viewer.changes_read import builds, changeset

    work = args.keep or Path(tempfile.mkdtemp(prefix="ecograph-bench-changes-"))
    data = work / "data"
    settings = Settings(base="http://localhost:8000", store=work / "store", downloads=work / "downloads", data=data)
    sources = (get_source("refnis"), get_source("curated"))
    try:
        shutil.copytree(REPO / "data", data, dirs_exist_ok=True)
        write_region(data / "curated", args.orgs, seed=1)
        fetch(settings.downloads, mirror=SHARED_DATA, sources=sources[:1], progress=lambda _m: None)
        print(f"synthetic region: {args.orgs:,} organisations in {work}")
        first, _ = timed_build(settings, sources)
        changed = change_one_percent(data / "curated")
        print("changed: " + ", ".join(f"{n:,} {what}" for what, n in changed.items()))
        second, step = timed_build(settings, sources)
        store = EmbeddedStore(settings.store)
        listed = builds(store, settings.base)
        recorded = changeset(store, settings.base, listed[0].build) if listed else None
        size = len(list(store.quads(changes_graph(settings.base))))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    assert step is not None and recorded is not None, "the second build recorded no changeset"
    print(f"\nfirst build (nothing to compare):   {first:8.1f} s")
    print(f"second build (1 % changed):          {second:8.1f} s")
    print(f"  of which the changeset step:       {step:8.1f} s")
    print(f"changeset: {len(recorded.added['org']):,} organisations added, {len(recorded.removed['org']):,} removed, "
          f"{sum(len(g.changed) for g in recorded.graphs.values()):,} changed; {size:,} triples in the changes graph")
    ratio = step / second
    print(f"\nchangeset step / build: {ratio:.1%} (target ≤ 20 %) — {'met' if ratio <= 0.2 else 'NOT met'}")


if __name__ == "__main__":
    main()
