"""What every ingester shares: its context, and (re-exported from :mod:`ecograph.ingest.readers.common`)
its error and the CSV helpers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecograph.ingest.identity import Identity
from ecograph.ingest.lookups import Lookups
from ecograph.ingest.readers.common import (  # noqa: F401 - re-exported
    CsvStop,
    IngestError,
    Progress,
    Record,
    checked_rows,
    csv_records,
    csv_rows,
    not_utf8,
    open_text,
    scan_csv,
    to_stderr,
    utf8_error,
)
from ecograph.ingest.readers.kbo_region import Scan
from ecograph.ingest.readers.kbo_zip import KboZip


@dataclass
class IngestContext:
    """Inputs of one ingester run, and the counts it reports back."""

    base: str
    files: dict[str, Path]
    data_dir: Path
    identity: Identity | None = None
    #: what several ingesters read (REFNIS, ROR, KBO, the curated facts), read once per build: the
    #: build hands one :class:`~ecograph.ingest.lookups.Lookups` to every ingester; a context made
    #: without one gets its own
    lookups: Lookups = field(default_factory=Lookups)
    progress: Progress = to_stderr
    rows_read: int = 0
    rows_rejected: int = 0
    rejected_reasons: Counter[str] = field(default_factory=Counter)

    def id(self, kind: str, key: str) -> str:
        return f"{self.base}/id/{kind}/{key}"

    def reject(self, reason: str) -> None:
        """Count a row left out on purpose (not an error: e.g. outside the scope of the graph)."""
        self.rows_rejected += 1
        self.rejected_reasons[reason] += 1

    def kbo_region(self, zip_path: Path) -> tuple[KboZip, Scan]:
        """The shared KBO region scan of ``zip_path`` (:meth:`Lookups.kbo_region`) with this run's inputs."""
        return self.lookups.kbo_region(zip_path, **self._kbo_inputs())

    def kbo_keys(self, zip_path: Path) -> dict[str, str]:
        """KBO number → organisation key for the enterprises the KBO graph of the same extract describes."""
        return self.lookups.kbo_keys(zip_path, **self._kbo_inputs())

    def _kbo_inputs(self) -> dict[str, Any]:
        return {"regions": self.data_dir / "regions.csv", "postcodes": self.files.get("postcodes"),
                "refnis": self.files.get("refnis"), "identity": self.identity, "progress": self.progress}

    def file(self, name: str) -> Path:
        try:
            return self.files[name]
        except KeyError:
            raise IngestError(name, None, "input file not provided") from None
