"""ecograph: a knowledge graph of the Leuven innovation region."""

__version__ = "0.1.0"
