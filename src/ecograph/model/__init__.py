"""The vocabulary: namespaces (the one prefix table), the SKOS schemes, N-Triples terms, the gap rules.

Imports nothing else of ecograph; reads only the package's own ``ontology/``.
"""
