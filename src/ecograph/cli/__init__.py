"""The ``ecograph`` command: build, fetch, serve, query, and the curators' checks."""

from ecograph.cli.commands import main

__all__ = ["main"]
