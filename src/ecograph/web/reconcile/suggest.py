"""Suggest services (entity, type, property: prefix matching as OpenRefine's autocomplete asks) and the
preview card of an organisation.

A suggestion matches when a name or an alias starts with the typed prefix, or one of its words
does (``leuv`` finds ``KU Leuven``); whole-name prefixes come first, then names before aliases,
then shorter names. The preview is a small HTML card without scripts: every value is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ecograph.model import names
from ecograph.web.reconcile.extend import PROPERTIES, property_json
from ecograph.web.reconcile.index import Entity, Index

PAGE = 10


def _rank(label: str, prefix: str) -> int | None:
    """0: the label starts with the prefix, 1: one of its words does, None: neither."""
    if label.startswith(prefix):
        return 0
    if f" {prefix}" in f" {label}":
        return 1
    return None


def suggest_entities(index: Index, prefix: str, describe: Any, cursor: int = 0, limit: int = PAGE,
                     kind: str | None = None) -> list[dict[str, Any]]:
    """Organisations whose name or alias (or a word of it) starts with ``prefix``."""
    folded = names.fold(prefix)
    if not folded:
        return []
    best: dict[str, tuple[int, bool, int, str]] = {}
    for key, entity in index.entities.items():
        if kind and kind not in entity.kinds:
            continue
        for text, is_name in [(entity.name, True)] + [(a, False) for a in entity.aliases]:
            rank = _rank(names.fold(text), folded)
            if rank is not None:
                order = (rank, not is_name, len(entity.name), entity.name)
                if key not in best or order < best[key]:
                    best[key] = order
    chosen = sorted(best, key=lambda k: (best[k], k))[cursor:cursor + limit]
    return [describe(index.entities[key]) for key in chosen]


def suggest_types(index: Index, prefix: str) -> list[dict[str, Any]]:
    folded = names.fold(prefix)
    out = []
    for iri, concept in index.types.items():
        texts = [iri.rsplit("#", 1)[-1]] + list(concept.labels.values())
        ranks = [r for r in (_rank(names.fold(t), folded) for t in texts) if r is not None]
        if ranks or not folded:
            out.append((min(ranks, default=0), concept.label(), {"id": iri, "name": concept.label()}))
    return [item for _, _, item in sorted(out, key=lambda t: t[:2])]


def suggest_properties(prefix: str) -> list[dict[str, Any]]:
    folded = names.fold(prefix)
    return [property_json(p) for p in PROPERTIES
            if not folded or any(_rank(names.fold(t), folded) is not None for t in (p.id, p.name))]


def card(index: Index, entity: Entity, view: str) -> str:
    """The preview card: name, kind, place, aliases, sectors and identifiers, with a link to the page."""
    kind = next((c.label() for i, c in index.types.items() if i.endswith("#" + entity.kind)), entity.kind)
    place = index.concepts[entity.municipality].label() if entity.municipality in index.concepts else entity.country
    facts = [("Kind", kind), ("Municipality", place or ""),
             ("Aliases", ", ".join(entity.aliases[:6])),
             ("Sectors", ", ".join(sorted(index.concepts[s].label() for s in entity.sectors if s in index.concepts))),
             ("ROR", ", ".join(sorted(entity.ror))), ("Wikidata", ", ".join(sorted(entity.wikidata))),
             ("KBO", ", ".join(sorted(entity.kbo))), ("Website", ", ".join(sorted(entity.websites)))]
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in facts if value)
    return (f'<div class="ecograph-card"><p><a href="{escape(view, quote=True)}" target="_blank" rel="noopener">'
            f"<strong>{escape(entity.name)}</strong></a> <small>{escape(entity.key)}</small></p>"
            f"<table>{rows}</table></div>")


def preview_page(index: Index, entity: Entity, view: str) -> str:
    style = ("body{font:13px sans-serif;margin:6px}table{border-collapse:collapse}"
             "th{text-align:left;padding-right:8px;vertical-align:top;color:#555}")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(entity.name)}</title>'
            f"<style>{style}</style></head><body>{card(index, entity, view)}</body></html>")
