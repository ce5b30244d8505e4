"""Typed dependencies of the routes: ``state: StateDep`` instead of ``get_state(request)`` in each body.

``StoreDep`` opens the published store; when nothing is published it raises ``StoreNotBuilt``,
which :mod:`.errors` answers, so a route that takes it only runs with a store.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ecograph.store.graphstore import GraphStore
from ecograph.web.state import WebState, get_state


def get_store(request: Request) -> GraphStore:
    return get_state(request).store.get()


StateDep = Annotated[WebState, Depends(get_state)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
