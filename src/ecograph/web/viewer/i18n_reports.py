"""Interface labels of the organisation directory and of the report exports (figures, tables, embeds).

Kept apart from ``i18n.py`` so neither module grows past its size; ``i18n.STRINGS`` includes these.
"""

from __future__ import annotations

REPORT_STRINGS: dict[str, dict[str, str]] = {
    "nav.organisations": {"en": "Organisations", "nl": "Organisaties"},
    "dir.title": {"en": "Organisation directory", "nl": "Organisatiegids"},
    "dir.intro": {
        "en": "Every organisation in the graph. Narrow the list with the facets (each click is a link you can "
        "share) and download exactly what you see.",
        "nl": "Alle organisaties in de graaf. Verfijn de lijst met de facetten (elke klik is een link die je kan "
        "delen) en download precies wat je ziet.",
    },
    "dir.count": {"en": "{n} organisations", "nl": "{n} organisaties"},
    "dir.search": {"en": "Name or alias", "nl": "Naam of alias"},
    "dir.find": {"en": "Search", "nl": "Zoeken"},
    "dir.clear": {"en": "Clear all filters", "nl": "Alle filters wissen"},
    "dir.active": {"en": "Active filters", "nl": "Actieve filters"},
    "dir.remove": {"en": "Remove this filter", "nl": "Deze filter verwijderen"},
    "dir.facets": {"en": "Facets", "nl": "Facetten"},
    "dir.none": {"en": "No organisation matches these filters.", "nl": "Geen organisatie voldoet aan deze filters."},
    "dir.sortby": {"en": "Sort by", "nl": "Sorteer op"},
    "dir.sort.name": {"en": "Name", "nl": "Naam"},
    "dir.sort.founded": {"en": "Founded", "nl": "Opgericht"},
    "dir.sort.municipality": {"en": "Municipality", "nl": "Gemeente"},
    "dir.pages": {"en": "Pages", "nl": "Pagina's"},
    "dir.prev": {"en": "Previous", "nl": "Vorige"},
    "dir.next": {"en": "Next", "nl": "Volgende"},
    "dir.page": {"en": "Page {page} of {pages}", "nl": "Pagina {page} van {pages}"},
    "dir.facet.cluster": {"en": "Cluster", "nl": "Cluster"},
    "dir.facet.sector": {"en": "Sub-sector", "nl": "Subsector"},
    "dir.facet.stage": {"en": "Stage", "nl": "Schakel"},
    "dir.facet.kind": {"en": "Kind", "nl": "Soort"},
    "dir.facet.municipality": {"en": "Municipality", "nl": "Gemeente"},
    "dir.facet.arrondissement": {"en": "Arrondissement", "nl": "Arrondissement"},
    "dir.facet.province": {"en": "Province", "nl": "Provincie"},
    "dir.facet.graph": {"en": "Source graph", "nl": "Brongraaf"},
    "dir.facet.unknown": {"en": "Unknown", "nl": "Onbekend"},
    "dir.facet.region": {"en": "Region", "nl": "Regio"},
    "dir.facet.cell": {"en": "Dashboard cell", "nl": "Cel van het dashboard"},
    "dir.unknown.stage": {"en": "stage unknown (in a sector)", "nl": "schakel onbekend (in een sector)"},
    "dir.unknown.place": {"en": "place unknown", "nl": "plaats onbekend"},
    "dir.unknown.sector": {"en": "sector unknown", "nl": "sector onbekend"},
    "dir.link": {"en": "In the directory", "nl": "In de organisatiegids"},
    "dir.link.cell": {"en": "These organisations in the directory", "nl": "Deze organisaties in de gids"},
    # exports
    "rep.figure": {"en": "Figure", "nl": "Figuur"},
    "rep.embed": {"en": "Embed", "nl": "Insluiten"},
    "rep.permalink": {"en": "Permalink (this build)", "nl": "Permalink (deze build)"},
    "rep.source": {"en": "Source", "nl": "Bron"},
    "rep.build": {"en": "build", "nl": "build"},
    "rep.licence": {"en": "licence", "nl": "licentie"},
    "rep.what": {"en": "What", "nl": "Wat"},
    "rep.param": {"en": "Parameter", "nl": "Parameter"},
    "rep.region": {"en": "Region", "nl": "Regio"},
    "rep.sources": {"en": "Source graph", "nl": "Brongraaf"},
    "rep.sheet.data": {"en": "data", "nl": "data"},
    "rep.sheet.about": {"en": "about", "nl": "over"},
    "rep.other_build": {
        "en": "This link names build {old}; the graph has been rebuilt since (now {new}), so the answer may differ.",
        "nl": "Deze link verwijst naar build {old}; de graaf is sindsdien herbouwd (nu {new}), dus het antwoord "
        "kan verschillen.",
    },
    "rep.gap": {"en": "0 = confirmed gap", "nl": "0 = bevestigd hiaat"},
    "rep.legend": {
        "en": "? n: none known, n could be there · n/a: stage does not apply · ! one organisation",
        "nl": "? n: geen gekend, n mogelijk · n.v.t.: schakel bestaat niet · ! één organisatie",
    },
}
