"""Interface labels of the viewer in English and Dutch.

Data labels (sectors, stages, places) come from the graph's ``skos:prefLabel``; this module only
holds the words of the interface itself. A missing Dutch string falls back to English, and a
missing key shows the key, so a forgotten label is visible instead of failing a page.
"""

from __future__ import annotations

from ecograph.web.viewer.i18n_changes import CHANGES_STRINGS
from ecograph.web.viewer.i18n_reports import REPORT_STRINGS

LANGUAGES = ("en", "nl")
DEFAULT_LANGUAGE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "site.name": {"en": "ecograph", "nl": "ecograph"},
    "site.tagline": {
        "en": "A knowledge graph of the Leuven innovation region",
        "nl": "Een kennisgraaf van de Leuvense innovatieregio",
    },
    "nav.home": {"en": "Home", "nl": "Start"},
    "nav.dashboard": {"en": "Gap dashboard", "nl": "Hiaten"},
    "nav.network": {"en": "Network", "nl": "Netwerk"},
    "nav.questions": {"en": "Saved questions", "nl": "Bewaarde vragen"},
    "nav.editor": {"en": "SPARQL editor", "nl": "SPARQL-editor"},
    "nav.ontology": {"en": "Ontology", "nl": "Ontologie"},
    "nav.skip": {"en": "Skip to content", "nl": "Naar de inhoud"},
    "nav.language": {"en": "Language", "nl": "Taal"},
    "footer.licence": {"en": "Data licence", "nl": "Licentie van de data"},
    "footer.built": {"en": "Graph built", "nl": "Graaf gebouwd"},
    # home
    "home.title": {"en": "What is in the graph", "nl": "Wat zit er in de graaf"},
    "home.intro": {
        "en": "Organisations of the Leuven innovation region, what they do along the value chain "
        "(research, prototyping, production, market), how they are related, and where they are.",
        "nl": "Organisaties van de Leuvense innovatieregio, wat ze doen in de waardeketen "
        "(onderzoek, prototypering, productie, markt), hoe ze verbonden zijn en waar ze zitten.",
    },
    "home.entry": {"en": "Where to start", "nl": "Waar beginnen"},
    "home.entry.dashboard": {
        "en": "Where are the region's value chains broken? Sector and megatrend by stage.",
        "nl": "Waar zijn de waardeketens van de regio gebroken? Sector en megatrend per schakel.",
    },
    "home.entry.network": {
        "en": "Organisations and their relations: spin-offs, members, partners.",
        "nl": "Organisaties en hun relaties: spin-offs, leden, partners.",
    },
    "home.entry.questions": {
        "en": "Ready-made questions with a form, a table, a chart and downloads.",
        "nl": "Kant-en-klare vragen met een formulier, een tabel, een grafiek en downloads.",
    },
    "home.entry.editor": {
        "en": "Write your own SPARQL against the public endpoint.",
        "nl": "Schrijf je eigen SPARQL tegen het publieke eindpunt.",
    },
    "home.kinds": {"en": "Organisations per kind", "nl": "Organisaties per soort"},
    "home.sources": {"en": "Sources", "nl": "Bronnen"},
    "home.source": {"en": "Source", "nl": "Bron"},
    "home.publisher": {"en": "Publisher", "nl": "Uitgever"},
    "home.licence": {"en": "Licence", "nl": "Licentie"},
    "home.triples": {"en": "Triples", "nl": "Triples"},
    "home.organisations": {"en": "Organisations", "nl": "Organisaties"},
    "home.retrieved": {"en": "Retrieved", "nl": "Opgehaald"},
    "home.built": {"en": "Last build", "nl": "Laatste bouw"},
    "home.totals": {"en": "In numbers", "nl": "In cijfers"},
    "home.capabilities": {"en": "Capabilities", "nl": "Capaciteiten"},
    "home.relations": {"en": "Relations", "nl": "Relaties"},
    "home.municipalities": {"en": "Municipalities with organisations", "nl": "Gemeenten met organisaties"},
    "home.licence.text": {
        "en": "Each source keeps its own licence (listed below). The project's curated data and "
        "the ontology are published under CC BY 4.0.",
        "nl": "Elke bron behoudt haar eigen licentie (hieronder). De gecureerde data van het "
        "project en de ontologie staan onder CC BY 4.0.",
    },
    "home.total": {"en": "Total", "nl": "Totaal"},
    "home.opendata": {"en": "Open data", "nl": "Open data"},
    "home.opendata.text": {
        "en": "Every entity has a dereferenceable URI; the whole graph is open to machines too.",
        "nl": "Elke entiteit heeft een opvraagbare URI; de hele graaf staat ook open voor machines.",
    },
    "home.link.sparql": {"en": "SPARQL 1.1 endpoint", "nl": "SPARQL 1.1-eindpunt"},
    "home.link.dumps": {"en": "Dumps (Turtle, N-Triples, N-Quads, JSON-LD)",
                        "nl": "Dumps (Turtle, N-Triples, N-Quads, JSON-LD)"},
    "home.link.void": {"en": "VoID description", "nl": "VoID-beschrijving"},
    "home.link.catalog": {"en": "DCAT-AP catalogue", "nl": "DCAT-AP-catalogus"},
    "home.link.ontology": {"en": "Ontology documentation", "nl": "Documentatie van de ontologie"},
    "home.link.docs": {"en": "HTTP API (OpenAPI)", "nl": "HTTP-API (OpenAPI)"},
    # dashboard
    "dash.title": {"en": "Gap dashboard", "nl": "Hiatendashboard"},
    "dash.intro": {
        "en": "Number of organisations in the region per cell. An empty cell is a missing link of "
        "the value chain only when the data rules out every organisation: otherwise it is marked ? with "
        "the number of organisations that could be there (in the sector with no known stage or place, "
        "or in the region with no sector). A cell held by a single organisation is fragile. The small "
        "number is the wider ring.",
        "nl": "Aantal organisaties in de regio per cel. Een lege cel is pas een ontbrekende schakel "
        "van de waardeketen als de gegevens elke organisatie uitsluiten: anders staat er ? met het "
        "aantal organisaties die er zouden kunnen zijn (in de sector zonder gekende schakel of plaats, "
        "of in de regio zonder sector). Een cel met één organisatie is kwetsbaar. Het kleine getal is "
        "de ruimere ring.",
    },
    "dash.region": {"en": "Region", "nl": "Regio"},
    "dash.ring": {"en": "Wider ring", "nl": "Ruimere ring"},
    "dash.cluster": {"en": "Cluster", "nl": "Cluster"},
    "dash.kind": {"en": "Kind of organisation", "nl": "Soort organisatie"},
    "dash.all": {"en": "all", "nl": "alle"},
    "dash.apply": {"en": "Show", "nl": "Toon"},
    "dash.sectors": {"en": "Sector × value-chain stage", "nl": "Sector × schakel van de waardeketen"},
    "dash.megatrends": {"en": "Megatrend × value-chain stage", "nl": "Megatrend × schakel van de waardeketen"},
    "dash.legend.zero": {"en": "none, and nothing unknown: a gap", "nl": "geen, en niets onbekend: een hiaat"},
    "dash.legend.one": {"en": "one organisation only", "nl": "slechts één organisatie"},
    "dash.legend.many": {"en": "more organisations, darker", "nl": "meer organisaties, donkerder"},
    "dash.cell": {"en": "Organisations behind the cell", "nl": "Organisaties achter de cel"},
    "dash.cell.none": {
        "en": "No organisation of the region has this capability.",
        "nl": "Geen enkele organisatie van de regio heeft deze capaciteit.",
    },
    "dash.cell.hint": {
        "en": "Choose a cell to list the organisations behind it.",
        "nl": "Kies een cel om de organisaties erachter te zien.",
    },
    "dash.gaps": {"en": "confirmed gaps", "nl": "bevestigde hiaten"},
    "dash.unknowns": {"en": "empty cells with unknowns", "nl": "lege cellen met onbekenden"},
    "dash.na.cells": {"en": "cells not applicable", "nl": "cellen niet van toepassing"},
    "dash.unclassified": {"en": "N organisations of the region have no sector (data coverage)",
                          "nl": "N organisaties van de regio hebben geen sector (datadekking)"},
    "dash.unknown.cell": {"en": "0 known · N that could be here: stage, place or sector unknown",
                          "nl": "0 gekend · N die hier zouden kunnen zijn: schakel, plaats of sector onbekend"},
    "dash.na": {"en": "not applicable to this sector", "nl": "niet van toepassing voor deze sector"},
    "dash.na.short": {"en": "n/a", "nl": "n.v.t."},
    "dash.legend.unknown": {"en": "none known, but some whose stage, place or sector is unknown",
                            "nl": "geen gekend, maar sommige met onbekende schakel, plaats of sector"},
    "dash.legend.na": {"en": "stage does not apply", "nl": "schakel niet van toepassing"},
    "dash.cell.na": {"en": "The sector scheme says this stage does not exist for the sector: not a gap.",
                     "nl": "Volgens het sectorschema bestaat deze schakel niet voor de sector: geen hiaat."},
    "dash.cell.unknown": {
        "en": "No organisation of the region is known to have this capability, but the data does not say "
              "it is missing: the organisations below are in the sector without a known stage or place, and "
              "the region's organisations without a sector (headline) could be here too.",
        "nl": "Van geen enkele organisatie van de regio is deze capaciteit gekend, maar de gegevens zeggen niet "
              "dat ze ontbreekt: de organisaties hieronder zitten in de sector zonder gekende schakel of plaats, "
              "en ook de organisaties van de regio zonder sector (bovenaan) zouden hier kunnen zijn.",
    },
    "dash.cell.coverage": {"en": "What the data lacks for this sector in the region (data coverage)",
                           "nl": "Wat de gegevens missen voor deze sector in de regio (datadekking)"},
    "dash.cell.stage_unknown": {"en": "In the sector, stage unknown", "nl": "In de sector, schakel onbekend"},
    "dash.cell.unplaced": {"en": "In the sector, place unknown", "nl": "In de sector, plaats onbekend"},
    "dash.single": {"en": "single-organisation cells", "nl": "cellen met één organisatie"},
    "dash.saved": {"en": "Same numbers as the saved question", "nl": "Dezelfde cijfers als de bewaarde vraag"},
    "dash.gap": {"en": "gap", "nl": "hiaat"},
    "dash.fragile": {"en": "single organisation", "nl": "één organisatie"},
    # two regions side by side (web/viewer/compare.py)
    "cmp.compare": {"en": "Compare with", "nl": "Vergelijk met"},
    "cmp.vs": {"en": "vs", "nl": "vs"},
    "cmp.peers": {"en": "Suggested peers", "nl": "Voorgestelde vergelijkingsregio's"},
    "cmp.all": {"en": "All regions", "nl": "Alle regio's"},
    "cmp.any": {"en": "Any region by code, name or list", "nl": "Eender welke regio via code, naam of lijst"},
    "cmp.any.hint": {"en": "A NIS code (24000), a NUTS code (BE242), a key (arrondissement-gent, region-vlaams-gewest) "
                           "or municipalities separated by commas (24062,24107 or leuven,tienen).",
                     "nl": "Een NIS-code (24000), een NUTS-code (BE242), een sleutel (arrondissement-gent, "
                           "region-vlaams-gewest) of gemeenten gescheiden door komma's "
                           "(24062,24107 of leuven,tienen)."},
    "cmp.missing": {"en": "No region or municipality “X” in the graph.",
                    "nl": "Geen regio of gemeente „X” in de graaf."},
    "cmp.diff": {"en": "Difference", "nl": "Verschil"},
    "cmp.both": {"en": "in both", "nl": "in beide"},
    "cmp.a-only": {"en": "only in A", "nl": "enkel in A"},
    "cmp.b-only": {"en": "only in B", "nl": "enkel in B"},
    "cmp.neither": {"en": "in neither", "nl": "in geen van beide"},
    "cmp.na": {"en": "not applicable", "nl": "niet van toepassing"},
    "cmp.unknown.a": {"en": "A: N unknown", "nl": "A: N onbekend"},
    "cmp.unknown.b": {"en": "B: N unknown", "nl": "B: N onbekend"},
    "cmp.uncertain": {"en": "of these with unknowns on an empty side (not a confirmed absence)",
                      "nl": "daarvan met onbekenden aan een lege kant (geen bevestigde afwezigheid)"},
    "cmp.note": {"en": "Each cell of the difference shows the organisations known in A | in B; ? A | B counts the "
                       "organisations that could be in an empty cell (stage, place or sector unknown).",
                 "nl": "Elke cel van het verschil toont de gekende organisaties in A | in B; ? A | B telt de "
                       "organisaties die in een lege cel zouden kunnen zitten (schakel, plaats of sector onbekend)."},
    "cmp.back": {"en": "Back to region A alone", "nl": "Terug naar regio A alleen"},
    "col.organisation": {"en": "Organisation", "nl": "Organisatie"},
    "col.kind": {"en": "Kind", "nl": "Soort"},
    "col.municipality": {"en": "Municipality", "nl": "Gemeente"},
    "col.capability": {"en": "Capability", "nl": "Capaciteit"},
    "col.sources": {"en": "Sources of the fact", "nl": "Bronnen van het feit"},
    "col.sector": {"en": "Sector", "nl": "Sector"},
    "col.stage": {"en": "Stage", "nl": "Schakel"},
    "col.relation": {"en": "Relation", "nl": "Relatie"},
    "col.year": {"en": "Year", "nl": "Jaar"},
    "derived": {"en": "derived by rule", "nl": "afgeleid door regel"},
    "org.stage_unknown": {"en": "Stage unknown in (counted as unknown, not as a gap)",
                          "nl": "Schakel onbekend in (geteld als onbekend, niet als hiaat)"},
    "org.abroad": {"en": "abroad", "nl": "in het buitenland"},
    "stated": {"en": "stated by the source", "nl": "zo vermeld door de bron"},
    # network
    "net.title": {"en": "Network of organisations", "nl": "Netwerk van organisaties"},
    "net.intro": {
        "en": "Each dot is an organisation, each line a relation. Click an organisation to open its "
        "page; use the search to find one.",
        "nl": "Elke stip is een organisatie, elke lijn een relatie. Klik op een organisatie om haar "
        "pagina te openen; gebruik het zoekveld om er een te vinden.",
    },
    "net.search": {"en": "Find an organisation", "nl": "Zoek een organisatie"},
    "net.relation": {"en": "Relation type", "nl": "Soort relatie"},
    "net.stage": {"en": "Stage", "nl": "Schakel"},
    "net.legend": {"en": "Legend", "nl": "Legende"},
    "net.colour": {"en": "Colour: cluster", "nl": "Kleur: cluster"},
    "net.shape": {"en": "Shape: kind", "nl": "Vorm: soort"},
    "net.capped": {
        "en": "Showing the {shown} best-connected of {total} organisations. Expand around an "
        "organisation to see more.",
        "nl": "De {shown} best verbonden van {total} organisaties worden getoond. Breid uit rond "
        "een organisatie om meer te zien.",
    },
    "net.counts": {"en": "{nodes} organisations, {edges} relations", "nl": "{nodes} organisaties, {edges} relaties"},
    "net.open": {"en": "Open page", "nl": "Open pagina"},
    "net.expand": {"en": "Expand neighbours", "nl": "Buren tonen"},
    "net.nojs": {
        "en": "The network view needs JavaScript. The organisations are also listed on the dashboard.",
        "nl": "De netwerkweergave heeft JavaScript nodig. De organisaties staan ook op het dashboard.",
    },
    "net.none": {"en": "no match", "nl": "geen resultaat"},
    "net.noise": {"en": "Without cluster", "nl": "Zonder cluster"},
    # entity pages
    "org.kind": {"en": "Kind", "nl": "Soort"},
    "org.names": {"en": "Names", "nl": "Namen"},
    "org.place": {"en": "Place", "nl": "Plaats"},
    "org.founded": {"en": "Founded", "nl": "Opgericht"},
    "org.website": {"en": "Website", "nl": "Website"},
    "org.identifiers": {"en": "Identifiers", "nl": "Identificatoren"},
    "org.capabilities": {"en": "Sectors and stages", "nl": "Sectoren en schakels"},
    "org.active": {"en": "Active in", "nl": "Actief in"},
    "org.relations": {"en": "Relations", "nl": "Relaties"},
    "org.sources": {"en": "Sources", "nl": "Bronnen"},
    "org.graph": {"en": "Graph", "nl": "Graaf"},
    "org.nomap": {"en": "No coordinates known.", "nl": "Geen coördinaten bekend."},
    "org.approx": {
        "en": "Approximate: the centre of the organisations known in the municipality.",
        "nl": "Benaderend: het midden van de gekende organisaties in de gemeente.",
    },
    "org.formats": {"en": "This page as data", "nl": "Deze pagina als data"},
    "org.none": {"en": "none known", "nl": "geen gekend"},
    "org.nace": {"en": "NACE classification", "nl": "NACE-classificatie"},
    "mun.title": {"en": "Municipality", "nl": "Gemeente"},
    "mun.who": {"en": "Who is there", "nl": "Wie zit er"},
    "mun.matrix": {"en": "Per cluster and stage", "nl": "Per cluster en schakel"},
    "mun.in": {"en": "Part of", "nl": "Deel van"},
    "mun.nis": {"en": "NIS code", "nl": "NIS-code"},
    "mun.empty": {"en": "No organisation known here.", "nl": "Geen organisatie gekend hier."},
    # saved questions
    "q.title": {"en": "Saved questions", "nl": "Bewaarde vragen"},
    "q.intro": {
        "en": "Each question is a saved SPARQL query. Open one to fill in its parameters, see the "
        "answer as a table and a chart, download it, or share it with a link.",
        "nl": "Elke vraag is een bewaarde SPARQL-query. Open er een om de parameters in te vullen, "
        "het antwoord als tabel en grafiek te zien, te downloaden of te delen met een link.",
    },
    "q.params": {"en": "Parameters", "nl": "Parameters"},
    "q.run": {"en": "Answer", "nl": "Beantwoord"},
    "q.answer": {"en": "Answer", "nl": "Antwoord"},
    "q.rows": {"en": "{n} rows", "nl": "{n} rijen"},
    "q.download": {"en": "Download", "nl": "Download"},
    "q.permalink": {"en": "Permalink", "nl": "Vaste link"},
    "q.chart": {"en": "Chart", "nl": "Grafiek"},
    "q.text": {"en": "The query", "nl": "De query"},
    "q.error": {"en": "The question could not be answered", "nl": "De vraag kon niet beantwoord worden"},
    "q.editor": {"en": "Open in the SPARQL editor", "nl": "Open in de SPARQL-editor"},
    "q.truncated": {"en": "Showing the first {n} rows.", "nl": "De eerste {n} rijen worden getoond."},
    "q.yes": {"en": "yes", "nl": "ja"},
    "q.no": {"en": "no", "nl": "nee"},
    "q.default": {"en": "default", "nl": "standaard"},
    # editor
    "ed.title": {"en": "SPARQL editor", "nl": "SPARQL-editor"},
    "ed.intro": {
        "en": "Queries run against this site's endpoint at {endpoint}. The saved questions are "
        "offered as examples.",
        "nl": "Query's lopen tegen het eindpunt van deze site op {endpoint}. De bewaarde vragen "
        "staan klaar als voorbeelden.",
    },
    "ed.examples": {"en": "Examples", "nl": "Voorbeelden"},
    "ed.nojs": {
        "en": "The editor needs JavaScript; the endpoint also answers plain HTTP requests.",
        "nl": "De editor heeft JavaScript nodig; het eindpunt beantwoordt ook gewone HTTP-verzoeken.",
    },
    # errors
    "err.notbuilt": {
        "en": "The graph is not built yet. Run `ecograph build` first.",
        "nl": "De graaf is nog niet gebouwd. Voer eerst `ecograph build` uit.",
    },
    "err.notfound": {"en": "Not found", "nl": "Niet gevonden"},
}
STRINGS.update(REPORT_STRINGS)  # the directory and the exports
STRINGS.update(CHANGES_STRINGS)  # the changes and trajectory pages

