"""KBO enterprises and establishment units → organisations and sites.

Per enterprise: ``B/id/org/kbo-<10 digits>`` (or the curated key when :class:`Identity` matches one of
its names unambiguously; then only identifiers, aliases, activities and sources are added, with the
evidence), legal name (Dutch first), legal form, status, start date. Establishment units in the
region become ``B/id/site/<number>`` (``org:Site``) located in their municipality and linked to
their enterprise.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecograph.ingest.base import IngestContext
from ecograph.ingest.identity import normalise_name
from ecograph.ingest.readers.kbo_region import Enterprise, Unit
from ecograph.ingest.readers.kbo_zip import digits
from ecograph.model.namespaces import DCTERMS, ECO, ORG, RDF, RDFS, SCHEMA, XSD
from ecograph.model.nt import Triple, iri, lit

# Terms not (yet) in namespaces.ECO / ORG; see the report to the lead.
ECO_MATCH_EVIDENCE = ECO.matchEvidence
ECO_LEGAL_FORM = ECO.legalForm
ECO_LEGAL_STATUS = ECO.legalStatus
ECO_START_DATE = ECO.startDate
ECO_MAIN_ACTIVITY = ECO.mainActivity
ORG_SITE_OF = ORG.base + "siteOf"
ORG_HAS_SITE = ORG.base + "hasSite"
KBO_PAGE = "https://kbopub.economie.fgov.be/kbopub/toonondernemingps.html?ondernemingsnummer="
KBO_UNIT_PAGE = "https://kbopub.economie.fgov.be/kbopub/toonvestigingps.html?vestigingsnummer="
STATUS_LABEL = {"AC": "active", "ST": "stopped"}


def _kind(ent: Enterprise, forms: dict[str, str]) -> str:
    """Class from the legal form's label: non-profits and foundations, public bodies, companies."""
    label = normalise_name(forms.get(ent.form, ""))
    if any(w in label for w in ("zonder winstoogmerk", "stichting", "sans but lucratif", "fondation")):
        return ECO.OtherOrganisation
    if any(w in label for w in ("publiekrechtelijk", "openbaar", "overheid", "gemeente", "provincie",
                                "ocmw", "droit public", "autorite", "federale", "vlaamse")):
        return ECO.GovernmentBody
    return ECO.Company


def enterprise_triples(ctx: IngestContext, ent: Enterprise, forms: dict[str, str]) -> Iterator[Triple]:
    s = iri(ctx.id("org", ent.key))
    page = iri(KBO_PAGE + digits(ent.number))
    new = ent.key.startswith("kbo-")
    names = sorted(ent.names)
    legal = ent.legal_name
    if new:
        yield s, iri(RDF.type), iri(_kind(ent, forms))
        yield s, iri(RDFS.label), lit(legal)
        yield s, iri(SCHEMA.name), lit(legal)
        if ent.start:
            yield s, iri(SCHEMA.foundingDate), lit(ent.start[:4], datatype=XSD.gYear)
        if ent.nis:
            yield s, iri(ECO.locatedIn), iri(ctx.id("municipality", ent.nis))
    else:
        yield s, iri(ECO_MATCH_EVIDENCE), lit(ent.evidence)
    seen = {legal} if new else set()
    for _kind_order, _lang_order, tag, name in names:
        if name not in seen:
            seen.add(name)
            yield s, iri(SCHEMA.alternateName), lit(name, lang=tag or None)
    yield s, iri(ECO.kboNumber), lit(ent.number)
    if ent.form:
        yield s, iri(ECO_LEGAL_FORM), lit(forms.get(ent.form, ent.form))
    if ent.status:
        yield s, iri(ECO_LEGAL_STATUS), lit(STATUS_LABEL.get(ent.status, ent.status))
    if ent.start:
        yield s, iri(ECO_START_DATE), lit(ent.start, datatype=XSD.date)
    for url in dict.fromkeys(ent.urls):
        yield s, iri(SCHEMA.url), iri(url)
    yield s, iri(DCTERMS.source), page


def unit_triples(ctx: IngestContext, unit: Unit, ent: Enterprise) -> Iterator[Triple]:
    s = iri(ctx.id("site", digits(unit.number)))
    org = iri(ctx.id("org", ent.key))
    label = sorted(unit.names)[0][1] if unit.names else f"{ent.legal_name} ({unit.number})"
    yield s, iri(RDF.type), iri(ORG.Site)
    yield s, iri(RDFS.label), lit(label)
    yield s, iri(ECO.locatedIn), iri(ctx.id("municipality", unit.nis))
    yield s, iri(ORG_SITE_OF), org
    yield org, iri(ORG_HAS_SITE), s
    if unit.start:
        yield s, iri(ECO_START_DATE), lit(unit.start, datatype=XSD.date)
    yield s, iri(DCTERMS.source), iri(KBO_UNIT_PAGE + digits(unit.number))
