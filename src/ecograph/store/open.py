"""Choose the store backend from the settings: the embedded Oxigraph folder or a SPARQL server."""

from __future__ import annotations

from ecograph.settings import Settings
from ecograph.store.embedded import EmbeddedStore
from ecograph.store.graphstore import GraphStore, StoreWatch

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
