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

from ecograph.sparql.lexer import LexError, Token, tokenize, unescape_codepoints
from ecograph.sparql.patterns import Patterns
from ecograph.sparql.tree import CALLS, Group, ParsedQuery, QuerySyntaxError, TooDeep, canonical_text

__all__ = ["CALLS", "MAX_DEPTH", "QUERY_FORMS", "UPDATE_KEYWORDS", "Group", "ParsedQuery", "QuerySyntaxError",
           "TooDeep", "canonical_text", "lex", "parse_query"]

MAX_DEPTH = 48
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD",
                             "WITH", "USING", "DATA", "INTO"})
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")

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


class _Parser(Patterns):
    """The query forms and solution modifiers; patterns and expressions come from the mixins."""

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
