"""What the SPARQL parser learns about a query, and the canonical text an engine is handed."""

from __future__ import annotations

from dataclasses import dataclass, field

from ecograph.sparql.lexer import STRING_KINDS, Token, string_text, string_value

_ONE_ARG = frozenset((
    "STR", "LANG", "DATATYPE", "IRI", "URI", "ABS", "CEIL", "FLOOR", "ROUND", "STRLEN", "UCASE", "LCASE",
    "ENCODE_FOR_URI", "YEAR", "MONTH", "DAY", "HOURS", "MINUTES", "SECONDS", "TIMEZONE", "TZ", "MD5", "SHA1",
    "SHA256", "SHA384", "SHA512", "ISIRI", "ISURI", "ISBLANK", "ISLITERAL", "ISNUMERIC",
))
_TWO_ARGS = frozenset((
    "LANGMATCHES", "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "STRLANG", "STRDT", "SAMETERM",
))
_NO_ARGS = frozenset(["RAND", "NOW", "UUID", "STRUUID"])
_AGGREGATES = frozenset(["COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"])
_RELATIONAL = frozenset({"=", "!=", "<", ">", "<=", ">="})
#: keywords written as calls, NAME(…): built-in functions and aggregates
CALLS = _ONE_ARG | _TWO_ARGS | _NO_ARGS | _AGGREGATES | frozenset(
    {"BOUND", "BNODE", "CONCAT", "COALESCE", "IF", "REGEX", "SUBSTR", "REPLACE"})


class QuerySyntaxError(SyntaxError):
    """Not a SPARQL 1.1 query; the message names the line and column."""


class TooDeep(QuerySyntaxError):
    """Brackets nested deeper than :data:`MAX_DEPTH`."""


@dataclass
class Group:
    """A group graph pattern: the index of its ``{`` token and the variables inside it."""

    open: int
    variables: set[str] = field(default_factory=set)


@dataclass
class ParsedQuery:
    """What the parser learned about a query."""

    form: str
    tokens: list[Token]
    base: str | None
    prefixes: dict[str, str]
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)  # the SERVICE targets as written
    groups: list[Group] = field(default_factory=list)

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)

    expanded: dict[int, str] = field(default_factory=dict)  # token index of a prefixed name → its IRI

    def canonical(self, inserts: dict[int, str] | None = None) -> str:
        """The query as the engine gets it; ``inserts`` adds text after the token at each index.

        Prefixed names are written as the full IRIs they stand for, so no engine has to agree
        with this parser on escapes in local names (Oxigraph, for one, refuses ``\\%``).
        """
        return canonical_text(self.tokens, inserts, self.expanded)


def canonical_text(tokens: list[Token], inserts: dict[int, str] | None = None,
                   expanded: dict[int, str] | None = None) -> str:
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        text = string_text(string_value(tok)) if tok.kind in STRING_KINDS else tok.text
        if expanded and i in expanded:
            text = f"<{expanded[i]}>"
        if tok.kind == "NIL":
            text = "()"
        elif tok.kind == "ANON":
            text = "[]"
        # a language tag or datatype marker stays glued to its string, as the grammar writes it
        glue = tok.kind == "LANGTAG" or tok.text == "^^" or (i > 0 and tokens[i - 1].text == "^^")
        # Oxigraph reads "CONCAT (" as an error: a call's bracket follows its name directly; only a
        # call's (Virtuoso reads "DISTINCT(?x AS ?y)" as a call of DISTINCT)
        glue = glue or (i > 0 and (tok.text == "(" or tok.kind == "NIL") and (
            tokens[i - 1].kind in ("IRIREF", "PNAME_LN", "PNAME_NS")
            or (tokens[i - 1].kind == "KEYWORD" and tokens[i - 1].value in CALLS)))
        if parts and not glue:
            parts.append(" ")
        parts.append(text)
        if inserts and i in inserts:
            parts.append(inserts[i])
    return "".join(parts)
