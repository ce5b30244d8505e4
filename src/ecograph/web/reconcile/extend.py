"""Data extension: the columns OpenRefine can add from reconciled organisations, and the property catalogue.

The property ids are short and stable (``municipality``, ``sector``, ``ror``, …); the manifest's
``propose_properties`` and the property suggest service list them with their names. The
query properties of ``/reconcile`` (``municipality``, ``website``, ``ror``, ``kbo``,
``wikidata``) are among them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecograph.web.reconcile.index import Entity, Index
from ecograph.web.reconcile.scoring import BadQuery


@dataclass(frozen=True)
class Property:
    id: str
    name: str
    description: str
    cells: Callable[[Index, Entity], list[dict[str, Any]]]
    query: bool = False  # also a property a reconciliation query may give


def _strs(values: Any) -> list[dict[str, Any]]:
    return [{"str": str(v)} for v in sorted(values) if v]


def _labels(index: Index, iris: Any) -> list[dict[str, Any]]:
    return _strs({index.concepts[i].label() if i in index.concepts else i.rsplit("/", 1)[-1] for i in iris})


def _municipality(index: Index, entity: Entity) -> list[dict[str, Any]]:
    if entity.municipality:
        concept = index.concepts.get(entity.municipality)
        label = (concept.labels.get("nl") or concept.label()) if concept else entity.municipality
        return [{"str": label}]
    return []


PROPERTIES = (
    Property("name", "Name", "The display name (rdfs:label)", lambda ix, e: _strs([e.name])),
    Property("aliases", "Aliases", "Other names and acronyms (schema:alternateName)", lambda ix, e: _strs(e.aliases)),
    Property("kind", "Kind", "The most specific kind of organisation (an eco: class)",
             lambda ix, e: _strs([next((c.label() for i, c in ix.types.items() if i.endswith("#" + e.kind)), e.kind)])),
    Property("municipality", "Municipality", "The municipality it is located in (eco:locatedIn), its Dutch name",
             _municipality, query=True),
    Property("nis", "NIS code", "The NIS (REFNIS) code of its municipality",
             lambda ix, e: _strs([ix.concepts[e.municipality].notation]
                                 if e.municipality in ix.concepts else [])),
    Property("country", "Country", "ISO 3166-1 code of its country, when outside Belgium (schema:addressCountry)",
             lambda ix, e: _strs([e.country])),
    Property("sector", "Sectors", "The sectors it is active in (eco:activeIn)", lambda ix, e: _labels(ix, e.sectors)),
    Property("stage", "Stages", "The value-chain stages of its capabilities (eco:stage)",
             lambda ix, e: _labels(ix, e.stages)),
    Property("website", "Website", "Its website (schema:url)", lambda ix, e: _strs(e.websites), query=True),
    Property("ror", "ROR id", "Research Organization Registry id (eco:ror), e.g. 05f950310",
             lambda ix, e: _strs(e.ror), query=True),
    Property("kbo", "KBO number", "Belgian enterprise number (eco:kboNumber), 0123.456.789",
             lambda ix, e: _strs(e.kbo), query=True),
    Property("wikidata", "Wikidata QID", "Wikidata item (eco:wikidata), e.g. Q833670",
             lambda ix, e: _strs(e.wikidata), query=True),
    Property("founded", "Founded", "Founding year (schema:foundingDate)", lambda ix, e: _strs([e.founded])),
    Property("iri", "IRI", "The organisation's IRI in the graph", lambda ix, e: _strs([e.iri])),
)
BY_ID = {p.id: p for p in PROPERTIES}
#: what the property proposal offers first (the columns the issue asks for)
PROPOSED = ("sector", "stage", "municipality", "ror", "kbo", "wikidata", "website", "kind", "aliases", "founded")


def property_json(prop: Property) -> dict[str, str]:
    return {"id": prop.id, "name": prop.name, "description": prop.description}


def propose(type_id: str | None, limit: int) -> dict[str, Any]:
    """The answer of ``propose_properties``: the same columns fit every kind of organisation."""
    chosen = [property_json(BY_ID[p]) for p in PROPOSED][:max(1, limit)]
    out: dict[str, Any] = {"properties": chosen, "limit": limit}
    if type_id:
        out["type"] = type_id
    return out


def extend(index: Index, request: Any) -> dict[str, Any]:
    """The answer to an ``extend`` request ``{"ids": […], "properties": [{"id": …}]}``: ``meta`` and ``rows``."""
    if not isinstance(request, dict) or not isinstance(request.get("ids"), list) \
            or not isinstance(request.get("properties"), list):
        raise BadQuery("'extend' is an object with the lists 'ids' and 'properties'")
    props = []
    for item in request["properties"]:
        pid = item.get("id") if isinstance(item, dict) else item
        if pid not in BY_ID:
            raise BadQuery(f"unknown property {pid!r}: see propose_properties")
        props.append(BY_ID[pid])
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for key in map(str, request["ids"]):
        entity = index.entities.get(key)
        rows[key] = {p.id: (p.cells(index, entity) if entity else []) for p in props}
    return {"meta": [{"id": p.id, "name": p.name} for p in props], "rows": rows}
