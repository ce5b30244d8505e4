"""Only what pyproject.toml cannot say: found packages *and* listed ones (its `packages` is either, not both).

Every folder under src/ is a package, with or without ``__init__.py`` (Python imports both, so the wheel
carries both), and the three data folders that [tool.setuptools.package-dir] maps into the package are
added, so a new sub-package needs no edit here.
"""

from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages("src", exclude=["*.__pycache__"]),
                "ecograph.ontology", "ecograph.queries", "ecograph.vendor"])
