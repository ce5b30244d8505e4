"""The packages show the data's way through the code, and imports only go one way along it.

source file → ingest → build (gate, publish) → store → questions → web pages. The rules are read
from the import statements (AST) of every module under ``src/ecograph``; there is no exceptions list.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "ecograph"

#: the top-level parts of ecograph and which other parts each may import
ALLOWED: dict[str, set[str]] = {
    "settings": set(),
    "model": set(),
    "sparql": {"model"},
    "store": {"model", "sparql", "settings"},
    "ingest": {"model"},
    "questions": {"store", "sparql", "model", "settings"},
    "build": {"ingest", "store", "sparql", "model", "questions", "settings"},
    "web": {"questions", "store", "sparql", "model", "settings", "build.dumps"},
    "cli": {"web", "build", "ingest", "questions", "store", "sparql", "model", "settings"},
}
#: modules of ingest that several ingesters share; every other ingest module is an ingester
INGEST_SHARED = {"base", "identity", "lookups", "readers", "places", "curated_check"}
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The ecograph modules (or packages) ``name`` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "ecograph"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "ecograph":
                continue
            for alias in node.names:
                full = f"{module}.{alias.name}"
                found.add(full if full in MODULES else module)
    return found


def _part(module: str) -> str:
    """``ecograph.build.cube.materialise`` → ``build``; ``ecograph.settings`` → ``settings``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


IMPORTS = {name: _imports(name, path) for name, path in MODULES.items()}


@pytest.mark.parametrize("name", [n for n in MODULES if _part(n) in ALLOWED])
def test_imports_follow_the_flow(name: str) -> None:
    part = _part(name)
    wrong = []
    for target in IMPORTS[name]:
        other = _part(target)
        if other in ("", part):
            continue
        allowed = ALLOWED[part]
        if other in allowed or any(target == f"ecograph.{a}" or target.startswith(f"ecograph.{a}.") for a in allowed):
            continue
        wrong.append(target)
    assert not wrong, f"{name} ({part}) may import only {sorted(ALLOWED[part])}, not {sorted(wrong)}"


def test_every_module_belongs_to_a_part() -> None:
    orphans = [n for n in MODULES if n != "ecograph" and _part(n) not in ALLOWED]
    assert not orphans, f"modules outside the known parts: {orphans}"


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("ecograph.ingest.")])
def test_no_ingester_imports_another(name: str) -> None:
    def ingester(module: str) -> str | None:
        parts = module.split(".")
        if len(parts) < 3 or parts[1] != "ingest" or parts[2] in INGEST_SHARED:
            return None
        return parts[2]

    mine = ingester(name)
    others = {ingester(t) for t in IMPORTS[name]} - {None, mine}
    assert not others, f"{name} imports the ingesters {sorted(others)}: share through ingest's lookups instead"


def test_no_import_cycles() -> None:
    graph = {n: {t for t in IMPORTS[n] if t in MODULES and t != n} for n in MODULES}
    # packages' __init__ modules are imported implicitly; a cycle through them is still a cycle
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name].relative_to(SRC)} has {lines} lines (at most {MAX_LINES})"
