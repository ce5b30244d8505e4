"""The viewer: server-rendered pages for the policy team and researchers.

``router`` is included by ``ecograph.web.app.create_app`` before the app's own routes, so the
home page ``/`` here replaces the plain one. Organisation and municipality pages are the HTML of
``/doc/org/…`` and ``/doc/municipality/…``; ``lod.py`` hands them to ``entity.entity_page``.
"""

from __future__ import annotations

from fastapi import APIRouter

from .. import lod
from . import assets, dashboard, editor, entity, home, network, questions

router = APIRouter()
for _module in (assets, home, dashboard, network, questions, editor):
    router.include_router(_module.router)

# the richer HTML of /doc/org/… and /doc/municipality/… (lod.py keeps the other formats)
_pages = getattr(lod, "HTML_PAGES", None)
if isinstance(_pages, dict):
    for _kind in entity.HANDLED:
        _pages.setdefault(_kind, entity.entity_page)

__all__ = ["router"]
