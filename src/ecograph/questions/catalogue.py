"""The catalogue of saved queries: load ``queries/*.rq``, bind and check parameters, run them.

A saved query is one SPARQL file; its name (the file name without ``.rq``) is its public name.
Its metadata sits in a grlc-style comment header (lines starting with ``#+``), so the file
stays valid SPARQL::

    #+ summary: One line
    #+ description: >
    #+   A paragraph on how to read the answer.
    #+ tags: [gaps, value chain]
    #+ params:
    #+   region:
    #+     type: region
    #+     description: The region to look at.
    #+ defaults:
    #+   - region: region/arrondissement-leuven

Parameter types: ``iri`` (with ``class:``, a CURIE; the value must exist in the graph with
that rdf:type, directly or through rdfs:subClassOf), ``literal``, ``integer`` and ``region``
(an ``eco:Region`` IRI, or a comma-separated list of municipalities given by NIS code, key or
IRI; a list is bound as one string literal ``"<iri> <iri> …"`` that the queries test with
``CONTAINS``, because an engine binding holds one term only).

Values are bound by the engine (Oxigraph ``substitutions``, SEP-0007), never pasted into the
query text. SEP-0007 only binds variables that the query projects, so every saved query
projects its parameters; ``run`` drops those constant columns from the result.

IRIs: a parameter value that is not absolute (``region/vlaams-brabant``) is resolved against
``<base>/id/``; a bare key (``vlaams-brabant``) gets the parameter's ``kind`` (``region``) in
front. Query text may use relative IRIs (``<id/scheme/sectors>``, ``<graph/inferred>``): they are
resolved against ``<base>/`` because the query runs with that base IRI.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ecograph.model import resources
from ecograph.model.namespaces import ECO, PREFIXES
from ecograph.sparql.values import query_form
from ecograph.store.embedded import StoreNotBuilt, run_query

QUERIES_DIR = resources.queries_dir()
PARAM_TYPES = ("iri", "literal", "integer", "region")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryError(Exception):
    """A saved query or a parameter value cannot be used; the message says which and why."""


# --- the header ---------------------------------------------------------------------------------


def _scalar(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if text.startswith("[") and text.endswith("]"):
        return [_scalar(item) for item in text[1:-1].split(",") if item.strip()]
    return text


def _split_key(text: str) -> tuple[str, str] | None:
    """``key: value`` → (key, value); None when the line is not a mapping entry."""
    m = re.match(r"^([A-Za-z_][\w-]*)\s*:(?:\s+(.*)|\s*)$", text)
    return (m.group(1), (m.group(2) or "").strip()) if m else None


def _parse_block(lines: list[tuple[int, str]], i: int, indent: int) -> tuple[Any, int]:
    """Parse the block of lines at exactly ``indent``; returns (value, next index)."""
    if i < len(lines) and lines[i][1].startswith("- "):
        items: list[Any] = []
        while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
            rest = lines[i][1][2:]
            inner = indent + 2
            # "- key: value" starts a mapping whose other keys are indented under the key
            sub = [(inner, rest)]
            j = i + 1
            while j < len(lines) and lines[j][0] > indent:
                sub.append(lines[j])
                j += 1
            value, _ = _parse_block(sub, 0, inner) if _split_key(rest) else (_scalar(rest), 0)
            items.append(value)
            i = j
        return items, i
    mapping: dict[str, Any] = {}
    while i < len(lines) and lines[i][0] == indent:
        kv = _split_key(lines[i][1])
        if kv is None:
            raise QueryError(f"header line not understood: {lines[i][1]!r}")
        key, rest = kv
        i += 1
        if rest in (">", "|", ">-", "|-"):
            chunk: list[str] = []
            while i < len(lines) and lines[i][0] > indent:
                chunk.append(lines[i][1])
                i += 1
            mapping[key] = (" " if rest.startswith(">") else "\n").join(chunk)
        elif rest:
            mapping[key] = _scalar(rest)
        elif i < len(lines) and lines[i][0] > indent:
            mapping[key], i = _parse_block(lines, i, lines[i][0])
        else:
            mapping[key] = None
    return mapping, i


def parse_header(text: str) -> dict[str, Any]:
    """The ``#+`` header of a query as a dict (a small subset of YAML: maps, lists, scalars)."""
    lines: list[tuple[int, str]] = []
    for raw in text.splitlines():
        if not raw.startswith("#+"):
            continue
        body = raw[2:]
        if body.startswith(" "):
            body = body[1:]
        if not body.strip():
            continue
        lines.append((len(body) - len(body.lstrip(" ")), body.strip()))
    if not lines:
        return {}
    value, end = _parse_block(lines, 0, lines[0][0])
    if end != len(lines) or not isinstance(value, dict):
        raise QueryError(f"header line not understood: {lines[min(end, len(lines) - 1)][1]!r}")
    return value


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


