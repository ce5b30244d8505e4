"""What several ingesters read, read once per build: REFNIS, ROR, the KBO region, the curated CSVs.

The build makes one :class:`Lookups` and hands it to every ingester in ``ctx.lookups``; each lookup
is computed on first use, from the file it names, and kept for the rest of the build (a failure
too: the next ingester that asks meets the same :class:`IngestError` without reading the file
again). An ingester never imports another ingester to learn what that one reads: it asks here.

Cached by file path, so the sources that list the same download (``refnis2025.nt`` is a file of
six sources) share one read. What is kept is small by design: the REFNIS tree (~600 units), the
ROR records of the Belgian extract, the region's part of the KBO extract (not the whole extract),
the curated CSVs and the few CSV tables of ``data/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ecograph.ingest.identity import Identity, normalise_name
from ecograph.ingest.readers import curated as curated_csv
from ecograph.ingest.readers.common import IngestError, Progress, to_stderr
from ecograph.ingest.readers.kbo_region import Scan, load_places, match_curated, region_members, scan
from ecograph.ingest.readers.kbo_zip import KboZip
from ecograph.ingest.readers.refnis import Refnis, load_refnis, municipality_names
from ecograph.ingest.readers.ror import RorRecord, iter_json_array, record_key
from ecograph.ingest.readers.table import Table

if TYPE_CHECKING:
    from ecograph.ingest.places import Municipalities

T = TypeVar("T")
RorDumps = tuple[tuple[Path, int], ...]  # (dump, schema version) in the order they are read: v2 first


class Lookups:
    """The shared lookups of one build (see the module docstring)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], tuple[Any, IngestError | None]] = {}
        self._ror: dict[tuple[Path, int], tuple[list[RorRecord], IngestError | None]] = {}
        self._zips: list[KboZip] = []

    def _once(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        if key not in self._cache:
            try:
                self._cache[key] = (compute(), None)
            except IngestError as exc:
                self._cache[key] = (None, exc)
        value, error = self._cache[key]
        if error is not None:
            raise error
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Close the files kept open (the KBO extract, whose ``activity.csv`` the kbo ingester streams)."""
        for kz in self._zips:
            kz.close()
        self._zips.clear()

    # -- CSV tables and REFNIS

    def table(self, path: Path) -> Table:
        """A comma-separated UTF-8 file of ``data/`` or the downloads, read once."""
        return self._once(("table", path), lambda: Table.read(path))

    def refnis(self, path: Path) -> Refnis:
        return self._once(("refnis", path), lambda: load_refnis(path))

    def municipality_names(self, path: Path) -> dict[str, str]:
        """Normalised municipality name → NIS code (:func:`~ecograph.ingest.readers.refnis.municipality_names`)."""
        return self._once(("names", path), lambda: municipality_names(self.refnis(path)))

    def municipalities(self, path: Path) -> Municipalities:
        """The municipalities by exact name (:mod:`ecograph.ingest.places`), from the REFNIS tree."""
        from ecograph.ingest.places import Municipalities

        return self._once(("municipalities", path), lambda: Municipalities.from_refnis(self.refnis(path)))

    # -- ROR

    def ror_dump(self, path: Path, schema: int) -> Iterator[RorRecord]:
        """The records of one dump in file order (duplicates included), then its error if it has one."""
        if (path, schema) not in self._ror:
            records: list[RorRecord] = []
            error = None
            try:
                for index, raw in iter_json_array(path):
                    records.append(RorRecord(path, index, raw, schema))
            except IngestError as exc:
                error = exc
            self._ror[(path, schema)] = (records, error)
        records, error = self._ror[(path, schema)]
        yield from records
        if error is not None:
            raise error

    def ror_by_id(self, dumps: list[tuple[Path, int]] | RorDumps) -> dict[str, RorRecord]:
        """Short ROR id → record, the first of the dumps (read in order) deciding, withdrawn ones included."""
        def compute() -> dict[str, RorRecord]:
            found: dict[str, RorRecord] = {}
            for path, schema in dumps:
                for rec in self.ror_dump(path, schema):
                    found.setdefault(rec.short, rec)
            return found

        return self._once(("ror", tuple(dumps)), compute)

    def ror_keys(self, dumps: list[tuple[Path, int]], identity: Identity | None,
                 ) -> tuple[dict[str, str | None], dict[str, str]]:
        """(normalised name → key or None when ambiguous, short ROR id → key) of the published records.

        Keys as the ROR ingester gives them: the curated key when ``identity`` matches the record,
        else ``ror-<short id>``; withdrawn records are not published and not indexed.
        """
        def compute() -> tuple[dict[str, str | None], dict[str, str]]:
            by_name: dict[str, str | None] = {}
            by_ror: dict[str, str] = {}
            for short, rec in self.ror_by_id(dumps).items():
                if rec.status == "withdrawn":
                    continue
                key = by_ror[short] = record_key(identity, rec)
                for name in [rec.display] + [n for n, _ in rec.names]:
                    norm = normalise_name(name)
                    if norm:
                        by_name[norm] = key if by_name.get(norm, key) == key else None
            return by_name, by_ror

        return self._once(("ror-keys", tuple(dumps), id(identity)), compute)

    # -- the curated organisations and relations

    def identity(self, organisations: Path) -> Identity:
        """The curated identity matcher (:class:`~ecograph.ingest.identity.Identity`)."""
        return self._once(("identity", organisations),
                          lambda: Identity(curated_csv.identity_rows(self.table(organisations))))

    def curated_capabilities(self, organisations: Path) -> set[str]:
        """Capability keys the curated graph states (none without the file)."""
        if not organisations.is_file():
            return set()
        return self._once(("capabilities", organisations),
                          lambda: curated_csv.capability_keys(self.table(organisations)))

    def curated_statements(self, relations: Path) -> set[str]:
        """Statement keys of the curated relations (none without the file)."""
        if not relations.is_file():
            return set()
        return self._once(("statements", relations), lambda: curated_csv.statement_keys(self.table(relations)))

    def curated_facts(self, organisations: Path) -> dict[str, tuple[bool, bool]]:
        """Curated key → (has a founding year, has a ROR id) (none without the file)."""
        if not organisations.is_file():
            return {}
        return self._once(("facts", organisations), lambda: curated_csv.known_facts(self.table(organisations)))

    # -- the region's part of the KBO extract

    def kbo_region(self, zip_path: Path, *, regions: Path, postcodes: Path | None, refnis: Path | None,
                   identity: Identity | None, progress: Progress = to_stderr) -> tuple[KboZip, Scan]:
        """The open extract and what every pass before ``activity.csv`` found (keys matched to ``identity``).

        Needs ``postcodes`` (the postcode table) or ``refnis`` to place addresses in the region.
        """
        def compute() -> tuple[KboZip, Scan]:
            if postcodes is None and refnis is None:
                raise IngestError("kbo", None, "needs the postcode table (postcodes) or the REFNIS file (refnis)")
            members = [m.strip() for m in region_members(self.table(regions)) if m.strip()]
            places = load_places(members, self.table(postcodes) if postcodes is not None else None,
                                 self.refnis(refnis) if refnis is not None else None,
                                 self.municipality_names(refnis) if refnis is not None else None, refnis)
            kz = KboZip(zip_path, progress)
            self._zips.append(kz)
            found = scan(kz, places)
            match_curated(found.enterprises.values(), identity)
            return kz, found

        return self._once(("kbo", zip_path, regions, postcodes, refnis, id(identity)), compute)

    def kbo_keys(self, zip_path: Path, *, regions: Path, postcodes: Path | None, refnis: Path | None,
                 identity: Identity | None, progress: Progress = to_stderr) -> dict[str, str]:
        """KBO number → organisation key, for the enterprises the KBO graph of the same extract describes."""
        _kz, found = self.kbo_region(zip_path, regions=regions, postcodes=postcodes, refnis=refnis,
                                     identity=identity, progress=progress)
        return {number: ent.key for number, ent in found.enterprises.items()}
