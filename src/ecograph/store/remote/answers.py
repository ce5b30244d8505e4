"""A server's answers as pyoxigraph's types: read whole (:func:`parse_answer`) or streamed (:func:`streamed`)."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pyoxigraph as ox

from ecograph.store.errors import BadAnswer
from ecograph.store.remote import virtuoso
from ecograph.store.remote.http import media

RDF_ACCEPT = "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8"
JSON_ACCEPT = "application/sparql-results+json"
JSON_MEDIA = ("application/sparql-results+json", "application/json")
RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def accept_for(form: str) -> str:
    return JSON_ACCEPT if form in ("SELECT", "ASK") else RDF_ACCEPT


def _format(form: str, content_type: str) -> ox.RdfFormat | None:
    """The RDF format of a graph answer, or None for SPARQL JSON; ``BadAnswer`` for anything else."""
    kind = media(content_type)
    if form in ("SELECT", "ASK"):
        if kind not in JSON_MEDIA:
            raise BadAnswer(f"The SPARQL server answered a {form} with {content_type!r}, not SPARQL JSON.", 502)
        return None
    fmt = RDF_FORMATS.get(kind)
    if fmt is None:
        raise BadAnswer(f"The SPARQL server answered a {form} with {content_type!r}.", 502)
    return fmt


def parse_answer(body: bytes, content_type: str, form: str) -> Any:
    """A whole answer; a graph answer as a ``QueryTriples`` (the type pyoxigraph gives)."""
    fmt = _format(form, content_type)
    if fmt is None:
        answer = ox.parse_query_results(virtuoso.safe_bnodes(body), format=ox.QueryResultsFormat.JSON)
        return virtuoso.ask_answer(answer) if form == "ASK" else answer
    # A QueryTriples can only come from a query: load the answer into a scratch store and read it
    # back (graph answers are small; dumps do not go through here).
    scratch = ox.Store()
    scratch.load(body, format=fmt, to_graph=ox.DefaultGraph())
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


class StreamedBody(io.RawIOBase):
    """The body of a streamed answer as a file, for pyoxigraph's streaming parsers.

    Raising here reaches the caller only as a parse error, so the reason is kept in
    ``timed_out``. The wall clock is checked at every chunk: ``deadline`` bounds the whole read.
    """

    def __init__(self, chunks: Iterator[bytes], deadline: float) -> None:
        self.chunks = chunks
        self.deadline = deadline
        self.timed_out = False
        self.ended = False
        self.buffer = b""
        self.carry = b""

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        if time.monotonic() > self.deadline:
            self.timed_out = True
            raise TimeoutError("time limit")
        try:
            chunk = next(self.chunks, None)
        except Exception as exc:  # httpx read time-out or a broken connection
            self.timed_out = "timeout" in type(exc).__name__.lower()
            raise
        if chunk is None:
            self.buffer, self.carry, self.ended = self.carry, b"", True
            return
        data = (self.carry + chunk).replace(virtuoso.BNODE_PREFIX, virtuoso.SAFE_BNODE_PREFIX)
        keep = len(virtuoso.BNODE_PREFIX) - 1  # the start of a label cut by the chunk boundary
        self.buffer, self.carry = data[:-keep], data[-keep:]

    def readinto(self, b: Any) -> int:
        while not self.buffer and not self.ended:
            self._fill()
        n = min(len(b), len(self.buffer))
        b[:n] = self.buffer[:n]
        self.buffer = self.buffer[n:]
        return n


def streamed(response: httpx.Response, form: str, body: StreamedBody) -> Any:
    """The lazily parsed answer of a streamed response: solutions, a boolean, or triples."""
    fmt = _format(form, response.headers.get("content-type", ""))
    reader = io.BufferedReader(body, 1 << 16)
    if fmt is not None:
        return (quad.triple for quad in ox.parse(reader, format=fmt))
    result = ox.parse_query_results(reader, format=ox.QueryResultsFormat.JSON)
    return virtuoso.ask_answer(result) if form == "ASK" else result
