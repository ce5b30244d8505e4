"""Refuse what the public endpoint will not run, decided on the parsed query.

A request is run only if its text is a SPARQL 1.1 ``QueryUnit`` (:mod:`.parser`) with no
``SERVICE`` pattern and no ``FROM`` / ``FROM NAMED`` of a graph the store does not publish. What
reaches an engine is the parser's canonical text, so the engine reads exactly the tokens that
were checked here. Texts holding an update keyword are refused as updates (403), any other text
that is not a query as a syntax error (400): both before any engine sees them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ecograph.sparql.parser import UPDATE_KEYWORDS, QuerySyntaxError, lex, parse_query


class Refused(Exception):
    """A request the endpoint will not run; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Checked:
    """An accepted query: its form, its dataset clauses and the text to hand to the engine."""

    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    text: str = ""
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)

    @property
    def is_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE return RDF; SELECT and ASK return a results table."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


READ_ONLY = "This endpoint is read-only: SPARQL Update is not accepted."
NO_SERVICE = "Federated queries (SERVICE) are not allowed: this endpoint makes no outbound requests."


def check_query(text: str, held_graphs: Collection[str], *, base_iri: str | None = None) -> Checked:
    """Accept a query (return what it is) or raise :class:`Refused`."""
    try:
        tokens = lex(text)
    except QuerySyntaxError as exc:  # TooDeep included
        raise Refused(400, f"Syntax error: {exc}.") from None
    if any(t.kind == "KEYWORD" and t.value in UPDATE_KEYWORDS for t in tokens):
        raise Refused(403, READ_ONLY)
    try:
        parsed = parse_query(text, base_iri=base_iri, tokens=tokens)
    except QuerySyntaxError as exc:
        if any(t.kind == "KEYWORD" and t.value == "SERVICE" for t in tokens):
            raise Refused(403, NO_SERVICE) from None
        raise Refused(400, f"Syntax error: {exc}.") from None
    if parsed.services:
        raise Refused(403, NO_SERVICE)
    held = set(held_graphs)
    for named, graphs in ((False, parsed.from_graphs), (True, parsed.from_named)):
        for iri in graphs:
            if iri not in held:
                raise Refused(
                    403,
                    f"FROM{' NAMED' if named else ''} <{iri}>: this endpoint only queries the graphs it "
                    "holds and never fetches others (see the service description for the list).",
                )
    return Checked(form=parsed.form, text=parsed.canonical(), from_graphs=list(parsed.from_graphs),
                   from_named=list(parsed.from_named))
