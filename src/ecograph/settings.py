"""Every ECOGRAPH_* setting in one place.

The README's settings table is generated from ``SETTINGS`` and a test checks it is in sync.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Settings, each read from the environment variable ECOGRAPH_<NAME>."""

    base: str = field(
        default="http://localhost:8000",
        metadata={"doc": "IRI base of the data (`<base>/id/<kind>/<key>`); the public URL of the site."},
    )
    store: Path = field(
        default=Path("var/store"),
        metadata={"doc": "Folder of the embedded Oxigraph store (its generations live inside); "
                         "remote backend: only the dumps are written there."},
    )
    downloads: Path = field(
        default=Path("var/downloads"),
        metadata={"doc": "Folder where `ecograph fetch` puts the source files."},
    )
    data: Path = field(
        default=Path("data"),
        metadata={"doc": "Folder of the project's own curated data and mapping tables."},
    )
    query_timeout: float = field(
        default=30.0,
        metadata={"doc": "Wall-clock limit of one query on the public endpoint, in seconds."},
    )
    max_rows: int = field(
        default=10000,
        metadata={"doc": "Most result rows the public endpoint returns for one query."},
    )
    max_body: int = field(
        default=1_000_000,
        metadata={"doc": "Largest accepted request body, in bytes."},
    )
    workers: int = field(
        default=2,
        metadata={"doc": "Number of killable query worker processes of the web app "
                         "(remote backend: queries sent to the server at once)."},
    )
    max_concurrent: int = field(
        default=0,
        metadata={"doc": "Concurrent queries allowed per client address before 429; 0: half the workers "
                         "(rounded up). Never more than that, so one client cannot hold every worker."},
    )
    max_result_bytes: int = field(
        default=32_000_000,
        metadata={"doc": "Largest answer the public endpoint sends for one query, in bytes; a cut answer "
                         "says so in `X-Ecograph-Bytes-Capped`."},
    )
    worker_memory: int = field(
        default=2048,
        metadata={"doc": "Heap limit of one query worker process, in MB (0: none); a query past it fails "
                         "with 503 instead of exhausting the machine."},
    )
    forwarded_allow_ips: str = field(
        default="",
        metadata={"doc": "Comma-separated addresses of reverse proxies whose `X-Forwarded-For` names the "
                         "client (for the per-client limit); empty: trust no proxy."},
    )
    tiles: str = field(
        default="",
        metadata={"doc": "URL template of a base-map tile server (`…/{z}/{x}/{y}.png`); empty: points only."},
    )
    backend: str = field(
        default="embedded",
        metadata={"doc": "Where the graph lives: `embedded` (the store folder) or `remote` (a SPARQL server)."},
    )
    sparql_query: str = field(
        default="",
        metadata={"doc": "Remote backend: URL of the server's SPARQL 1.1 query endpoint."},
    )
    sparql_update: str = field(
        default="",
        metadata={"doc": "Remote backend: URL of the SPARQL 1.1 Update endpoint (empty: the query URL)."},
    )
    sparql_graph_store: str = field(
        default="",
        metadata={"doc": "Remote backend: URL of the Graph Store Protocol endpoint (empty: load by SPARQL Update)."},
    )
    sparql_user: str = field(
        default="",
        metadata={"doc": "Remote backend: user name for the update and graph-store endpoints (HTTP Basic or Digest)."},
    )
    sparql_password: str = field(
        default="",
        metadata={"doc": "Remote backend: password of `ECOGRAPH_SPARQL_USER`."},
    )

    @classmethod
    def from_env(cls) -> Settings:
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get("ECOGRAPH_" + f.name.upper())
            if raw is None:
                continue
            kind = type(f.default)
            try:
                values[f.name] = kind(raw.rstrip("/") if f.name == "base" else raw)
            except ValueError as exc:
                raise ValueError(f"ECOGRAPH_{f.name.upper()}={raw!r}: {exc}") from exc
        return cls(**values)  # type: ignore[arg-type]

    @property
    def per_client(self) -> int:
        """Queries one client may have running or waiting: at most half the workers, rounded up."""
        fair = -(-max(1, self.workers) // 2)
        return min(self.max_concurrent, fair) if self.max_concurrent > 0 else fair

    def graph(self, name: str) -> str:
        """IRI of a named graph of ours."""
        return f"{self.base}/graph/{name}"

    def id(self, kind: str, key: str) -> str:
        """IRI of an entity."""
        return f"{self.base}/id/{kind}/{key}"


def settings_table() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for the README."""
    return [
        (f"ECOGRAPH_{f.name.upper()}", str(f.default), f.metadata["doc"]) for f in fields(Settings)
    ]


@lru_cache
def get_settings() -> Settings:
    """The process's settings; tests call ``get_settings.cache_clear()`` after changing the env."""
    return Settings.from_env()
