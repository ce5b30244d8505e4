"""Two regions side by side: the difference of their heatmaps, cell by cell, and the peers to suggest.

Modelled on the EU's regional benchmarking tools (Eye@RIS3, the Regional Innovation Scoreboard):
pick a region and a peer, and compare their specialisations. A cell of the difference is ``both``,
``a-only``, ``b-only`` or ``neither`` by the organisations *known* there, with both counts. An empty
side is not taken for an absence when its region has organisations that could be in the cell
(stage, place or sector unknown, :mod:`ecograph.model.gaps`): the cell then carries that side's
unknown count and is marked ``uncertain``, so few classified organisations do not read as a gap.
"""

from __future__ import annotations

from typing import Any

from ecograph.model.gaps import NOT_APPLICABLE
from ecograph.questions.regions import RegionIndex, Resolved, peers

KINDS = ("both", "a-only", "b-only", "neither")


def diff_cell(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One cell of the difference from the same cell of region A and of region B."""
    n_a, n_b = a["count"], b["count"]
    kind = "both" if n_a and n_b else "a-only" if n_a else "b-only" if n_b else "neither"
    if a["status"] == NOT_APPLICABLE:
        kind = "na"
    unknown_a = a["unknown"] if not n_a else 0
    unknown_b = b["unknown"] if not n_b else 0
    return {"kind": kind, "a": n_a, "b": n_b, "a_unknown": unknown_a, "b_unknown": unknown_b,
            "uncertain": kind != "na" and bool(unknown_a or unknown_b),
            "id": a["id"], "href": a["href"], "row": a["row"], "stage": a["stage"]}


def diff_rows(a_rows: list[dict[str, Any]], b_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The difference view of two heatmaps built from the same snapshot and filters (same rows, same stages)."""
    out = []
    for row_a, row_b in zip(a_rows, b_rows, strict=True):
        cells = [diff_cell(a, b) for a, b in zip(row_a["cells"], row_b["cells"], strict=True)]
        out.append({**{k: v for k, v in row_a.items() if k != "cells"}, "cells": cells})
    return out


def diff_summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    """How many cells of each kind, and how many of them are uncertain."""
    cells = [c for r in rows for c in r["cells"]]
    counts = {kind: sum(1 for c in cells if c["kind"] == kind) for kind in KINDS}
    counts["uncertain"] = sum(1 for c in cells if c["uncertain"])
    return counts


def peer_choices(index: RegionIndex, found: Resolved | None, lang: str) -> list[tuple[str, str]]:
    """(key, label) of the default peers of a region: the other arrondissements of its province, the
    other provinces, the other gewesten; none for a list of municipalities."""
    if found is None or found.iri is None:
        return []
    return [(index.key(r), index.label(r, lang)) for r in peers(index, found.iri)]


def region_label(index: RegionIndex, found: Resolved, places: dict[str, Any], lang: str) -> str:
    """A region's label, or for a list of municipalities their names (the first four, then how many more)."""
    if found.iri is not None:
        return index.label(found.iri, lang)
    names = sorted(places[m].label(lang) if m in places else m.rsplit("/", 1)[-1] for m in found.municipalities)
    more = len(names) - 4
    return ", ".join(names[:4]) + (f" +{more}" if more > 0 else "")
