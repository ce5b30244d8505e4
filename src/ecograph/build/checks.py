"""The data-quality checks of ``ontology/checks/*-violation.rq``, run on a build before it is published.

Each check is a SPARQL query over all the graphs of the build (as one default graph) that must
return no rows; the SHACL gate cannot see them, because they span graphs (an organisation's
names across sources) or hold for the whole build (stage order, provenance counts). A build
that fails one is not published at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ecograph.build.report import BuildError, Progress
from ecograph.model import resources

CHECKS_DIR = resources.ontology_dir() / "checks"
SUFFIX = "-violation.rq"


@dataclass(frozen=True)
class Failure:
    check: str  # the file name without -violation.rq
    rows: list[str]  # the first offending rows, as "var=value" lines
    count: int

    def summary(self) -> str:
        more = f"\n    … {self.count - len(self.rows)} more" if self.count > len(self.rows) else ""
        return f"{self.check}: {self.count} row(s)\n    " + "\n    ".join(self.rows) + more


def check_names(folder: Path = CHECKS_DIR) -> list[Path]:
    return sorted(folder.glob(f"*{SUFFIX}"))


def failures(store: ox.Store, folder: Path = CHECKS_DIR, *, limit: int = 5) -> list[Failure]:
    """The checks that found something, each with its first ``limit`` rows."""
    found: list[Failure] = []
    for path in check_names(folder):
        result = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions), f"{path.name} is not a SELECT query"
        names = [v.value for v in result.variables]
        rows = [" ".join(f"{n}={row[n]}" for n in names if row[n] is not None) for row in result]
        if rows:
            found.append(Failure(path.name.removesuffix(SUFFIX), rows[:limit], len(rows)))
    return found


def run_checks(store: ox.Store, progress: Progress, folder: Path = CHECKS_DIR) -> None:
    """Raise ``BuildError`` naming each failed check and a few of its rows."""
    t0 = time.perf_counter()
    failed = failures(store, folder)
    if failed:
        raise BuildError(f"{len(failed)} data-quality check(s) failed, nothing was published:\n  "
                         + "\n  ".join(f.summary() for f in failed))
    progress(f"[checks] {len(check_names(folder))} data-quality checks passed ({time.perf_counter() - t0:.1f} s)")
