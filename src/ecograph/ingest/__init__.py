"""One reader per source: the official format in, N-Triples terms out.

Each module exposes ``read(ctx: IngestContext) -> Iterator[Triple]`` and raises
:class:`IngestError` (file, line or record id, reason) on malformed input.
"""
