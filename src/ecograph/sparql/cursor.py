"""The parser's cursor over the tokens: look ahead, take, expect, fail with a line and column."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from ecograph.sparql.lexer import Token, local_value
from ecograph.sparql.tree import Group, ParsedQuery, QuerySyntaxError

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def resolve_iri(base: str | None, ref: str) -> str:
    """RFC 3986 resolution of ``ref`` against ``base``; an absolute IRI stays exactly as written
    (``urljoin`` would drop an empty fragment: ``…/core#`` must keep its ``#``)."""
    if not base or _SCHEME.match(ref):
        return ref
    joined = urljoin(base, ref)
    if ref.endswith(("#", "?")) and not joined.endswith(ref[-1]):
        joined += ref[-1]
    return joined


class Cursor:
    def __init__(self, tokens: list[Token], base: str | None) -> None:
        self.toks = tokens
        self.i = 0
        self.base = base
        self.prefixes: dict[str, str] = {}
        self.groups: list[Group] = []
        self.open_groups: list[Group] = []
        self.result: ParsedQuery | None = None
        self.expanded: dict[int, str] = {}

    # --- cursor ---------------------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> Token | None:
        j = self.i + ahead
        return self.toks[j] if j < len(self.toks) else None

    def at(self, *values: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in ("KEYWORD", "OP") and tok.value in values

    def at_kind(self, *kinds: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind in kinds

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise QuerySyntaxError("unexpected end of query")
        self.i += 1
        if tok.kind == "VAR":
            for group in self.open_groups:
                group.variables.add(tok.text[1:])
        return tok

    def expect(self, *values: str) -> Token:
        if not self.at(*values):
            self.fail(" or ".join(repr(v) for v in values))
        return self.take()

    def accept(self, *values: str) -> bool:
        if self.at(*values):
            self.take()
            return True
        return False

    def fail(self, wanted: str) -> None:
        tok = self.peek()
        found = "end of query" if tok is None else repr(tok.text[:40])
        where = "" if tok is None else f" at character {tok.pos + 1}"
        raise QuerySyntaxError(f"expected {wanted}, found {found}{where}")

    # --- IRIs -----------------------------------------------------------------------------------

    def resolve(self, tok: Token) -> str:
        if tok.kind == "IRIREF":
            return resolve_iri(self.base, tok.text[1:-1])
        prefix, _, local = tok.text.partition(":")
        if prefix not in self.prefixes:
            raise QuerySyntaxError(f"prefix {prefix!r}: is not declared (character {tok.pos + 1})")
        iri = self.prefixes[prefix] + local_value(local)
        self.expanded[self.i - 1] = iri
        return iri

    def iri(self) -> str:
        if not self.at_kind("IRIREF", "PNAME_LN", "PNAME_NS"):
            self.fail("an IRI")
        return self.resolve(self.take())

    def at_iri(self) -> bool:
        return self.at_kind("IRIREF", "PNAME_LN", "PNAME_NS")

    # --- query ----------------------------------------------------------------------------------
