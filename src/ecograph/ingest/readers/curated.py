"""The curated CSVs (``data/curated/organisations.csv`` and ``relations.csv``) as rows, and the facts
other sources take from them: which capabilities the curated graph states, which relations, which
organisation has a founding year or a ROR id, and the rows the identity matcher is made of.

The files are read once per build (:class:`ecograph.ingest.lookups.Lookups` keeps them as a
:class:`~ecograph.ingest.readers.table.Table`); :func:`curated_rows` checks them by the curated
ingester's rules (an exact header), the other views by their own, as each did reading the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ecograph.ingest.identity import split_list
from ecograph.ingest.readers.common import CsvStop, IngestError, Record, not_utf8, open_text, scan_csv
from ecograph.ingest.readers.table import Table
from ecograph.model.schemes import cluster_keys, sectors_for_nace

ORG_COLUMNS = (
    "id", "name", "alt_names", "org_type", "municipality_nis", "municipality_name",
    "founded_year", "website", "ror_id", "wikidata_qid", "clusters", "nace_division", "stages",
    "source_urls",
)
#: optional columns: a file may leave them out (older extracts) or have them, in any order, after the
#: required ones
ORG_OPTIONAL = ("capabilities", "country")
REL_COLUMNS = ("subject_id", "relation", "object_id", "year", "source_url")


def curated_rows(records: Iterable[Record], path: Path, columns: tuple[str, ...],
                 optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """(physical line, row) for each data row; IngestError on a bad header or column count.

    The header is ``columns`` followed by any of ``optional`` (in any order); a row gets ``""``
    for an optional column the file does not have."""
    found = iter(records)
    try:
        first = next(found, None)
        names = tuple(h.strip() for h in (first[1] if first else ()))
        extra = names[len(columns):]
        if first is None or names[:len(columns)] != columns or len(set(extra)) != len(extra) or any(
                c not in optional for c in extra):
            hint = f" (then optionally, in any order: {','.join(optional)})" if optional else ""
            raise IngestError(path, 1, f"header must be {','.join(columns)}{hint}")
        missing = {c: "" for c in optional if c not in extra}
        for start, cells in found:
            if not cells:
                continue  # a blank line
            if len(cells) != len(names):
                raise IngestError(path, start, f"{len(cells)} columns instead of {len(names)}")
            yield start, {c: v.strip() for c, v in zip(names, cells, strict=True)} | missing
    except CsvStop as stop:
        raise stop.error(path, stop.start, "CSV syntax") from None


def read_rows(path: Path, columns: tuple[str, ...],
              optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """:func:`curated_rows` of the file ``path``, read as a stream."""
    with open_text(path) as handle:
        yield from curated_rows(scan_csv(handle), path, columns, optional)


def sectors_of_cluster(cluster: str, divisions: list[str]) -> list[tuple[str, str | None]]:
    """(sector key, NACE division that chose it) for one cluster of an organisation.

    Each NACE division picks its sub-sector(s) of the cluster by the rule of docs/MODEL.md
    (:func:`ecograph.model.schemes.sectors_for_nace`, asked about this one cluster so that a division
    only narrows the cluster it belongs to); with none picked the capability is on the cluster
    itself (division None).
    """
    chosen: dict[str, str] = {}
    for division in divisions:
        for sector in sectors_for_nace(division, {cluster}):
            if sector != cluster:
                chosen.setdefault(sector, division)
    if not chosen:
        return [(cluster, None)]
    return sorted(chosen.items())


def capability_keys(table: Table) -> set[str]:
    """Capability keys (``org.sector.stage``) that the curated graph states, from its organisations.

    A source that derives the same capability adds only its sources to the node: a second
    ``eco:derivationRule`` would break the shapes' maxCount.
    """
    keys: set[str] = set()
    for _line, row in table.rows(("id", "clusters", "nace_division", "stages")):
        divisions = split_list(row["nace_division"])
        for cluster in split_list(row["clusters"]):
            if cluster not in cluster_keys():
                continue
            for sector, _division in sectors_of_cluster(cluster, divisions):
                for stage in split_list(row["stages"]):
                    keys.add(f"{row['id']}.{sector}.{stage}")
    return keys


def statement_keys(table: Table) -> set[str]:
    """Statement keys of the curated relations (``a.collaborates_with.b``)."""
    return {f"{r['subject_id']}.{r['relation']}.{r['object_id']}" for _l, r in table.rows(REL_COLUMNS)}


def known_facts(table: Table) -> dict[str, tuple[bool, bool]]:
    """Curated key → (has a founding year, has a ROR id): what another source already gives it."""
    return {r["id"]: (bool(r["founded_year"]), bool(split_list(r["ror_id"])))
            for _l, r in table.rows(("id", "founded_year", "ror_id"))}


def identity_rows(table: Table) -> Iterator[Mapping[str, str]]:
    """The rows as :class:`csv.DictReader` gives them, for :class:`~ecograph.ingest.identity.Identity`.

    As lenient as that reader: a short row lacks the last columns, a CSV syntax error ends the
    rows (the curated ingester reports it); a byte that is not UTF-8 is an error naming its line.
    """
    found = table.replay()
    try:
        first = next(found, None)
        header = first[1] if first else []
        for _line, cells in found:
            if cells:
                yield dict(zip(header, cells, strict=False))
    except CsvStop as stop:
        if isinstance(stop.cause, UnicodeDecodeError):
            raise not_utf8(table.path, stop.cause) from None