def load_query(path: Path) -> SavedQuery:
    name = path.stem
    if not _NAME_RE.match(name):
        raise QueryError(f"{path.name}: query names are lower-case words joined by '-'")
    text = path.read_text(encoding="utf-8")
    try:
        header = parse_header(text)
    except QueryError as exc:
        raise QueryError(f"{path.name}: {exc}") from None
    raw_defaults = header.get("defaults") or {}
    defaults: dict[str, Any] = {}
    if isinstance(raw_defaults, list):  # grlc style: a list of one-key maps
        for item in raw_defaults:
            if isinstance(item, dict):
                defaults.update(item)
    elif isinstance(raw_defaults, dict):
        defaults = raw_defaults
    params: list[Param] = []
    for pname, spec in (header.get("params") or {}).items():
        spec = spec or {}
        ptype = spec.get("type", "literal")
        if ptype not in PARAM_TYPES:
            raise QueryError(f"{path.name}: parameter {pname!r} has unknown type {ptype!r}")
        if not re.search(r"[?$]" + re.escape(pname) + r"\b", text):
            raise QueryError(f"{path.name}: parameter {pname!r} is not a variable of the query")
        cls = spec.get("class")
        default = defaults.get(pname, spec.get("default"))
        params.append(
            Param(
                name=pname,
                type=ptype,
                cls=expand_curie(cls) if cls else (ECO.Region if ptype == "region" else None),
                kind=spec.get("kind") or ("region" if ptype == "region" else None),
                description=str(spec.get("description") or ""),
                default=None if default is None else str(default),
                optional=bool(spec.get("optional", False)),
            )
        )
    tags = header.get("tags") or []
    return SavedQuery(
        name=name,
        text=text,
        summary=str(header.get("summary") or name),
        description=str(header.get("description") or ""),
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])),
        params=tuple(params),
        path=path,
    )


