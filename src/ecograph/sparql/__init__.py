"""The one reading of SPARQL text in ecograph: a lexer and parser of the SPARQL 1.1 Query grammar,
the endpoint's guard built on them, and the ``VALUES`` rewrite that binds variables over the protocol."""
