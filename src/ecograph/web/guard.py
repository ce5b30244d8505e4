"""Refuse dangerous queries before any work is done.

The endpoint runs queries with pyoxigraph, which would send HTTP requests for ``SERVICE`` and
reads whatever dataset ``FROM`` names. Before a query reaches a worker it is tokenised here (a
SPARQL lexer: strings, IRIs, comments, variables and prefixed names are recognised, so a keyword
inside any of them is not taken for one) and

* an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, … or any update keyword) is refused:
  the endpoint is read-only;
* ``SERVICE`` anywhere is refused: the endpoint makes no outbound requests;
* ``FROM`` / ``FROM NAMED`` must name graphs the store holds.

A lexer rather than a full parser keeps the check in the order of a millisecond, so it can run
in the web process; syntax is then checked by Oxigraph itself in the worker. The lexer errs on
the safe side: a broken string or IRI makes the rest of the text look like keywords, which can
only add refusals.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\s{}()\[\],;.'"<>#?$=!&|+*/^]+)
  | (?P<word>[^\s{}()\[\],;'"<>#?$=!&|+*/^@][^\s{}()\[\],;'"<>#?$=!&|+*/^]*)
  | (?P<lang>@[A-Za-z0-9-]+)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)


class Refused(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Checked:
    """What the guard learned about an accepted query."""

    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)

    @property
    def is_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE return RDF; SELECT and ASK return a results table."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokenize(text: str) -> list[Token]:
    """Significant tokens of a SPARQL text (whitespace and comments dropped)."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        if kind == "word" and value.endswith(".") and ":" not in value.rstrip("."):
            # "?s ?p 1." : the final period ends the triple; it is not part of a number or keyword.
            tokens.append(Token(kind, value.rstrip(".")))
            tokens.append(Token("punct", "."))
            continue
        tokens.append(Token(kind, value))
    return tokens


def _keyword(token: Token) -> str | None:
    if token.kind != "word" or ":" in token.text:
        return None
    return token.text.upper()


def _resolve(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if token.kind == "iri":
        ref = token.text[1:-1]
        return urljoin(base, ref) if base else ref
    if token.kind == "word" and ":" in token.text:
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local.replace("\\", "")
    return None


def check_query(text: str, held_graphs: Collection[str], *, base_iri: str | None = None) -> Checked:
    """Accept a query (return what it is) or raise :class:`Refused`."""
    tokens = tokenize(text)
    words = [k for t in tokens if (k := _keyword(t))]
    prefixes: dict[str, str] = {}
    base = base_iri
    i = 0
    # Prologue: BASE and PREFIX declarations.
    while i < len(tokens):
        kw = _keyword(tokens[i])
        if kw == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = _resolve(tokens[i + 1], prefixes, base)
            i += 2
        elif kw == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = _resolve(tokens[i + 2], prefixes, base) or ""
            i += 3
        else:
            break
    first = _keyword(tokens[i]) if i < len(tokens) else None
    if UPDATE_WORDS.intersection(words):  # none of these words can occur in a query
        raise Refused(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if "SERVICE" in words:
        raise Refused(
            403,
            "Federated queries (SERVICE) are not allowed: this endpoint makes no outbound requests.",
        )
    if "LOAD" in words:
        raise Refused(403, "LOAD is not allowed: this endpoint is read-only.")
    if first not in QUERY_FORMS:
        found = tokens[i].text if i < len(tokens) else "end of query"
        raise Refused(400, f"Syntax error: expected SELECT, CONSTRUCT, DESCRIBE or ASK, found {found!r}.")
    checked = Checked(form=first)
    held = set(held_graphs)
    for j in range(i, len(tokens)):
        if _keyword(tokens[j]) != "FROM":
            continue
        named = j + 1 < len(tokens) and _keyword(tokens[j + 1]) == "NAMED"
        target = tokens[j + 2] if named else tokens[j + 1] if j + 1 < len(tokens) else None
        iri = _resolve(target, prefixes, base) if target is not None else None
        if iri is None:
            raise Refused(400, "Syntax error: FROM must be followed by a graph IRI.")
        if iri not in held:
            raise Refused(
                403,
                f"FROM{' NAMED' if named else ''} <{iri}>: this endpoint only queries the graphs it "
                "holds and never fetches others (see the service description for the list).",
            )
        (checked.from_named if named else checked.from_graphs).append(iri)
    return checked
