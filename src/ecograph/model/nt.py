"""N-Triples term builders.

Ingesters emit triples as tuples of N-Triples term strings; the publisher joins them into
one N-Triples document and hands it to Oxigraph's bulk loader. Building text here is several
times faster than creating Python RDF term objects per triple (see ``bench/ingest.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ecograph.model.namespaces import XSD

Triple = tuple[str, str, str]

_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
_NEEDS_ESCAPE = frozenset(_ESCAPES)
_BAD_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')


class TermError(ValueError):
    """A value cannot be written as an RDF term."""


def iri(value: str) -> str:
    """An IRI term; refuses characters that are not allowed in IRIs."""
    if not value or _BAD_IRI.search(value):
        raise TermError(f"not a valid IRI: {value!r}")
    if ":" not in value:
        raise TermError(f"not an absolute IRI: {value!r}")
    return f"<{value}>"


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.isdisjoint(text):
        return text
    return "".join(_ESCAPES.get(c, c) for c in text)


def lit(value: object, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal term. ``int`` becomes xsd:integer, ``float`` xsd:decimal, ``bool`` xsd:boolean."""
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD.boolean}>'
    if isinstance(value, int) and datatype is None:
        return f'"{value}"^^<{XSD.integer}>'
    if isinstance(value, float) and datatype is None:
        return f'"{value!r}"^^<{XSD.decimal}>'
    text = _escape(str(value))
    if lang:
        return f'"{text}"@{lang.lower()}'
    if datatype and datatype != XSD.string:
        return f'"{text}"^^<{datatype}>'
    return f'"{text}"'


def serialize(triples: Iterable[Triple]) -> str:
    """One N-Triples document."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


def line_pieces(data: bytes, size: int) -> Iterator[bytes]:
    """An N-Triples document in pieces of about ``size`` bytes, each ending at the end of a line."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", start + size)
        end = len(data) if end < 0 else end + 1
        yield data[start:end]
        start = end
