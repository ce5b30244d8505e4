"""The generation writer copies a graph through a temporary file in line-aligned pieces."""

from __future__ import annotations

import random
import tempfile

import pyoxigraph as ox
import pytest

from ecograph.store.publishers.generation import file_chunks, write_graph


@pytest.mark.parametrize("size", [1, 7, 64, 4096])
def test_pieces_end_at_line_ends_and_add_up_to_the_file(size: int) -> None:
    rng = random.Random(size)
    lines = [b"x" * rng.randrange(0, 200) + b"\n" for _ in range(300)] + [b"no newline at the end"]
    data = b"".join(lines)
    with tempfile.TemporaryFile() as file:
        file.write(data)
        pieces = list(file_chunks(file, size))
    assert b"".join(pieces) == data
    assert all(p.endswith(b"\n") for p in pieces[:-1]) and pieces[-1].endswith(b"the end")
    assert all(len(p) <= size + 201 for p in pieces)  # a piece, plus the rest of a line (at most 201 bytes)


def test_a_graph_is_copied_whole_in_pieces_and_blank_nodes_keep_their_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ecograph.store.publishers.generation.CHUNK", 1000)  # many pieces
    stage, target = ox.Store(), ox.Store()
    plain, blank = ox.NamedNode("http://example.org/plain"), ox.NamedNode("http://example.org/blank")
    stage.extend(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                         ox.Literal(f"value {i}"), plain) for i in range(2000))
    node = ox.BlankNode("kept")
    stage.add(ox.Quad(node, ox.NamedNode("http://example.org/p"), ox.Literal("b"), blank))
    write_graph(stage, target, plain)
    write_graph(stage, target, blank)
    copied = set(target.quads_for_pattern(None, None, None, plain))
    assert len(copied) == 2000 and copied == set(stage.quads_for_pattern(None, None, None, plain))
    assert [q.subject for q in target.quads_for_pattern(None, None, None, blank)] == [node]
