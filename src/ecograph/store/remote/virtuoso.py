"""Virtuoso's departures from the SPARQL protocol, and what the remote store does about them.

* A query that hits Virtuoso's time limit is answered 200 with *partial* results, saying so in
  ``X-SQL-State: S1TAT``: taken for the time-out it is, never for the answer.
* It stops working on a query only when sent its own ``timeout`` parameter (milliseconds).
* It labels blank nodes ``nodeID://b10000``, which pyoxigraph does not accept as a label.
* Virtuoso 7 answers an ASK sent by POST with rows: a ``__ASK_RETVAL`` column, one row holding 1
  when true, no row when false.
* Older versions do not know the N-Triples media type for uploads (it is sent as Turtle, of which
  N-Triples is a subset; see ``UPLOAD_MEDIA`` in :mod:`.http`).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pyoxigraph as ox

#: Virtuoso answers 200 with *partial* results when a query hits its time limit, saying so here.
PARTIAL_HEADER = "x-sql-state"
PARTIAL_STATE = "S1TAT"

# The same-length replacement of a Virtuoso blank node label in a SPARQL JSON byte stream, so
# that it can be done chunk by chunk (see ``StreamedBody``).
BNODE_PREFIX = b'"bnode", "value": "nodeID://'
SAFE_BNODE_PREFIX = b'"bnode", "value": "nodeID___'
_BNODE_BAD = re.compile(r"[^A-Za-z0-9_]")


def is_virtuoso(server: str) -> bool:
    """Whether a ``Server`` header names Virtuoso."""
    return server.lower().startswith("virtuoso")


def is_partial(headers: Any) -> bool:
    """Whether a 200 answer says the query was stopped at the time limit."""
    return bool(headers.get(PARTIAL_HEADER, "") == PARTIAL_STATE)


def milliseconds(seconds: float) -> str:
    """Virtuoso's ``timeout`` parameter: whole milliseconds, at least 1 (0 would mean no limit)."""
    return str(max(1, int(seconds * 1000)))


def safe_bnodes(body: bytes) -> bytes:
    """Blank node labels that pyoxigraph accepts, in a whole SPARQL JSON answer."""
    if b'"bnode"' not in body:
        return body
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = _BNODE_BAD.sub("_", term["value"])
    return json.dumps(data).encode("utf-8")


def ask_answer(answer: Any) -> Any:
    """An ASK answer as a boolean, also from a server that answers ASK with rows."""
    if not isinstance(answer, ox.QuerySolutions):
        return answer
    found = any(v is not None and v.value not in ("0", "false") for row in answer for v in row)
    return ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if found else b"false"),
                                  format=ox.QueryResultsFormat.JSON)
