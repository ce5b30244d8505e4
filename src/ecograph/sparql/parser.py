"""A recursive-descent parser of the SPARQL 1.1 Query grammar (§19.8 of SPARQL 1.1 Query).

It does not build an algebra: it checks that a text is a ``QueryUnit`` production by production
and keeps what the code base needs to know about a query:

* its form (SELECT, CONSTRUCT, DESCRIBE, ASK), its ``FROM`` / ``FROM NAMED`` graphs (resolved
  against ``BASE`` and ``PREFIX`` as the grammar says), the ``SERVICE`` patterns it holds;
* the group graph patterns (not sub-selects, templates or ``VALUES`` blocks) with the variables
  each mentions, so that variables can be bound by ``VALUES`` (:mod:`.values`);
* the **canonical text**: the same tokens, one space apart, comments dropped, codepoint escapes
  resolved and every string literal written anew with the fewest escapes. An engine is handed
  this text, not the client's: whatever a lexer elsewhere would make of odd escapes, comments or
  quotes, the engine reads the tokens that were checked here.

Nesting deeper than :data:`MAX_DEPTH` brackets is refused before parsing (every recursion of the
grammar goes through a bracket), so a hostile text cannot exhaust the stack of this parser or of
the engine behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ecograph.sparql.lexer import (
    NUMBER_KINDS,
    STRING_KINDS,
    LexError,
    Token,
    local_value,
    string_text,
    string_value,
    tokenize,
    unescape_codepoints,
)

MAX_DEPTH = 48
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                             "WITH", "USING", "DATA", "INTO"})
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")

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


def check_depth(tokens: list[Token], text: str) -> None:
    depth = 0
    for tok in tokens:
        if tok.kind == "OP" and tok.text in "{([":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, tok.pos) + 1
                raise TooDeep(f"brackets nested more than {MAX_DEPTH} deep (line {line})")
        elif tok.kind == "OP" and tok.text in "})]":
            depth -= 1


def lex(text: str) -> list[Token]:
    """Tokens of a query text (codepoint escapes resolved); raises QuerySyntaxError."""
    try:
        unescaped = unescape_codepoints(text)
        tokens = tokenize(unescaped)
    except LexError as exc:
        raise QuerySyntaxError(str(exc)) from None
    check_depth(tokens, unescaped)
    return tokens


def parse_query(text: str, *, base_iri: str | None = None, tokens: list[Token] | None = None) -> ParsedQuery:
    """Parse a SPARQL 1.1 query; raise :class:`QuerySyntaxError` if it is not one.

    ``tokens``: the text's tokens when the caller has lexed it already (:func:`lex`)."""
    return _Parser(lex(text) if tokens is None else tokens, base_iri).query()


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


