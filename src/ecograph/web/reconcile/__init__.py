"""A reconciliation service for OpenRefine (W3C Entity Reconciliation CG API 0.2) over the published organisations.

``router`` (``/reconcile`` and its suggest, preview, flyout and property services) is included by
``ecograph.web.app.create_app``. The index it matches against is read once per generation
(:mod:`.index`), the scoring is in :mod:`.scoring`, the data extension in :mod:`.extend`; the
name and identifier normalisation is ``ecograph.model.names``.
"""

from ecograph.web.reconcile.router import router

__all__ = ["router"]
