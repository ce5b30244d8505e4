"""Run a saved query (or raw SPARQL) on a store and hold the answer in memory (``Result``).

SEP-0007 only binds variables that the query projects, so every saved query projects its parameters;
:func:`run_saved` drops those constant columns from the result. Query text may use relative IRIs
(``<id/scheme/sectors>``): the query runs with base IRI ``<base>/``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecograph.questions.params import bind_params
from ecograph.questions.saved import SavedQuery, get_query
from ecograph.questions.source import select
from ecograph.sparql.results import QueryError, Result, to_result
from ecograph.store.embedded import StoreNotBuilt


def query_base(base: str) -> str:
    """Base IRI that relative IRIs in query text are resolved against."""
    return base.rstrip("/") + "/"


def run_saved(
    store: Any,
    query: SavedQuery | str,
    params: Mapping[str, str] | None = None,
    *,
    base: str,
    folder: Path | None = None,
) -> Result:
    """Run a saved query (by name or loaded) with ``params`` (strings, as typed by a user)."""
    q = get_query(query, folder) if isinstance(query, str) else query
    bindings = bind_params(store, q, params or {}, base.rstrip("/"))
    try:
        raw = select(store, q.text, substitutions=bindings, base_iri=query_base(base))
        return to_result(raw, hide=frozenset(bindings))
    except StoreNotBuilt:
        raise  # an unreachable or timed-out server is not an error in the question
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"query {q.name!r} failed: {exc}") from None


def run_sparql(store: Any, sparql: str, *, base: str) -> Result:
    """Run raw SPARQL over the union of all graphs."""
    try:
        return to_result(select(store, sparql, base_iri=query_base(base)))
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"SPARQL error: {exc}") from None
