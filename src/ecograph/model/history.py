"""The vocabulary of what changed between builds (graph ``<base>/graph/changes``) and its IRIs.

Every build that changes something records one ``eco:Changeset`` (a ``prov:Entity`` generated
by the build, a ``prov:Activity``); the build and the web pages that read it share these names.
See ``docs/MODEL.md``, "Changes between builds".
"""

from __future__ import annotations

from ecograph.model.namespaces import ECO, PROV, _Namespace

PROV_GENERATED = PROV.base + "generated"  # the inverse of prov:wasGeneratedBy (not in model.namespaces' PROV)

CHG = _Namespace(
    ECO.base,
    """
    Changeset GraphChange ResourceChange CellChange CountChange Figure
    buildId previousChangeset graphChange changedGraph triplesAdded triplesRemoved
    added removed changed changedResource changedProperty
    cellOpened cellClosed cellBecameSingle cellBecameUnknown cellBecameConfirmedGap
    cellRegion cellConcept cellStage statusBefore statusAfter countBefore countAfter
    countChange cubeObservation figure figureName
    """,
)

# the links from a changeset to a cell change, by what happened to the cell (of the tracked region)
CELL_EVENTS = ("cellOpened", "cellClosed", "cellBecameSingle", "cellBecameUnknown", "cellBecameConfirmedGap")

# the headline figures recorded per build, in the order the pages show them
FIGURES = ("organisations", "startups", "capabilities", "relations", "spinoffs",
           "cells-known", "cells-single", "cells-unknown", "cells-gap")

# the region whose dashboard cells a changeset follows (the dashboard's default region)
TRACKED_REGION = "arrondissement-leuven"

# the kinds of cube observations whose counts are kept per build (the dashboard's cells)
TRACKED_KINDS = ("sector-stage", "megatrend-stage", "stage-unknown", "megatrend-stage-unknown",
                 "unplaced", "megatrend-unplaced", "unclassified")


def changes_graph(base: str) -> str:
    return f"{base}/graph/changes"


def changeset_iri(base: str, build: str) -> str:
    return f"{base}/id/changeset/{build}"


def build_iri(base: str, build: str) -> str:
    """The ``prov:Activity`` of one build."""
    return f"{base}/id/build/{build}"


def observation_prefix(base: str, kind: str) -> str:
    return f"{base}/id/observation/{kind}/"
