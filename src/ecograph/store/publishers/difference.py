"""N-Triples arithmetic for the remote publisher: the difference with the published version, and batches."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox


def difference(published: bytes, new: bytes) -> tuple[bytes, bytes, bool]:
    """(N-Triples to add, N-Triples to remove, whether blank-node triples are replaced)."""
    old_plain, old_blank = _split_triples(published)
    new_plain, new_blank = _split_triples(new)
    blank = bool(old_blank or new_blank)
    plus = sorted(new_plain - old_plain, key=str) + (new_blank if blank else [])
    minus = sorted(old_plain - new_plain, key=str)
    return _ntriples(plus), _ntriples(minus), blank


def _split_triples(data: bytes) -> tuple[set[ox.Triple], list[ox.Triple]]:
    plain: set[ox.Triple] = set()
    blank: list[ox.Triple] = []
    for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        t = quad.triple
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            blank.append(t)
        else:
            plain.add(t)
    return plain, blank


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""


def batches(data: bytes, size: int) -> Iterator[bytes]:
    """``data`` in batches of ``size`` lines; lines with blank nodes all together in the last one
    (a blank node label only means the same node within one request)."""
    plain: list[bytes] = []
    with_bnodes: list[bytes] = []
    for line in data.splitlines(keepends=True):
        if not line.strip():
            continue
        (with_bnodes if b"_:" in line else plain).append(line)
        if len(plain) >= size:
            yield b"".join(plain)
            plain = []
    if plain:
        yield b"".join(plain)
    if with_bnodes:
        yield b"".join(with_bnodes)
