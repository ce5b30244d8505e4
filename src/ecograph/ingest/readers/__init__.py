"""Parsers of the files that several ingesters read (REFNIS, ROR, KBO, the curated CSVs, CSV tables).

No module here makes triples: an ingester maps what a reader gives to triples, and the build reads
each shared file once through :class:`ecograph.ingest.lookups.Lookups`.
"""