#: Organisation kinds (local names of the eco: classes), most specific first.
KIND_LABELS: dict[str, dict[str, str]] = {
    "StartUp": {"en": "Start-up or spin-off", "nl": "Start-up of spin-off"},
    "University": {"en": "University", "nl": "Universiteit"},
    "UniversityCollege": {"en": "University college", "nl": "Hogeschool"},
    "ResearchCentre": {"en": "Research centre", "nl": "Onderzoekscentrum"},
    "Hospital": {"en": "Hospital", "nl": "Ziekenhuis"},
    "Company": {"en": "Company", "nl": "Bedrijf"},
    "GovernmentBody": {"en": "Government body", "nl": "Overheid"},
    "BusinessAssociation": {"en": "Business association", "nl": "Ondernemersorganisatie"},
    "IncubatorOrSciencePark": {"en": "Incubator or science park", "nl": "Incubator of wetenschapspark"},
    "InvestorOrFund": {"en": "Investor or fund", "nl": "Investeerder of fonds"},
    "NetworkOrPlatform": {"en": "Network or platform", "nl": "Netwerk of platform"},
    "OtherOrganisation": {"en": "Other organisation", "nl": "Andere organisatie"},
}

#: Relation predicates by their local name; inverse ones are shown from the other side.
RELATION_LABELS: dict[str, dict[str, str]] = {
    "spinOffOf": {"en": "spin-off of", "nl": "spin-off van"},
    "hasSpinOff": {"en": "has spin-off", "nl": "heeft spin-off"},
    "memberOf": {"en": "member of", "nl": "lid van"},
    "hasMember": {"en": "has member", "nl": "heeft lid"},
    "partnerOf": {"en": "partner of", "nl": "partner van"},
    "subOrganizationOf": {"en": "part of", "nl": "deel van"},
    "hasSubOrganization": {"en": "has part", "nl": "heeft onderdeel"},
    "acquiredBy": {"en": "acquired by", "nl": "overgenomen door"},
    "acquired": {"en": "acquired", "nl": "nam over"},
    "fundedBy": {"en": "funded by", "nl": "gefinancierd door"},
    "funds": {"en": "funds", "nl": "financiert"},
    "collaboratesWith": {"en": "collaborates with", "nl": "werkt samen met"},
    "locatedInPark": {"en": "located in park", "nl": "gevestigd in park"},
    "hostsOrganisation": {"en": "hosts", "nl": "huisvest"},
}


def normalise_language(value: str | None) -> str | None:
    """``"nl-BE"`` → ``"nl"``; None when the value is not one of ours."""
    if not value:
        return None
    code = value.strip().lower()[:2]
    return code if code in LANGUAGES else None


def choose_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The explicit choice (``?lang=``), then the remembered one (cookie), then the browser's."""
    for candidate in (query, cookie):
        lang = normalise_language(candidate)
        if lang:
            return lang
    if accept:
        for part in accept.split(","):
            lang = normalise_language(part.split(";")[0])
            if lang:
                return lang
    return DEFAULT_LANGUAGE


def translate(key: str, lang: str, **values: object) -> str:
    """The interface string ``key`` in ``lang``, with ``{name}`` placeholders filled."""
    entry = STRINGS.get(key)
    text = key if entry is None else entry.get(lang) or entry.get(DEFAULT_LANGUAGE, key)
    return text.format(**values) if values else text


def kind_label(kind: str, lang: str) -> str:
    entry = KIND_LABELS.get(kind)
    return entry.get(lang, entry["en"]) if entry else kind


def relation_label(local_name: str, lang: str) -> str:
    entry = RELATION_LABELS.get(local_name)
    return entry.get(lang, entry["en"]) if entry else local_name
