"""N-Triples read line by line, so that a bad line is reported with its number."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from ecograph.ingest.readers.common import IngestError

_PARSER_PREFIX = re.compile(r"^Parser error at line \d+ ")


def ntriples_lines(path: Path, lines: Iterable[bytes] | None = None) -> Iterator[tuple[int, ox.Triple]]:
    """Each triple of an N-Triples file with its line number; a bad line raises IngestError.

    Every non-blank, non-comment line must hold exactly one valid triple (strict N-Triples,
    IRIs validated by Oxigraph's parser). ``lines``: the file's lines when the caller has read
    them already (errors still name ``path``).
    """
    if lines is not None:
        yield from _triples(path, lines)
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise IngestError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        yield from _triples(path, handle)


def _triples(path: Path, lines: Iterable[bytes]) -> Iterator[tuple[int, ox.Triple]]:
    for lineno, raw in enumerate(lines, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise IngestError(path, lineno, f"not UTF-8: {exc.reason}") from None
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            quads = list(ox.parse(text, ox.RdfFormat.N_TRIPLES))
        except SyntaxError as exc:
            msg = _PARSER_PREFIX.sub("at ", exc.msg or str(exc))
            raise IngestError(path, lineno, f"invalid N-Triples: {msg}") from None
        if len(quads) != 1:
            raise IngestError(path, lineno, f"expected one triple on the line, found {len(quads)}")
        yield lineno, quads[0].triple
