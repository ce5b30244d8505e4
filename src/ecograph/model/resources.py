"""Where ecograph's own files are: the ontology, the saved questions, the browser libraries.

Every other module asks here instead of counting ``parents[...]`` from its own file, so a module
can move between packages, and an installed wheel finds the same files as a checkout.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]
_CHECKOUT = _PACKAGE.parents[1]


def _first(*candidates: Path) -> Path:
    for path in candidates:
        if path.exists():
            return path
    return candidates[-1]


def ontology_dir() -> Path:
    """``ontology/``: ecograph.ttl, shapes.ttl, schemes/, checks/."""
    return _first(_PACKAGE / "ontology", _CHECKOUT / "ontology")


def queries_dir() -> Path:
    """``queries/``: the saved questions (``*.rq``) and the Wikidata harvest query."""
    return _first(_PACKAGE / "queries", _CHECKOUT / "queries")


def node_modules() -> Path:
    """The npm packages the setup installed (YASGUI, Chart.js, Leaflet), served by the app itself.

    A wheel carries only the files the app serves, under ``ecograph/vendor`` in node_modules' layout
    (``[tool.setuptools.package-data]`` in pyproject.toml); a checkout has the whole ``node_modules/``.
    """
    return _first(_PACKAGE / "vendor", _CHECKOUT / "node_modules")
