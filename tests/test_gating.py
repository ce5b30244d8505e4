"""The gate on a second thread gives the serial build's outcome, also when a source fails it late.

While a source is validated the build goes on as if it conformed (``ecograph.build.gating``): the
next source is validated with it in its context, and the inference, cube and quality checks run
over a stage that still holds it. These builds make that speculation wrong on purpose and check
that the outcome is what validating each source before the next would give.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_settings

from ecograph.build.publish import build
from ecograph.model.sources import Source
from ecograph.store.embedded import EmbeddedStore

ECO = "https://w3id.org/ecograph/ontology#"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"

SOURCE = "<http://purl.org/dc/terms/source>"


def _lines(*triples: tuple[str, str, str]) -> str:
    """An ingester's body yielding ``triples`` (``{base}`` in a term is the build's base IRI)."""
    return "\n    ".join(f"yield ({s!r}.format(base=ctx.base), {p!r}, {o!r}.format(base=ctx.base))"
                         for s, p, o in triples)


A, B, C = "<{base}/id/org/a>", "<{base}/id/org/b>", "<{base}/id/org/c>"
COMPANY = f"<{ECO}Company>"
INGESTERS = {
    # <org/a>, a company: named once (conforms) or twice (breaks ecosh:OrganisationLabel's maxCount)
    "typer_ok": _lines((A, TYPE, COMPANY), (A, SOURCE, "<http://example.org/>"), (A, LABEL, '"A"')),
    "typer_bad": _lines((A, TYPE, COMPANY), (A, SOURCE, "<http://example.org/>"), (A, LABEL, '"A"'),
                        (A, LABEL, '"A twice"')),
    # <org/b>, part of <org/a>: conforms only if <org/a> is an organisation in the data graph
    "user": _lines((B, TYPE, COMPANY), (B, SOURCE, "<http://example.org/>"), (B, LABEL, '"B"'),
                   (B, "<http://www.w3.org/ns/org#subOrganizationOf>", A)),
    # an unnamed company (fails the gate) partner of a node nobody describes (fails a quality check)
    # a malformed IRI among many good triples: the stage's loader refuses the piece it is in
    "malformed": "\n    ".join([
        "for i in range(120_000):",
        f"    yield ('<{{base}}/id/org/m{{i}}>'.format(base=ctx.base, i=i), {LABEL!r}, '\"M\"')",
        f"yield ('<{{base}}/id/org/with space>'.format(base=ctx.base), {LABEL!r}, '\"M\"')"]),
    "partner_bad": _lines((C, TYPE, COMPANY), (C, SOURCE, "<http://example.org/>"),
                          (C, f"<{ECO}partnerOf>", "<{base}/id/org/nobody>")),
}


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a factory
    package = tmp_path / "gating_ingesters"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for module, body in INGESTERS.items():
        (package / f"{module}.py").write_text(f"def read(ctx):\n    ctx.rows_read = 1\n    {body}\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(name: str, module: str) -> Source:
        return Source(name=name, title=name, publisher="tests", publisher_url="http://example.org/",
                      licence="http://example.org/licence", licence_label="none", page="http://example.org/",
                      module=f"gating_ingesters.{module}")
    return make


def test_a_source_validated_against_a_pending_source_that_fails_is_validated_again(tmp_path: Path, source) -> None:
    settings = make_settings(tmp_path)
    report = build(settings, sources=(source("typer", "typer_ok"), source("user", "user")), progress=lambda _m: None)
    assert [(s.name, s.status, s.error) for s in report.sources] == [("typer", "published", ""),
                                                                     ("user", "published", "")]

    settings = make_settings(tmp_path / "second")
    messages: list[str] = []
    report = build(settings, sources=(source("typer", "typer_bad"), source("user", "user")),
                   progress=messages.append)
    statuses = {s.name: s for s in report.sources}
    assert statuses["typer"].status == "not-published" and "at most one rdfs:label" in statuses["typer"].error
    # validated first with <org/a> typed by the pending typer graph; typer failed: <org/a> is unknown
    assert statuses["user"].status == "not-published", statuses["user"]
    assert "subOrganizationOf" in statuses["user"].error and f"{settings.base}/id/org/b" in statuses["user"].error
    assert any(m.startswith("[user] NOT PUBLISHED") for m in messages)
    graphs = EmbeddedStore(settings.store).graphs()
    assert settings.graph("typer") not in graphs and settings.graph("user") not in graphs
    assert settings.graph("ontology") in graphs


def test_quality_checks_are_judged_without_a_source_the_gate_refused(tmp_path: Path, source) -> None:
    """The checks first run over a stage still holding the refused source (they fail there); the
    build must not stop on that verdict but derive and check again without the source."""
    settings = make_settings(tmp_path)
    messages: list[str] = []
    report = build(settings, sources=(source("typer", "typer_ok"), source("partner", "partner_bad")),
                   progress=messages.append)
    statuses = {s.name: s.status for s in report.sources}
    assert statuses == {"typer": "published", "partner": "not-published"}
    assert sum(m.startswith("[checks]") and "passed" in m for m in messages) == 1
    store = EmbeddedStore(settings.store)
    assert settings.graph("partner") not in store.graphs()
    # derived again without it: the inferred graph (partnerOf is symmetric) and the cube forgot it
    assert not [q for q in store.quads() if "/id/org/c>" in str(q) or "/id/org/nobody>" in str(q)]


def test_a_triple_the_stage_cannot_load_leaves_the_source_unpublished(tmp_path: Path, source) -> None:
    """The stage loads the ingester's output piece by piece while it is written; a bad piece
    (here the last of three) still stops the source, and none of its pieces is published."""
    settings = make_settings(tmp_path)
    report = build(settings, sources=(source("typer", "typer_ok"), source("malformed", "malformed")),
                   progress=lambda _m: None)
    statuses = {s.name: s for s in report.sources}
    assert statuses["typer"].status == "published"
    assert statuses["malformed"].status == "not-published"
    assert "invalid triple from the ingester" in statuses["malformed"].error, statuses["malformed"].error
    assert settings.graph("malformed") not in EmbeddedStore(settings.store).graphs()
