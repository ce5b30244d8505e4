"""Shared plumbing of the viewer pages: rendering (``ecograph.web.templating``), language, the per-generation
snapshot, errors."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from ecograph.store.embedded import StoreNotBuilt
from ecograph.web.state import WebState, get_state
from ecograph.web.templating import environment
from ecograph.web.viewer.data import Snapshot, load_snapshot
from ecograph.web.viewer.i18n import (
    LANGUAGES,
    choose_language,
    kind_label,
    normalise_language,
    relation_label,
    translate,
)

LANG_COOKIE = "ecograph_lang"


def language(request: Request) -> str:
    return choose_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE),
                           request.headers.get("accept-language"))


def page_url(request: Request, **changes: str | None) -> str:
    """This page's path and query with some parameters changed (None removes one)."""
    params = dict(request.query_params)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = value
    query = urlencode(params)
    return request.url.path + ("?" + query if query else "")


def snapshot_for(state: WebState) -> Snapshot:
    """The snapshot of the published generation (raises StoreNotBuilt)."""
    return state.memoised("viewer-snapshot", lambda store: load_snapshot(store, state.settings.base))  # type: ignore[no-any-return]


def snapshot(request: Request) -> Snapshot:
    return snapshot_for(get_state(request))


def memo(request: Request, name: str, build: Callable[[Any], Any]) -> Any:
    """``build(store)`` once per generation under ``name``."""
    return get_state(request).memoised(name, build)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    lang = language(request)
    state = get_state(request)
    built = generation = None
    with contextlib.suppress(StoreNotBuilt):
        stats = state.stats()
        built, generation = stats.built, stats.generation
    ctx = {
        "request": request,
        "lang": lang,
        "languages": LANGUAGES,
        "t": partial(translate, lang=lang),
        "kind_label": partial(kind_label, lang=lang),
        "relation_label": partial(relation_label, lang=lang),
        "lang_url": lambda code: page_url(request, lang=code),
        "page_url": partial(page_url, request),
        "path": request.url.path,
        "built": built,
        "generation": generation,  # names the build in permalinks
        "settings": state.settings,
        **context,
    }
    html = environment.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status, headers={"Vary": "Accept, Accept-Language, Cookie"})
    chosen = normalise_language(request.query_params.get("lang"))
    if chosen:
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


def not_built(request: Request, exc: Exception) -> HTMLResponse:
    lang = language(request)
    return render(request, "pages/message.html",
                  {"title": translate("err.notbuilt", lang), "message": str(exc)}, status=503)


def not_found(request: Request, message: str) -> HTMLResponse:
    lang = language(request)
    return render(request, "pages/message.html",
                  {"title": translate("err.notfound", lang), "message": message}, status=404)