def load_catalogue(folder: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query of ``folder`` (default: the project's ``queries/``), by name."""
    folder = folder or QUERIES_DIR
    return {q.name: q for q in (load_query(p) for p in sorted(folder.glob("*.rq")))}


def get_query(name: str, folder: Path | None = None) -> SavedQuery:
    path = (folder or QUERIES_DIR) / f"{name}.rq"
    if not _NAME_RE.match(name) or not path.is_file():
        raise QueryError(f"no saved query named {name!r} (see `ecograph queries`)")
    return load_query(path)


# --- binding parameters -------------------------------------------------------------------------


def _resolve_iri(param: Param, value: str, base: str, kind: str | None = None) -> str:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    expanded = expand_curie(value)
    if expanded != value:
        return expanded
    if _SCHEME_RE.match(value):
        return value
    kind = kind or param.kind
    if "/" not in value and kind:
        value = f"{kind}/{value}"
    return f"{base}/id/{value.lstrip('/')}"


def _node(param: Param, iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise QueryError(f"parameter {param.name!r}: {iri!r} is not a valid IRI") from None


_HAS_TYPE = """
ASK { { ?value a ?class } UNION { ?value a ?type . ?type rdfs:subClassOf+ ?class } }
"""


def _check_type(store: ox.Store, param: Param, node: ox.NamedNode, cls: str) -> None:
    prefix = f"PREFIX rdfs: <{PREFIXES['rdfs']}>\n"
    found = run_query(
        store, prefix + _HAS_TYPE, substitutions={"value": node, "class": ox.NamedNode(cls)}
    )
    if not bool(found):
        label = next((f"{p}:{cls[len(i):]}" for p, i in PREFIXES.items() if cls.startswith(i)), cls)
        raise QueryError(f"parameter {param.name!r}: no {label} {node} in the graph")


def bind_param(store: ox.Store, param: Param, value: str, base: str) -> Term:
    """The engine term for one parameter value, checked against its declared type."""
    if param.type == "integer":
        try:
            return ox.Literal(str(int(value.strip())), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
        except ValueError:
            raise QueryError(f"parameter {param.name!r}: {value!r} is not an integer") from None
    if param.type == "literal":
        return ox.Literal(value)
    if param.type == "region":
        items = [v.strip() for v in value.split(",") if v.strip()]
        if not items:
            raise QueryError(f"parameter {param.name!r}: empty value")
        if len(items) > 1 or items[0].isdigit():
            # an explicit set of municipalities
            nodes = []
            for item in items:
                node = _node(param, _resolve_iri(param, item, base, kind="municipality"))
                _check_type(store, param, node, ECO.Municipality)
                nodes.append(node)
            return ox.Literal(" ".join(str(n) for n in nodes))
    node = _node(param, _resolve_iri(param, value, base))
    if param.cls:
        _check_type(store, param, node, param.cls)
    return node


def bind_params(
    store: ox.Store, query: SavedQuery, values: Mapping[str, str], base: str
) -> dict[str, Term]:
    """Engine bindings for ``values`` plus the defaults; unknown or missing names are errors."""
    known = {p.name: p for p in query.params}
    for name in values:
        if name not in known:
            names = ", ".join(known) or "none"
            raise QueryError(f"query {query.name!r} has no parameter {name!r} (parameters: {names})")
    bindings: dict[str, Term] = {}
    for p in query.params:
        value = values.get(p.name, p.default)
        if p.optional and (value is None or not str(value).strip()):
            # "" rather than unbound: engines substitute a bound variable everywhere, and
            # BOUND() of a substituted variable is false in Oxigraph
            bindings[p.name] = ox.Literal("")
            continue
        if value is None:
            raise QueryError(f"parameter {p.name!r} of query {query.name!r} needs a value")
        bindings[p.name] = bind_param(store, p, str(value), base)
    return bindings


# --- running ------------------------------------------------------------------------------------


@dataclass
class Result:
    """A query answer held in memory: SELECT rows, an ASK boolean or CONSTRUCT triples."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)

    def records(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]

    def values(self) -> list[tuple[Any, ...]]:
        """Rows as plain Python values (IRI and literal strings, ints for integers); for tests."""
        return [tuple(plain(t) for t in row) for row in self.rows]


def plain(term: Term | None) -> Any:
    """A term as a plain value: None, IRI string, int, or the literal's lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype else ""
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def to_result(raw: Any, hide: frozenset[str] = frozenset()) -> Result:
    """Materialise a pyoxigraph answer; ``hide`` drops (parameter) columns."""
    if isinstance(raw, ox.QueryBoolean):
        return Result(kind="ask", boolean=bool(raw))
    if isinstance(raw, ox.QueryTriples):
        return Result(kind="graph", triples=list(raw))
    names = [v.value for v in raw.variables]
    keep = [i for i, n in enumerate(names) if n not in hide]
    rows = []
    for sol in raw:
        rows.append(tuple(sol[i] for i in keep))
    return Result(kind="select", variables=[names[i] for i in keep], rows=rows)


def query_base(base: str) -> str:
    """Base IRI that relative IRIs in query text are resolved against."""
    return base.rstrip("/") + "/"


def run_saved(
    store: ox.Store,
    query: SavedQuery | str,
    params: Mapping[str, str] | None = None,
    *,
    base: str,
    folder: Path | None = None,
) -> Result:
    """Run a saved query (by name or loaded) with ``params`` (strings, as typed by a user)."""
    q = get_query(query, folder) if isinstance(query, str) else query
    bindings = bind_params(store, q, params or {}, base.rstrip("/"))
    try:
        raw = run_query(store, q.text, substitutions=bindings, base_iri=query_base(base))
        return to_result(raw, hide=frozenset(bindings))
    except StoreNotBuilt:
        raise  # an unreachable or timed-out server is not an error in the question
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"query {q.name!r} failed: {exc}") from None


def run_sparql(store: ox.Store, sparql: str, *, base: str) -> Result:
    """Run raw SPARQL over the union of all graphs."""
    try:
        return to_result(run_query(store, sparql, base_iri=query_base(base)))
    except (SyntaxError, ValueError, OSError) as exc:
        raise QueryError(f"SPARQL error: {exc}") from None
