"""NACE-BEL 2008 / 2025 (Statbel, SKOS by vocab.belgif.be): the published triples, passed through.

We keep the vocab.belgif.be IRIs (``org:classification`` points at them) and every triple of the
files, each line validated, with two documented defects of NACE-BEL 2008 repaired:

* the 7-digit "detail" codes of divisions 01–09 lost their leading zero (``…/111001``, notation
  ``"111001"``, broader ``…/1110``). No valid NACE-BEL code has 6 digits, so a 6-digit code is
  always one of these: it gets its zero back (``…/0111001``), and in the ``skos:broader`` /
  ``skos:narrower`` triples that link it the 4-digit parent becomes the 5-digit subclass
  (``…/01110``). The parent is only rewritten *in those triples*: 4-digit codes such as
  ``8121`` are also real classes of other divisions.
* a junk concept whose notation is empty (IRI ``…/nace2008/``, broader ``…/01.09.2014``): every
  triple that mentions a concept with an empty notation is dropped and counted as rejected.

A row is a triple (a line); ``rows_read`` counts triples.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from ecograph.ingest.base import IngestContext, IngestError
from ecograph.ingest.readers.ntriples import ntriples_lines
from ecograph.model.namespaces import RDF, SKOS
from ecograph.model.nt import Triple

_EMPTY_NOTATION = re.compile(r'^\s*<([^>]*)>\s+<' + re.escape(SKOS.notation) + r'>\s+""\s*\.\s*$')
_SCHEME = re.compile(
    r"^\s*<([^>]*)>\s+<" + re.escape(RDF.type) + r">\s+<" + re.escape(SKOS.ConceptScheme) + r">\s*\.\s*$"
)
_SCHEME_MARK = SKOS.ConceptScheme.encode()
_SIX = re.compile(r"^[0-9]{6}$")
_FOUR = re.compile(r"^[0-9]{4}$")
_LINKS = {SKOS.broader, SKOS.narrower}


def _first_pass(path: Path, lines: list[bytes]) -> tuple[str, set[str]]:
    """The concept scheme IRI and the IRIs of concepts with an empty skos:notation.

    A cheap scan of the raw lines; the real validation happens in the second pass.
    """
    junk: set[str] = set()
    schemes: set[str] = set()
    for raw in lines:
        if b'""' in raw:
            m = _EMPTY_NOTATION.match(raw.decode("utf-8", "replace"))
            if m:
                junk.add(m.group(1))
        elif _SCHEME_MARK in raw:
            m = _SCHEME.match(raw.decode("utf-8", "replace"))
            if m:
                schemes.add(m.group(1))
    if len(schemes) != 1:
        raise IngestError(path, None, f"expected one skos:ConceptScheme, found {len(schemes)}")
    return schemes.pop(), junk


def _code(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, prefix: str) -> str | None:
    if isinstance(node, ox.NamedNode) and node.value.startswith(prefix):
        return node.value[len(prefix):]
    return None


def _term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(node, ox.Triple):
        raise TypeError("RDF-star is not N-Triples 1.1")
    return str(node)


def fix_triple(triple: ox.Triple, prefix: str) -> tuple[str, str, str, bool]:
    """The N-Triples terms of one triple with the lost leading zero restored; the flag says if fixed.

    ``prefix`` is the concept IRI prefix of the scheme (``http://vocab.belgif.be/auth/nace2008/``).
    """
    s, p, o = triple.subject, triple.predicate, triple.object
    s_code, o_code = _code(s, prefix), _code(o, prefix)
    s_term, o_term = _term(s), _term(o)
    fixed = False
    if s_code is not None and _SIX.match(s_code):
        s_term, fixed = f"<{prefix}0{s_code}>", True
        if p.value == SKOS.notation and isinstance(o, ox.Literal) and _SIX.match(o.value):
            o_term = str(ox.Literal("0" + o.value, datatype=o.datatype))
        elif p.value in _LINKS and o_code is not None and _FOUR.match(o_code):
            o_term = f"<{prefix}0{o_code}>"
    if o_code is not None and _SIX.match(o_code):
        o_term, fixed = f"<{prefix}0{o_code}>", True
        if p.value in _LINKS and s_code is not None and _FOUR.match(s_code):
            s_term = f"<{prefix}0{s_code}>"
    return s_term, str(p), o_term, fixed


def _read_file(ctx: IngestContext, path: Path) -> Iterator[Triple]:
    # both passes over the lines of one read (a code list is a few MB)
    try:
        lines = io.BytesIO(path.read_bytes()).readlines()  # as iterating the binary file gives them
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    scheme, junk = _first_pass(path, lines)
    prefix = scheme.rstrip("/") + "/"  # concepts of a belgif code list live below its scheme IRI
    for lineno, triple in ntriples_lines(path, lines):
        ctx.rows_read += 1
        if junk and (
            (isinstance(triple.subject, ox.NamedNode) and triple.subject.value in junk)
            or (isinstance(triple.object, ox.NamedNode) and triple.object.value in junk)
        ):
            ctx.reject("NACE concept with empty notation")
            continue
        try:
            s, p, o, _fixed = fix_triple(triple, prefix)
        except TypeError as exc:
            raise IngestError(path, lineno, str(exc)) from None
        yield s, p, o


def read(ctx: IngestContext) -> Iterator[Triple]:
    """NACE-BEL 2008 (required) and 2025 (when given), as published, repaired."""
    yield from _read_file(ctx, ctx.file("nace2008"))
    nace2025 = ctx.files.get("nace2025")
    if nace2025 is not None:
        yield from _read_file(ctx, nace2025)
