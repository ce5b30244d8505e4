"""Load saved queries: ``queries/*.rq`` with their ``#+`` YAML header (see ``ecograph.questions.catalogue``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ecograph.model import resources
from ecograph.model.namespaces import ECO, PREFIXES
from ecograph.sparql.results import QueryError
from ecograph.sparql.values import query_form

QUERIES_DIR = resources.queries_dir()
PARAM_TYPES = ("iri", "literal", "integer", "region")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_KEY = r"^#\+\s+{}\s*:"  # the header line that declares a key


# --- the header ---------------------------------------------------------------------------------


class HeaderError(QueryError):
    """A header that is not YAML, or not a mapping; ``line`` is the line of the query file."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: header not understood: {problem}")
        self.line = line
        self.problem = problem


def _header_lines(text: str) -> tuple[str, list[int]]:
    """The ``#+`` lines as one YAML document (the ``#+`` and one space cut) and their line numbers in the file."""
    body: list[str] = []
    numbers: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("#+"):
            line = raw[2:]
            body.append(line[1:] if line.startswith(" ") else line)
            numbers.append(number)
    return "\n".join(body) + "\n", numbers


def _clean(value: Any) -> Any:
    """Block scalars (``>``, ``|``) without their final line break, as the header means them."""
    if isinstance(value, str):
        return value.rstrip("\n")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def parse_header(text: str) -> dict[str, Any]:
    """The ``#+`` header of a query as a dict.

    YAML with every scalar a string (``yaml.BaseLoader``: ``3`` and ``true`` are not typed here,
    the parameter spec says what a value is). An error names the line of the query file.
    """
    document, numbers = _header_lines(text)
    if not numbers:
        return {}
    try:
        value = yaml.load(document, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = numbers[min(mark.line, len(numbers) - 1)] if mark is not None else numbers[0]
        problem = getattr(exc, "problem", None) or str(exc)
        raise HeaderError(line, problem) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise HeaderError(numbers[0], "expected 'key: value' lines")
    return _clean(value)  # type: ignore[no-any-return]


def _line_of(text: str, pattern: str) -> int:
    """The first header line of ``text`` that matches ``pattern`` (for error messages); 1 when none does."""
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.startswith("#+") and re.search(pattern, raw):
            return number
    return 1


# --- the catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    cls: str | None = None  # full IRI of the required rdf:type (iri params)
    kind: str | None = None  # key prefix for bare values: region, org, municipality …
    description: str = ""
    default: str | None = None
    optional: bool = False  # without a value the variable is bound to "" (the query reads that as "any")


@dataclass(frozen=True)
class SavedQuery:
    name: str
    text: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    path: Path | None = None

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE (as the SPARQL parser reads it)."""
        return query_form(self.text)


def expand_curie(value: str) -> str:
    """``eco:Region`` → full IRI; other strings are returned unchanged."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def _defaults(header: dict[str, Any]) -> dict[str, Any]:
    raw = header.get("defaults") or {}
    if isinstance(raw, list):  # grlc style: a list of one-key maps
        out: dict[str, Any] = {}
        for item in raw:
            if isinstance(item, dict):
                out.update(item)
        return out
    return raw if isinstance(raw, dict) else {}


def _param(path: Path, text: str, name: str, spec: Any, defaults: dict[str, Any]) -> Param:
    spec = spec if isinstance(spec, dict) else {}
    where = f"{path.name}:{_line_of(text, _KEY.format(re.escape(name)))}"
    ptype = spec.get("type", "literal")
    if ptype not in PARAM_TYPES:
        raise QueryError(f"{where}: parameter {name!r} has unknown type {ptype!r}")
    if not re.search(r"[?$]" + re.escape(name) + r"\b", text):
        raise QueryError(f"{where}: parameter {name!r} is not a variable of the query")
    cls = spec.get("class")
    default = defaults.get(name, spec.get("default"))
    return Param(
        name=name,
        type=ptype,
        cls=expand_curie(cls) if cls else (ECO.Region if ptype == "region" else None),
        kind=spec.get("kind") or ("region" if ptype == "region" else None),
        description=str(spec.get("description") or ""),
        default=None if default is None else str(default),
        optional=str(spec.get("optional", "false")).lower() in ("true", "yes"),
    )


def load_query(path: Path) -> SavedQuery:
    name = path.stem
    if not NAME_RE.match(name):
        raise QueryError(f"{path.name}: query names are lower-case words joined by '-'")
    text = path.read_text(encoding="utf-8")
    try:
        header = parse_header(text)
    except HeaderError as exc:
        raise QueryError(f"{path.name}:{exc.line}: header not understood: {exc.problem}") from None
    defaults = _defaults(header)
    params = header.get("params") or {}
    if not isinstance(params, dict):
        line = _line_of(text, r"^#\+ ?params\s*:")
        raise QueryError(f"{path.name}:{line}: 'params' is not a mapping")
    tags = header.get("tags") or []
    return SavedQuery(
        name=name,
        text=text,
        summary=str(header.get("summary") or name),
        description=str(header.get("description") or ""),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        params=tuple(_param(path, text, pname, spec, defaults) for pname, spec in params.items()),
        path=path,
    )


def load_catalogue(folder: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query of ``folder`` (default: the project's ``queries/``), by name."""
    folder = folder or QUERIES_DIR
    return {q.name: q for q in (load_query(p) for p in sorted(folder.glob("*.rq")))}


def get_query(name: str, folder: Path | None = None) -> SavedQuery:
    path = (folder or QUERIES_DIR) / f"{name}.rq"
    if not NAME_RE.match(name) or not path.is_file():
        raise QueryError(f"no saved query named {name!r} (see `ecograph queries`)")
    return load_query(path)