class _Parser:
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

    def query(self) -> ParsedQuery:
        while True:
            if self.accept("BASE"):
                if not self.at_kind("IRIREF"):
                    self.fail("an IRI after BASE")
                self.base = self.resolve(self.take())
            elif self.accept("PREFIX"):
                if not self.at_kind("PNAME_NS"):
                    self.fail("a prefix name after PREFIX")
                name = self.take().text[:-1]
                if not self.at_kind("IRIREF"):
                    self.fail("an IRI after the prefix name")
                self.prefixes[name] = self.resolve(self.take())
            else:
                break
        if not self.at(*QUERY_FORMS):
            self.fail("SELECT, CONSTRUCT, DESCRIBE or ASK")
        form = self.peek().value  # type: ignore[union-attr]
        self.result = ParsedQuery(form=form, tokens=self.toks, base=self.base, prefixes=dict(self.prefixes))
        getattr(self, f"q_{form.lower()}")()
        self.values_clause()
        if self.peek() is not None:
            self.fail("the end of the query")
        self.result.groups = self.groups
        self.result.expanded = self.expanded
        return self.result

    def q_select(self) -> None:
        self.select_clause()
        self.dataset_clauses()
        self.where_clause()
        self.solution_modifier()

    def q_construct(self) -> None:
        self.expect("CONSTRUCT")
        if self.at("{"):
            self.take()
            self.construct_triples("}")
            self.expect("}")
            self.dataset_clauses()
            self.where_clause()
        else:
            self.dataset_clauses()
            self.expect("WHERE")
            self.expect("{")
            self.construct_triples("}")
            self.expect("}")
        self.solution_modifier()

    def q_describe(self) -> None:
        self.expect("DESCRIBE")
        if not self.accept("*"):
            count = 0
            while self.at_kind("VAR") or self.at_iri():
                self.var_or_iri()
                count += 1
            if not count:
                self.fail("'*', a variable or an IRI")
        self.dataset_clauses()
        if self.at("WHERE", "{"):
            self.where_clause()
        self.solution_modifier()

    def q_ask(self) -> None:
        self.expect("ASK")
        self.dataset_clauses()
        self.where_clause()
        self.solution_modifier()

    def select_clause(self) -> None:
        self.expect("SELECT")
        self.accept("DISTINCT", "REDUCED")
        if self.accept("*"):
            return
        count = 0
        while True:
            if self.at_kind("VAR"):
                self.take()
            elif self.at("("):
                self.take()
                self.expression()
                self.expect("AS")
                self.var()
                self.expect(")")
            else:
                break
            count += 1
        if not count:
            self.fail("'*', a variable or '(' expression AS variable ')'")

    def dataset_clauses(self) -> None:
        assert self.result is not None
        while self.accept("FROM"):
            named = self.accept("NAMED")
            (self.result.from_named if named else self.result.from_graphs).append(self.iri())

    def where_clause(self) -> None:
        self.accept("WHERE")
        self.group_graph_pattern()

    def solution_modifier(self) -> None:
        if self.accept("GROUP"):
            self.expect("BY")
            self.group_condition()
            while self.at_group_condition():
                self.group_condition()
        if self.accept("HAVING"):
            self.constraint()
            while self.at_constraint():
                self.constraint()
        if self.accept("ORDER"):
            self.expect("BY")
            self.order_condition()
            while self.at_constraint() or self.at_kind("VAR") or self.at("ASC", "DESC"):
                self.order_condition()
        if self.accept("LIMIT"):
            self.integer()
            if self.accept("OFFSET"):
                self.integer()
        elif self.accept("OFFSET"):
            self.integer()
            if self.accept("LIMIT"):
                self.integer()

    def integer(self) -> None:
        tok = self.peek()
        if tok is None or tok.kind != "INTEGER" or tok.text[0] in "+-":
            self.fail("an integer")
        self.take()

    def at_group_condition(self) -> bool:
        return self.at_constraint() or self.at_kind("VAR")

    def group_condition(self) -> None:
        if self.at("("):
            self.take()
            self.expression()
            if self.accept("AS"):
                self.var()
            self.expect(")")
        elif self.at_kind("VAR"):
            self.take()
        elif self.at_builtin():
            self.builtin_call()
        elif self.at_iri():
            self.function_call()
        else:
            self.fail("a group condition")

    def order_condition(self) -> None:
        if self.accept("ASC", "DESC"):
            self.bracketted_expression()
        elif self.at_kind("VAR"):
            self.take()
        else:
            self.constraint()

    def values_clause(self) -> None:
        if self.accept("VALUES"):
            self.data_block()

    # --- graph patterns -------------------------------------------------------------------------

    def group_graph_pattern(self) -> None:
        if not self.at("{"):
            self.fail("'{'")
        open_index = self.i
        self.take()
        if self.at("SELECT"):  # a sub-select: its braces are not a group of their own
            self.select_clause()
            self.where_clause()
            self.solution_modifier()
            self.values_clause()
            self.expect("}")
            return
        group = Group(open_index)
        self.groups.append(group)
        self.open_groups.append(group)
        try:
            self.group_graph_pattern_sub()
            self.expect("}")
        finally:
            self.open_groups.pop()

    def group_graph_pattern_sub(self) -> None:
        self.triples_block()
        while not self.at("}"):
            if not self.graph_pattern_not_triples():
                self.fail("a triple pattern, OPTIONAL, MINUS, GRAPH, SERVICE, FILTER, BIND, VALUES, "
                          "'{' or '}'")
            self.accept(".")
            self.triples_block()

    def triples_block(self) -> None:
        while self.at_triples_start():
            self.triples_same_subject_path()
            if not self.accept("."):
                return

    def at_triples_start(self) -> bool:
        tok = self.peek()
        if tok is None:
            return False
        if tok.kind in ("VAR", "IRIREF", "PNAME_LN", "PNAME_NS", "BLANK_NODE_LABEL", "ANON", "NIL") \
                or tok.kind in STRING_KINDS or tok.kind in NUMBER_KINDS:
            return True
        return self.at("TRUE", "FALSE", "(", "[")

    def graph_pattern_not_triples(self) -> bool:
        if self.at("{"):
            self.group_graph_pattern()
            while self.accept("UNION"):
                self.group_graph_pattern()
        elif self.accept("OPTIONAL", "MINUS"):
            self.group_graph_pattern()
        elif self.accept("GRAPH"):
            self.var_or_iri()
            self.group_graph_pattern()
        elif self.at("SERVICE"):
            self.take()
            self.accept("SILENT")
            assert self.result is not None
            target = self.peek()
            self.var_or_iri()
            self.result.services.append(target.text if target else "")
            self.group_graph_pattern()
        elif self.accept("FILTER"):
            self.constraint()
        elif self.accept("BIND"):
            self.expect("(")
            self.expression()
            self.expect("AS")
            self.var()
            self.expect(")")
        elif self.accept("VALUES"):
            self.data_block()
        else:
            return False
        return True

    def data_block(self) -> None:
        if self.at_kind("VAR"):
            self.take()
            self.expect("{")
            while not self.at("}"):
                self.data_block_value()
            self.take()
            return
        if self.at_kind("NIL"):
            self.take()
        else:
            self.expect("(")
            while self.at_kind("VAR"):
                self.take()
            self.expect(")")
        self.expect("{")
        while not self.at("}"):
            if self.at_kind("NIL"):
                self.take()
                continue
            self.expect("(")
            while not self.at(")"):
                self.data_block_value()
            self.take()
        self.take()

    def data_block_value(self) -> None:
        if self.at_iri():
            self.iri()
        elif self.at_kind(*STRING_KINDS):
            self.rdf_literal()
        elif self.at_kind(*NUMBER_KINDS):
            self.take()
        elif self.accept("TRUE", "FALSE", "UNDEF"):
            pass
        else:
            self.fail("an IRI, a literal or UNDEF")

    def var(self) -> None:
        if not self.at_kind("VAR"):
            self.fail("a variable")
        self.take()

    def var_or_iri(self) -> None:
        if self.at_kind("VAR"):
            self.take()
        else:
            self.iri()

    # --- triples --------------------------------------------------------------------------------

    def construct_triples(self, end: str) -> None:
        while not self.at(end):
            self.triples_same_subject(path=False)
            if not self.accept("."):
                return

    def triples_same_subject(self, *, path: bool) -> None:
        if self.at("(", "["):
            self.triples_node(path=path)
            if not self.at(".", "}", "]") and self.peek() is not None:
                self.property_list(path=path)
        else:
            self.graph_term_or_var()
            self.property_list(path=path)

    def triples_same_subject_path(self) -> None:
        self.triples_same_subject(path=True)

    def property_list(self, *, path: bool) -> None:
        self.verb(path=path)
        self.object_list(path=path)
        while self.accept(";"):
            if self.at(";", ".", "}", "]") or self.peek() is None:
                continue
            self.verb(path=path)
            self.object_list(path=path)

    def verb(self, *, path: bool) -> None:
        if self.at_kind("VAR"):
            self.take()
        elif not path:
            if self.at_kind("A"):
                self.take()
            else:
                self.iri()
        else:
            self.path_alternative()

    def object_list(self, *, path: bool) -> None:
        self.graph_node(path=path)
        while self.accept(","):
            self.graph_node(path=path)

    def graph_node(self, *, path: bool) -> None:
        if self.at("(", "["):
            self.triples_node(path=path)
        else:
            self.graph_term_or_var()

    def triples_node(self, *, path: bool) -> None:
        if self.accept("["):
            self.property_list(path=path)
            self.expect("]")
            return
        self.expect("(")
        self.graph_node(path=path)
        while not self.at(")"):
            self.graph_node(path=path)
        self.take()

    def graph_term_or_var(self) -> None:
        tok = self.peek()
        if tok is None:
            self.fail("a term")
        assert tok is not None
        if tok.kind in ("VAR", "BLANK_NODE_LABEL", "ANON", "NIL") or tok.kind in NUMBER_KINDS:
            self.take()
        elif self.at_iri():
            self.iri()
        elif tok.kind in STRING_KINDS:
            self.rdf_literal()
        elif self.accept("TRUE", "FALSE"):
            pass
        else:
            self.fail("a variable or an RDF term")

    def rdf_literal(self) -> None:
        self.take()
        if self.at_kind("LANGTAG"):
            self.take()
        elif self.accept("^^"):
            self.iri()

    # --- property paths -------------------------------------------------------------------------

    def path_alternative(self) -> None:
        self.path_sequence()
        while self.accept("|"):
            self.path_sequence()

    def path_sequence(self) -> None:
        self.path_elt_or_inverse()
        while self.accept("/"):
            self.path_elt_or_inverse()

    def path_elt_or_inverse(self) -> None:
        self.accept("^")
        self.path_primary()
        self.accept("?", "*", "+")

    def path_primary(self) -> None:
        if self.at_kind("A"):
            self.take()
        elif self.at_iri():
            self.iri()
        elif self.accept("!"):
            if self.accept("("):
                if not self.at(")"):
                    self.path_one_in_property_set()
                    while self.accept("|"):
                        self.path_one_in_property_set()
                self.expect(")")
            elif self.at_kind("NIL"):
                self.take()
            else:
                self.path_one_in_property_set()
        elif self.accept("("):
            self.path_alternative()
            self.expect(")")
        else:
            self.fail("an IRI, 'a', '!' or '(' in a property path")

    def path_one_in_property_set(self) -> None:
        self.accept("^")
        if self.at_kind("A"):
            self.take()
        else:
            self.iri()

    # --- expressions ----------------------------------------------------------------------------

    def at_constraint(self) -> bool:
        return self.at("(") or self.at_builtin() or self.at_iri()

    def constraint(self) -> None:
        if self.at("("):
            self.bracketted_expression()
        elif self.at_builtin():
            self.builtin_call()
        elif self.at_iri():
            self.function_call()
        else:
            self.fail("'(', a built-in call or a function call")

    def function_call(self) -> None:
        self.iri()
        self.arg_list()

    def arg_list(self) -> None:
        if self.at_kind("NIL"):
            self.take()
            return
        self.expect("(")
        self.accept("DISTINCT")
        self.expression()
        while self.accept(","):
            self.expression()
        self.expect(")")

    def expression_list(self) -> None:
        if self.at_kind("NIL"):
            self.take()
            return
        self.expect("(")
        self.expression()
        while self.accept(","):
            self.expression()
        self.expect(")")

    def bracketted_expression(self) -> None:
        self.expect("(")
        self.expression()
        self.expect(")")

    def expression(self) -> None:
        self.and_expression()
        while self.accept("||"):
            self.and_expression()

    def and_expression(self) -> None:
        self.relational_expression()
        while self.accept("&&"):
            self.relational_expression()

    def relational_expression(self) -> None:
        self.additive_expression()
        if self.at(*_RELATIONAL):
            self.take()
            self.additive_expression()
        elif self.accept("IN"):
            self.expression_list()
        elif self.at("NOT") and self.peek(1) is not None and self.peek(1).value == "IN":  # type: ignore[union-attr]
            self.take()
            self.take()
            self.expression_list()

    def additive_expression(self) -> None:
        self.multiplicative_expression()
        while True:
            if self.accept("+", "-"):
                self.multiplicative_expression()
                continue
            tok = self.peek()
            if tok is not None and tok.kind in NUMBER_KINDS and tok.text[0] in "+-":
                self.take()  # "?a +1": the sign belongs to the number terminal
                while self.accept("*", "/"):
                    self.unary_expression()
                continue
            return

    def multiplicative_expression(self) -> None:
        self.unary_expression()
        while self.accept("*", "/"):
            self.unary_expression()

    def unary_expression(self) -> None:
        self.accept("!", "+", "-")
        self.primary_expression()

    def primary_expression(self) -> None:
        tok = self.peek()
        if tok is None:
            self.fail("an expression")
        assert tok is not None
        if self.at("("):
            self.bracketted_expression()
        elif self.at_builtin():
            self.builtin_call()
        elif self.at_iri():
            self.iri()
            if self.at("(") or self.at_kind("NIL"):
                self.arg_list()
        elif tok.kind in STRING_KINDS:
            self.rdf_literal()
        elif tok.kind in NUMBER_KINDS or tok.kind == "VAR":
            self.take()
        elif self.accept("TRUE", "FALSE"):
            pass
        else:
            self.fail("an expression")

    def at_builtin(self) -> bool:
        tok = self.peek()
        if tok is None or tok.kind != "KEYWORD":
            return False
        word = tok.value
        if word == "NOT":
            nxt = self.peek(1)
            return nxt is not None and nxt.value == "EXISTS"
        return (word in _ONE_ARG or word in _TWO_ARGS or word in _NO_ARGS or word in _AGGREGATES
                or word in {"BOUND", "BNODE", "CONCAT", "COALESCE", "IF", "REGEX", "SUBSTR", "REPLACE",
                            "EXISTS"})

    def args(self, low: int, high: int) -> None:
        self.expect("(")
        self.expression()
        count = 1
        while count < high and self.accept(","):
            self.expression()
            count += 1
        if count < low:
            self.fail("','")
        self.expect(")")

    def builtin_call(self) -> None:
        word = self.take().value
        if word in _ONE_ARG:
            self.args(1, 1)
        elif word in _TWO_ARGS:
            self.args(2, 2)
        elif word in _NO_ARGS:
            if not self.at_kind("NIL"):
                self.fail("'()'")
            self.take()
        elif word == "BOUND":
            self.expect("(")
            self.var()
            self.expect(")")
        elif word == "BNODE":
            if self.at_kind("NIL"):
                self.take()
            else:
                self.args(1, 1)
        elif word in ("CONCAT", "COALESCE"):
            self.expression_list()
        elif word == "IF":
            self.args(3, 3)
        elif word in ("REGEX", "SUBSTR"):
            self.args(2, 3)
        elif word == "REPLACE":
            self.args(3, 4)
        elif word == "EXISTS":
            self.group_graph_pattern()
        elif word == "NOT":
            self.expect("EXISTS")
            self.group_graph_pattern()
        else:
            self.aggregate(word)

    def aggregate(self, word: str) -> None:
        self.expect("(")
        self.accept("DISTINCT")
        if word == "COUNT" and self.accept("*"):
            self.expect(")")
            return
        self.expression()
        if word == "GROUP_CONCAT" and self.accept(";"):
            self.expect("SEPARATOR")
            self.expect("=")
            if not self.at_kind(*STRING_KINDS):
                self.fail("a string")
            self.take()
        self.expect(")")
