"""The `ecograph` command: thin shells over library functions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecograph import __version__
from ecograph.model.sources import SOURCES
from ecograph.settings import get_settings


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_fetch(args: argparse.Namespace) -> int:
    from ecograph.build.fetch import fetch

    settings = get_settings()
    only = set(args.source or []) or None
    results = fetch(settings.downloads, mirror=args.mirror, only=only, progress=_progress)
    if only and "wikidata" in only and args.mirror is None:
        # Wikidata is "downloaded" by a query to its SPARQL endpoint (only when asked by name)
        from ecograph.build.harvest_wikidata import ENDPOINT, fetch_source

        try:
            fetch_source(settings.downloads, settings.data, endpoint=args.endpoint or ENDPOINT, progress=_progress)
        except Exception as exc:  # noqa: BLE001 - network, HTTP and data errors all end the same way
            _progress(f"[wikidata] {type(exc).__name__}: {exc}")
            return 1
        results = [r for r in results if r.source != "wikidata"]
    failed = [r for r in results if r.status == "failed"]
    missing = [r for r in results if r.status == "missing"]
    _progress(
        f"fetch: {len(results) - len(failed) - len(missing)} file(s) in {settings.downloads},"
        f" {len(missing)} missing, {len(failed)} failed"
    )
    return 1 if failed else 0


def cmd_build(args: argparse.Namespace) -> int:
    from ecograph.build.publish import BuildError, build

    settings = get_settings()
    if args.mirror is not None:
        from ecograph.build.fetch import fetch

        fetch(settings.downloads, mirror=args.mirror, progress=_progress)
    try:  # into the configured backend (store.open.open_publisher), with the dumps
        report = build(settings, progress=_progress, dumps=True)
    except BuildError as exc:
        _progress(f"build: {exc}")
        return 2
    width = max((len(s.name) for s in report.sources), default=0)
    for s in report.sources:
        line = f"  {s.name:<{width}}  {s.status:<14} {s.triples:>9,} triples  {s.rows_read:>7,} rows"
        print(line + (f"  — {s.error}" if s.error else ""))
    print(f"generation {report.generation}: {report.triples:,} triples in {report.seconds:.1f} s")
    return 0 if report.ok else 1


def cmd_sources(_args: argparse.Namespace) -> int:
    for s in SOURCES:
        print(f"{s.name:<11} {s.title}")
        print(f"{'':<11} publisher: {s.publisher}; licence: {s.licence_label} <{s.licence}>")
        for f in s.files:
            where = "data/" + f.path if f.in_repo else (f.url or "(mirror only)")
            print(f"{'':<11} {f.key}: {where}{' (optional)' if f.optional else ''}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from ecograph.web.app import serve

    serve(args.host, args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecograph", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ecograph {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("fetch", help="download the sources from their publishers (or copy from a mirror)")
    p.add_argument("--mirror", type=Path, help="take the files from this folder instead of the publishers")
    p.add_argument("--source", action="append", help="only this source (repeatable)")
    p.add_argument("--endpoint", help="SPARQL endpoint for `--source wikidata` (default: Wikidata's)")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("build", help="build every source into the store and publish it atomically")
    p.add_argument("--mirror", type=Path, help="fetch from this mirror folder first")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("sources", help="list the source catalogue (publisher, licence, download URL)")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("serve", help="start the web app (SPARQL endpoint, Linked Data, viewer)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    try:
        from ecograph.cli.queries import add_commands
    except ImportError:
        pass
    else:
        add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
