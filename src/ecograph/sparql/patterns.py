"""Graph patterns, triples and property paths of the SPARQL 1.1 grammar (§19.8, [53]–[109])."""

from __future__ import annotations

from ecograph.sparql.expressions import Expressions
from ecograph.sparql.lexer import NUMBER_KINDS, STRING_KINDS
from ecograph.sparql.tree import Group


class Patterns(Expressions):
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
