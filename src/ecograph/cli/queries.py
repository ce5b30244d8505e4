"""``ecograph queries`` and ``ecograph query``: a thin shell over ``ecograph.questions.catalogue``.

Each command's handler is stored as ``func`` on its sub-parser and returns the exit code:
0 done, 2 error (one line on stderr).
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from typing import Any

from ecograph.questions.catalogue import QueryError, SavedQuery, get_query, load_catalogue, run_saved, run_sparql
from ecograph.settings import get_settings
from ecograph.sparql.results import FORMATS, render
from ecograph.store.errors import StoreNotBuilt
from ecograph.store.open import open_store

_SAVED_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def add_commands(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``queries`` and ``query`` to the main parser's sub-commands."""
    p = subparsers.add_parser(
        "queries",
        help="list the saved queries (or describe one)",
        description="List the catalogue of saved queries, or show one query's description and parameters.",
    )
    p.add_argument("name", nargs="?", help="a saved query to describe")
    p.set_defaults(func=cmd_queries)

    p = subparsers.add_parser(
        "query",
        help="run a saved query by name, or raw SPARQL over all graphs",
        description=(
            "Run a saved query (NAME, see `ecograph queries`) or a SPARQL query text over the "
            "union of all graphs."
        ),
    )
    p.add_argument("target", help="saved query name, or SPARQL text")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter of the saved query (repeatable)",
    )
    p.add_argument("-f", "--format", choices=FORMATS, default="table", help="output format")
    p.set_defaults(func=cmd_query)


def _fail(message: str) -> int:
    print("error: " + " ".join(message.split()), file=sys.stderr)
    return 2


def _describe(q: SavedQuery) -> str:
    lines = [f"{q.name} — {q.summary}"]
    if q.tags:
        lines.append("tags: " + ", ".join(q.tags))
    if q.description:
        lines.append("")
        lines.extend(textwrap.wrap(q.description, 88))
    if q.params:
        lines.append("")
        lines.append("parameters:")
        for p in q.params:
            default = f" (default: {p.default})" if p.default is not None else ""
            lines.append(f"  {p.name}: {p.type}{default}")
            if p.description:
                lines.extend(textwrap.wrap(p.description, 84, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines) + "\n"


def cmd_queries(args: argparse.Namespace) -> int:
    try:
        if args.name:
            sys.stdout.write(_describe(get_query(args.name)))
            return 0
        catalogue = load_catalogue()
    except QueryError as exc:
        return _fail(str(exc))
    width = max((len(n) for n in catalogue), default=0)
    for name, q in catalogue.items():
        params = " ".join(f"[{p.name}]" for p in q.params)
        print(f"{name.ljust(width)}  {q.summary}" + (f"  {params}" if params else ""))
    return 0


def _parse_params(items: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {item!r}: expected KEY=VALUE")
        values[key.strip()] = value
    return values


def cmd_query(args: argparse.Namespace) -> int:
    settings = get_settings()
    try:
        params = _parse_params(args.param)
        is_saved = bool(_SAVED_NAME.match(args.target))
        if not is_saved and params:
            raise QueryError("--param applies to saved queries only")
        query: Any = get_query(args.target) if is_saved else None
        store = open_store(settings)  # the configured backend, as `serve` and `build` use
        if query is not None:
            result = run_saved(store, query, params, base=settings.base)
        else:
            result = run_sparql(store, args.target, base=settings.base)
        sys.stdout.write(render(result, args.format, base=settings.base))
    except (QueryError, StoreNotBuilt) as exc:
        return _fail(str(exc))
    return 0
