"""The remote store: the published graphs of a SPARQL server, with the interface of ``EmbeddedStore``."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Unpack

import pyoxigraph as ox

from ecograph.model.namespaces import DCTERMS, VOID
from ecograph.settings import Settings
from ecograph.store.dataset import Dataset, only_published
from ecograph.store.errors import BadAnswer, QueryTimedOut, StoreNotBuilt
from ecograph.store.graphstore import QueryOptions, StreamOptions, unpacked, unpacked_stream
from ecograph.store.remote.answers import RDF_ACCEPT, RDF_FORMATS, StreamedBody, accept_for, parse_answer, streamed
from ecograph.store.remote.http import UPLOAD_MEDIA, Client, media
from ecograph.store.remote.text import prepared

REGISTRY = "registry"
NOTHING = "none"  # never written: stands for an empty list of graphs
STAGING = "staging"


class RemoteStore:
    """The published graphs of a SPARQL server, with the interface of ``EmbeddedStore``."""

    def __init__(
        self,
        query_endpoint: str,
        *,
        base: str,
        update_endpoint: str = "",
        graph_store: str = "",
        user: str = "",
        password: str = "",
        timeout: float = 300.0,
        require_published: bool = True,
    ) -> None:
        if not query_endpoint:
            raise ValueError("the remote backend needs ECOGRAPH_SPARQL_QUERY (the server's query endpoint)")
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint or query_endpoint
        self.graph_store = graph_store
        self.base = base.rstrip("/")
        self._client = Client(query_endpoint, user=user, password=password, timeout=timeout)
        self.published: list[str] = []
        self.stamp = ""
        self.refresh()
        if require_published and not self.published:
            raise StoreNotBuilt(f"no graph published on {query_endpoint}: run `ecograph build` first")

    @classmethod
    def from_settings(
        cls, settings: Settings, *, require_published: bool = True, timeout: float | None = None
    ) -> RemoteStore:
        """The store of ``settings``; ``timeout`` (seconds) bounds every request (default 300)."""
        return cls(
            settings.sparql_query,
            base=settings.base,
            update_endpoint=settings.sparql_update,
            graph_store=settings.sparql_graph_store,
            user=settings.sparql_user,
            password=settings.sparql_password,
            require_published=require_published,
            **({} if timeout is None else {"timeout": timeout}),
        )

    def close(self) -> None:
        self._client.close()

    @property
    def timeout(self) -> float:
        """Seconds any request may wait for each piece of its answer."""
        return self._client.timeout

    @timeout.setter
    def timeout(self, seconds: float) -> None:
        self._client.timeout = seconds

    @property
    def is_virtuoso(self) -> bool:
        return self._client.is_virtuoso

    # --- identity of what is published ---

    @property
    def registry(self) -> str:
        return f"{self.base}/graph/{REGISTRY}"

    def staging(self, name: str) -> str:
        return f"{self.base}/graph/{STAGING}/{name}"

    def read_registry(self) -> tuple[list[str], str]:
        """(published graphs, stamp) as the server has them now."""
        rows = self._select(
            f"SELECT ?g ?stamp WHERE {{ GRAPH <{self.registry}> {{"
            f" {{ <{self.registry}> <{VOID.subset}> ?g }} UNION"
            f" {{ <{self.registry}> <{DCTERMS.identifier}> ?stamp }} }} }}",
            dataset=False,
        )
        graphs = sorted({r["g"].value for r in rows if r["g"] is not None})
        stamps = sorted(r["stamp"].value for r in rows if r["stamp"] is not None)
        return graphs, (stamps[-1] if stamps else "")

    def refresh(self) -> None:
        self.published, self.stamp = self.read_registry()

    @property
    def generation(self) -> str:
        return self.stamp

    def is_stale(self) -> bool:
        """True when a build published something since this store was opened (or refreshed)."""
        return self.read_registry()[1] != self.stamp

    def published_at(self) -> str:
        """When the registry was last written (ISO 8601), or "" when the build did not record it."""
        rows = self._select(
            f"SELECT ?t WHERE {{ GRAPH <{self.registry}> {{ <{self.registry}> <{DCTERMS.modified}> ?t }} }}",
            dataset=False,
        )
        return max((r["t"].value for r in rows if r["t"] is not None), default="")

    def built_at(self) -> datetime:
        """The time the build wrote into the registry (now, for a registry without one)."""
        stamp = self.published_at()
        if stamp:
            with contextlib.suppress(ValueError):
                return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
        return datetime.now(UTC).replace(microsecond=0)

    # --- queries ---

    def query(self, sparql: str, *, use_union: bool = True, **options: Unpack[QueryOptions]) -> Any:
        """Run a query; the answer has the type pyoxigraph gives for the same query.

        The dataset is that of :mod:`ecograph.store.dataset`, published graphs only. With
        ``use_union=False`` (the build, reading staging graphs) the given graphs are sent as
        they are, and without any no dataset is sent (the query's own ``FROM``, or the server's).
        """
        substitutions, base_iri, default_graph, named_graphs = unpacked(options)
        text, form = prepared(sparql, substitutions=substitutions, base_iri=base_iri)
        default_graph, named_graphs = self._dataset((default_graph, named_graphs), use_union)
        response = self._client.query(text, accept=accept_for(form), default_graph=default_graph,
                                      named_graphs=named_graphs)
        return parse_answer(response.content, response.headers.get("content-type", ""), form)

    @contextlib.contextmanager
    def stream(self, sparql: str, **options: Unpack[StreamOptions]) -> Iterator[Any]:
        """The answer, parsed while it arrives; the connection closes with the context, so the
        rest of a capped answer is never downloaded (which also tells the server to stop).

        ``timeout`` bounds the wait for each piece and, on the wall clock, the whole read."""
        base_iri, dataset, timeout = unpacked_stream(options)
        deadline = time.monotonic() + timeout
        text, form = prepared(sparql, base_iri=base_iri)
        default_graph, named_graphs = self._dataset(dataset, True)
        response = self._client.query(text, accept=accept_for(form), default_graph=default_graph,
                                      named_graphs=named_graphs, timeout=timeout, stream=True)
        body = StreamedBody(response.iter_bytes(), deadline)
        try:
            yield streamed(response, form, body)
        except BadAnswer:
            raise
        except (SyntaxError, OSError, ValueError) as exc:
            if body.timed_out:
                raise QueryTimedOut(f"the query timed out after {timeout:g} s") from None
            raise BadAnswer(f"The SPARQL server's answer could not be read: {exc}", 502) from None
        finally:
            response.close()

    def _dataset(self, dataset: Dataset, use_union: bool) -> Dataset:
        """The protocol dataset to send (see :meth:`query`)."""
        default_graph, named_graphs = only_published(dataset, self.published) if use_union else dataset
        if default_graph is None and use_union:
            default_graph = self.published
        if named_graphs is None and default_graph is not None:
            named_graphs = self.published  # never the server's own list: it has the staging graphs
        # The protocol cannot say "no graphs" (no parameter means "the server's dataset"), so an
        # empty list is sent as a graph that is never written.
        empty = [f"{self.base}/graph/{NOTHING}"]
        if default_graph is not None and not default_graph:
            default_graph = empty
        if named_graphs is not None and not named_graphs:
            named_graphs = empty
        return default_graph, named_graphs

    def _select(self, sparql: str, *, dataset: bool = True) -> list[ox.QuerySolution]:
        return list(self.query(sparql, use_union=dataset))

    # --- the rest of the GraphStore interface ---

    def graphs(self) -> list[str]:
        return list(self.published)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        for g in [graph] if graph else self.published:
            node = ox.NamedNode(g)
            for t in ox.parse(self.get_graph(g), format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, node)

    def quads_for_pattern(self, subject: Any, predicate: Any, object: Any,  # noqa: A002 - pyoxigraph's name
                          graph_name: Any = None) -> Iterator[ox.Quad]:
        """The published quads matching a pattern (one SELECT; ``None`` matches anything)."""
        bound = {name: term for name, term in (("s", subject), ("p", predicate), ("o", object), ("g", graph_name))
                 if term is not None}
        if isinstance(bound.get("g"), ox.DefaultGraph):
            return iter(())  # nothing of ours is in the default graph
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", substitutions=bound)
        return iter([ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows])

    def dump(self, output: Any, fmt: ox.RdfFormat, graph: str | None = None) -> bytes | None:
        """Serialise the published dataset (quad formats) or one graph (triple formats); ``output`` None: the bytes."""
        if graph is not None:
            return ox.serialize((q.triple for q in self.quads(graph)), output, format=fmt)
        return ox.serialize(self.quads(), output, format=fmt)

    def __len__(self) -> int:
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0]["n"].value) if rows else 0

    # --- Graph Store Protocol and updates ---

    def get_graph(self, graph: str) -> bytes:
        """One graph as N-Triples: Graph Store GET, or a CONSTRUCT without a graph-store endpoint."""
        if self.graph_store:
            response = self._client.request("GET", self.graph_store, params={"graph": graph},
                                            headers={"Accept": RDF_ACCEPT}, ok=(200, 404))
            if response.status_code == 404:
                return b""
            fmt = RDF_FORMATS.get(media(response.headers.get("content-type", "")), ox.RdfFormat.TURTLE)
            if fmt == ox.RdfFormat.N_TRIPLES:
                return response.content
            return ox.serialize(ox.parse(response.content, format=fmt), format=ox.RdfFormat.N_TRIPLES)
        triples = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                             use_union=False)
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)

    def post_ntriples(self, graph: str, data: bytes) -> None:
        """Add N-Triples to a graph: Graph Store POST, or INSERT DATA without a graph-store endpoint."""
        if self.graph_store:
            self._client.request("POST", self.graph_store, params={"graph": graph}, content=data,
                                 headers={"Content-Type": UPLOAD_MEDIA}, ok=(200, 201, 204))
        else:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{data.decode('utf-8')}\n}} }}")

    def update(self, sparql: str) -> None:
        """Run one SPARQL Update request (one request: one transaction on the servers we know)."""
        self._client.request("POST", self.update_endpoint, data={"update": sparql}, ok=(200, 204))

