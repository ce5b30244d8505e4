"""The backend boundary: the only package that knows how and where the graph is stored.

``embedded`` is on-disk Oxigraph with atomic generations; ``remote`` is a SPARQL 1.1 server
(Virtuoso, Fuseki, Oxigraph); ``open`` picks one from the settings.
"""
