"""N-Triples term builders: what the ingesters write must parse, and bad values must be refused."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from ecograph.model.nt import TermError, iri, lit, serialize


@pytest.mark.parametrize("bad", ["", "relative/path", "http://x/a b", "http://x/<y>", 'http://x/"', "http://x/\x01"])
def test_bad_iris_are_refused(bad: str) -> None:
    with pytest.raises(TermError):
        iri(bad)


def test_literals_round_trip_through_oxigraph() -> None:
    tricky = 'quote " backslash \\ newline \n tab \t <script>alert(1)</script> é ☃'
    s, p = iri("http://example.org/s"), iri("http://example.org/p")
    triples = [
        (s, p, lit(tricky)),
        (s, p, lit("Leuven", lang="NL")),
        (s, p, lit(42)),
        (s, p, lit(50.88)),
        (s, p, lit(True)),
        (s, p, lit("1425", datatype="http://www.w3.org/2001/XMLSchema#gYear")),
    ]
    parsed = list(ox.parse(serialize(triples).encode(), format=ox.RdfFormat.N_TRIPLES))
    objects = [t.object for t in parsed]
    assert objects[0].value == tricky
    assert objects[1].language == "nl"
    assert objects[2].datatype.value.endswith("#integer") and objects[2].value == "42"
    assert objects[3].datatype.value.endswith("#decimal")
    assert objects[4].value == "true"
    assert objects[5].datatype.value.endswith("#gYear")
