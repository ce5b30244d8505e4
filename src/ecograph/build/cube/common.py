"""The building blocks of the cube's datasets (RDF Data Cube): structures, observations, keys."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox

from ecograph.model.gaps import closure
from ecograph.model.namespaces import RDF, RDFS, XSD, sparql_prefixes

QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
REF_AREA = SDMX_DIMENSION + "refArea"


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def key(node: ox.NamedNode, prefix: str) -> str:
    """The key of ``<prefix><key>``; an IRI outside our pattern gets a stable hash instead."""
    value = node.value
    if value.startswith(prefix) and value[len(prefix) :].replace("_", "").replace("-", "").isalnum():
        return value[len(prefix) :]
    return "h" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


Component = tuple[str, str, str, str]  # (part, role: dimension/measure/attribute, property, code list or "")


def structure(base: str, name: str, labels: tuple[str, str], components: list[Component]) -> list[ox.Triple]:
    """A dataset ``<base>/id/dataset/<name>``, its data structure definition and its components."""
    a = iri(RDF.type)
    dataset = iri(f"{base}/id/dataset/{name}")
    dsd = iri(f"{base}/id/structure/{name}")
    out = [
        ox.Triple(dataset, a, iri(QB + "DataSet")),
        ox.Triple(dataset, iri(RDFS.label), ox.Literal(labels[0], language="en")),
        ox.Triple(dataset, iri(RDFS.label), ox.Literal(labels[1], language="nl")),
        ox.Triple(dataset, iri(QB + "structure"), dsd),
        ox.Triple(dsd, a, iri(QB + "DataStructureDefinition")),
    ]
    for order, (part, role, prop, code_list) in enumerate(components, start=1):
        spec = iri(f"{base}/id/component/{name}.{part}")
        out += [
            ox.Triple(dsd, iri(QB + "component"), spec),
            ox.Triple(spec, a, iri(QB + "ComponentSpecification")),
            ox.Triple(spec, iri(QB + role), iri(prop)),
            ox.Triple(spec, iri(QB + "order"), ox.Literal(str(order), datatype=iri(XSD.integer))),
            ox.Triple(iri(prop), a, iri(QB + role.capitalize() + "Property")),
        ]
        if code_list:
            out.append(ox.Triple(iri(prop), iri(QB + "codeList"), iri(code_list)))
        if role == "attribute":
            out.append(ox.Triple(spec, iri(QB + "componentRequired"), ox.Literal("false", datatype=iri(XSD.boolean))))
    return out


def observation(
    base: str, name: str, kind: str, keys: list[str], values: list[tuple[str, ox.NamedNode | ox.Literal]]
) -> list[ox.Triple]:
    """The triples of observation ``<base>/id/observation/<kind>/<keys joined by dots>`` of a dataset."""
    obs = iri(f"{base}/id/observation/{kind}/{'.'.join(keys)}")
    out = [
        ox.Triple(obs, iri(RDF.type), iri(QB + "Observation")),
        ox.Triple(obs, iri(QB + "dataSet"), iri(f"{base}/id/dataset/{name}")),
    ]
    out += [ox.Triple(obs, iri(prop), value) for prop, value in values]
    return out


def integer(value: int | str) -> ox.Literal:
    return ox.Literal(str(value), datatype=iri(XSD.integer))


_SECTOR_TREE = """
SELECT ?sector ?up WHERE {{
  ?sector skos:inScheme <{base}/id/scheme/sectors> OPTIONAL {{ ?sector skos:broader ?up }} }}"""


def sector_ups(store: ox.Store, base: str, graphs: list[ox.NamedNode]) -> dict[str, frozenset[str]]:
    """Each sector of the scheme with itself and every broader sector, by :func:`ecograph.model.gaps.closure`:
    the one rule of "a capability counts for its broader sectors", as the dashboard and the viewer apply it."""
    parent: dict[str, str] = {}
    sectors: set[str] = set()
    for row in store.query(sparql_prefixes() + _SECTOR_TREE.format(base=base), default_graph=graphs):
        sectors.add(row["sector"].value)
        if row["up"] is not None:
            parent[row["sector"].value] = row["up"].value
    return {s: ups & sectors for s, ups in closure(parent, sectors).items()}


def broader_values(ups: dict[str, frozenset[str]], narrow: str, broad: str) -> str:
    """The rule as a SPARQL ``VALUES`` block: one row (narrow, broad) per sector and each sector it counts for."""
    rows = " ".join(f"(<{n}> <{b}>)" for n in sorted(ups) for b in sorted(ups[n]))
    return f"VALUES (?{narrow} ?{broad}) {{ {rows} }}"
