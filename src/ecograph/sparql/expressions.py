"""Expressions, function calls and aggregates of the SPARQL 1.1 grammar (§19.8, [110]–[128])."""

from __future__ import annotations

from ecograph.sparql.cursor import Cursor
from ecograph.sparql.lexer import NUMBER_KINDS, STRING_KINDS
from ecograph.sparql.tree import _AGGREGATES, _NO_ARGS, _ONE_ARG, _RELATIONAL, _TWO_ARGS


class Expressions(Cursor):
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
