"""One mapping from exceptions to responses, for every route: route code raises, never catches.

* ``StoreNotBuilt`` (nothing published yet; also ``StoreUnavailable``: the SPARQL server is
  down or busy) → 503. A route says how in its own voice with :func:`not_built_as`
  (the viewer's HTML page, JSON for data routes); by default plain text.
* ``Refused`` (the SPARQL guard and protocol reader) → its status, plain text, ``Vary: Accept``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import Response

from ecograph.sparql.guard import Refused
from ecograph.store.errors import StoreNotBuilt

TEXT = "text/plain; charset=utf-8"

NotBuiltPage = Callable[[Request, Exception], Response]
F = TypeVar("F", bound=Callable[..., Any])

#: route function → how it answers StoreNotBuilt (routes not listed: :func:`plain`)
_NOT_BUILT: dict[Callable[..., Any], NotBuiltPage] = {}


def text(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    """A plain-text answer, the message on one line."""
    return Response(f"{message}\n", status_code=status, media_type=TEXT, headers=headers)


def plain(request: Request, exc: Exception) -> Response:
    """503, the message as plain text."""
    return text(str(exc), 503)


def retry_later(request: Request, exc: Exception) -> Response:
    """503 with ``Retry-After: 60`` (the SPARQL endpoint: clients are programs that may retry)."""
    return text(str(exc), 503, {"Retry-After": "60"})


def json_error(request: Request, exc: Exception) -> Response:
    """503 with ``{"error": message}`` (routes that answer JSON)."""
    return Response(json.dumps({"error": str(exc)}), status_code=503, media_type="application/json")


def not_built_as(page: NotBuiltPage) -> Callable[[F], F]:
    """Decorate a route function (under its ``@router`` decorator): it answers StoreNotBuilt with ``page``."""

    def register(route: F) -> F:
        _NOT_BUILT[route] = page
        return route

    return register


async def _not_built(request: Request, exc: Exception) -> Response:
    page = _NOT_BUILT.get(request.scope.get("endpoint"), plain)  # type: ignore[arg-type]
    return page(request, exc)


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return text(exc.message, exc.status, {"Vary": "Accept"})


def install(app: FastAPI) -> None:
    """Register the mapping on ``app``."""
    app.add_exception_handler(StoreNotBuilt, _not_built)
    app.add_exception_handler(Refused, _refused)
