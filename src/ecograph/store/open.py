"""Choose the store backend from the settings: the embedded Oxigraph folder or a SPARQL server."""

from __future__ import annotations

from collections.abc import Callable

from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore
from ecograph.store.graphstore import GraphStore, StoreWatch
from ecograph.store.publishers.base import Publisher

BACKENDS = ("embedded", "remote")


def open_store(settings: Settings) -> GraphStore:
    """The published graph, for reading; raises ``StoreNotBuilt`` when nothing is published yet."""
    if settings.backend == "embedded":
        return EmbeddedStore(settings.store)
    if settings.backend == "remote":
        from ecograph.store.remote import RemoteStore

        return RemoteStore.from_settings(settings)
    raise ValueError(f"ECOGRAPH_BACKEND={settings.backend!r}: expected one of {', '.join(BACKENDS)}")


def watch_store(settings: Settings) -> StoreWatch:
    """The published graph, followed as builds publish new ones (the web process's handle)."""
    if settings.backend == "embedded":
        from ecograph.store.watch import GenerationWatch

        return GenerationWatch(settings.store)
    if settings.backend == "remote":
        from ecograph.store.remote.watch import RegistryWatch

        return RegistryWatch(settings)
    raise ValueError(f"ECOGRAPH_BACKEND={settings.backend!r}: expected one of {', '.join(BACKENDS)}")


def open_publisher(
    settings: Settings,
    *,
    progress: Callable[[str], None] = print,
    batch: int | None = None,
    after_batch: Callable[[str, int], None] | None = None,
) -> Publisher:
    """Where ``ecograph build`` publishes, for the configured backend (use it in a with block).

    ``batch`` and ``after_batch`` (upload batches) matter to the remote backend only; raises
    ``PublishFailed`` when the server cannot be reached."""
    if settings.backend == "embedded":
        from ecograph.store.publishers.embedded import EmbeddedPublisher

        return EmbeddedPublisher(settings.store, settings.graph("meta"))
    if settings.backend == "remote":
        from ecograph.store.publishers.remote import BATCH, RemotePublisher

        return RemotePublisher.connect(settings, batch=batch or BATCH, after_batch=after_batch, progress=progress)
    raise ValueError(f"ECOGRAPH_BACKEND={settings.backend!r}: expected one of {', '.join(BACKENDS)}")
