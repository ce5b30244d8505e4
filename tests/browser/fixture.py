"""A small graph per docs/MODEL.md with known gaps, and organisations whose names are XSS probes.

Arrondissement Leuven = Leuven (24062) + Tienen (24107); the province adds Vilvoorde (23088).
Known cells in arrondissement Leuven (sector × stage):
  medtech × research     1 (the <img> organisation)     single
  medtech × prototyping  1 (MedTech B, Tienen)          single
  medtech × production   2 (MedTech A, the quote one)
  medtech × market       0                              gap
  software × research    0 (1 in the province: Vilvoorde Soft)   gap
  software × market      1 (Soft A)                     single
  software × prototyping 0, not applicable (a fixture rule: eco:stageNotApplicable)
  high tech × production 0, unknown: KU Leuven is in high tech with no capability there
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from builds import publish_fixture
from conftest import make_settings

from ecograph.build.cube.materialise import materialise
from ecograph.settings import Settings

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = '"><script>alert(2)</script>'
XSS_KEY = "q'onfocus=alert(3)'"  # quote and parentheses are legal in an IRI path

TRIG = (Path(__file__).parent / "fixture.trig").read_text(encoding="utf-8")


def fixture_trig() -> str:
    def lit(text: str) -> str:
        return text.replace("\\", "\\\\").replace('"', '\\"')

    return (TRIG.replace("XSS_IMG", lit(XSS_IMG)).replace("XSS_SCRIPT", lit(XSS_SCRIPT))
            .replace("XSS_KEY", XSS_KEY))


def publish_with_cube(root: Path, trig: str, base: str) -> None:
    """Publish ``trig`` as a store at ``root``, with the coverage cube the build materialises over its graphs."""

    def add_cube(store: ox.Store) -> None:
        graphs = [g for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
        cube = materialise(store, base, graphs)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(f"{base}/graph/cube")) for t in cube)

    publish_fixture(root, trig, format=ox.RdfFormat.TRIG, base=base, then=add_cube)


def build_fixture_store(root: Path, base: str) -> None:
    """Write the fixture as the published generation of a store at ``root``."""
    publish_with_cube(root, fixture_trig(), base)


def built_settings(tmp: Path, build: Callable[[Path, str], None] = build_fixture_store) -> Settings:
    """Test settings in ``tmp`` (one query worker) whose store ``build`` has published (default: the fixture)."""
    settings = make_settings(tmp, workers=1)
    build(Path(settings.store), settings.base)
    return settings
