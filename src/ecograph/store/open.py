"""Choose the store backend from the settings: the embedded Oxigraph folder or a SPARQL server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore

BACKENDS = ("embedded", "remote")


class GraphStore(Protocol):
    """What ``EmbeddedStore`` and ``RemoteStore`` both offer."""

    @property
    def generation(self) -> str: ...

    def is_stale(self) -> bool: ...

    @property
    def oxigraph(self) -> Any:
        """``pyoxigraph.Store`` or an object with its query methods (``RemoteStore``'s facade)."""

    def query(
        self,
        sparql: str,
        *,
        substitutions: dict[str, Any] | None = None,
        base_iri: str | None = None,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Any: ...

    def graphs(self) -> list[str]: ...

    def quads(self, graph: str | None = None) -> Iterator[Any]: ...

    def dump(self, output: Any, fmt: Any, graph: str | None = None) -> None: ...

    def __len__(self) -> int: ...


def open_store(settings: Settings) -> GraphStore:
    """The published graph, for reading; raises ``StoreNotBuilt`` when nothing is published yet."""
    if settings.backend == "embedded":
        return EmbeddedStore(settings.store)
    if settings.backend == "remote":
        from ecograph.store.remote import RemoteStore

        return RemoteStore.from_settings(settings)
    raise ValueError(f"ECOGRAPH_BACKEND={settings.backend!r}: expected one of {', '.join(BACKENDS)}")

