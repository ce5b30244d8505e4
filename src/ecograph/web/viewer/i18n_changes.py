"""Interface labels of the changes and trajectory pages; ``i18n.STRINGS`` includes these."""

from __future__ import annotations

CHANGES_STRINGS: dict[str, dict[str, str]] = {
    "nav.changes": {"en": "Changes", "nl": "Wijzigingen"},
    "chg.title": {"en": "What changed at each build", "nl": "Wat veranderde bij elke build"},
    "chg.intro": {
        "en": "Every build that changed the graph, newest first: organisations, capabilities and relations added "
        "or removed, and the gap dashboard's cells that opened or closed.",
        "nl": "Elke build die de graaf veranderde, nieuwste eerst: toegevoegde of verwijderde organisaties, "
        "capaciteiten en relaties, en de cellen van het hiatendashboard die open- of dichtgingen."},
    "chg.none": {"en": "No build has changed anything yet.", "nl": "Nog geen build heeft iets veranderd."},
    "chg.build": {"en": "Build {build}", "nl": "Build {build}"},
    "chg.added": {"en": "added", "nl": "toegevoegd"},
    "chg.removed": {"en": "removed", "nl": "verwijderd"},
    "chg.changed": {"en": "changed", "nl": "gewijzigd"},
    "chg.org": {"en": "Organisations", "nl": "Organisaties"},
    "chg.capability": {"en": "Capabilities", "nl": "Capaciteiten"},
    "chg.relation": {"en": "Relations", "nl": "Relaties"},
    "chg.graphs": {"en": "Per source graph", "nl": "Per brongraaf"},
    "chg.triples": {"en": "{added} triples added, {removed} removed",
                    "nl": "{added} triples toegevoegd, {removed} verwijderd"},
    "chg.cells": {"en": "Dashboard cells", "nl": "Cellen van het dashboard"},
    "chg.cellOpened": {"en": "gap opened (no organisation any more)", "nl": "hiaat ontstaan (geen organisatie meer)"},
    "chg.cellClosed": {"en": "gap closed", "nl": "hiaat gedicht"},
    "chg.cellBecameSingle": {"en": "now one organisation only", "nl": "nu nog maar één organisatie"},
    "chg.cellBecameUnknown": {"en": "from confirmed gap to unknown", "nl": "van bevestigd hiaat naar onbekend"},
    "chg.cellBecameConfirmedGap": {"en": "from unknown to confirmed gap", "nl": "van onbekend naar bevestigd hiaat"},
    "chg.figures": {"en": "Headline figures", "nl": "Kerncijfers"},
    "chg.latest": {"en": "Last build's changes", "nl": "Wijzigingen van de laatste build"},
    "chg.feed": {"en": "Atom feed", "nl": "Atom-feed"},
    "chg.previous": {"en": "compared with", "nl": "vergeleken met"},
    "chg.history": {"en": "{row} at {stage}: {path} since {since}", "nl": "{row} in {stage}: {path} sinds {since}"},
    "traj.title": {"en": "The region over time", "nl": "De regio door de tijd"},
    "traj.intro": {
        "en": "The headline figures after each build, and the organisations founded per year (from founding dates).",
        "nl": "De kerncijfers na elke build, en de organisaties opgericht per jaar (uit de oprichtingsdata)."},
    "traj.founded": {"en": "Organisations founded per year, per cluster",
                     "nl": "Organisaties opgericht per jaar, per cluster"},
    "fig.organisations": {"en": "organisations", "nl": "organisaties"},
    "fig.startups": {"en": "start-ups and spin-offs", "nl": "start-ups en spin-offs"},
    "fig.capabilities": {"en": "capabilities", "nl": "capaciteiten"},
    "fig.relations": {"en": "relations", "nl": "relaties"},
    "fig.spinoffs": {"en": "spin-off links", "nl": "spin-offrelaties"},
    "fig.cells-known": {"en": "cells with 2+ organisations", "nl": "cellen met 2+ organisaties"},
    "fig.cells-single": {"en": "cells with one organisation", "nl": "cellen met één organisatie"},
    "fig.cells-unknown": {"en": "cells unknown", "nl": "onbekende cellen"},
    "fig.cells-gap": {"en": "confirmed gaps", "nl": "bevestigde hiaten"},
}
