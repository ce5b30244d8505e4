"""One ``/sparql`` query as a job: run on any store, its answer serialised within the caps, its errors as replies.

The same code runs in a query worker process (embedded store) and in a thread of the web process
(a SPARQL server's store): the store decides which graphs the query sees
(:func:`ecograph.store.dataset.query_dataset`) and reads the answer lazily (``GraphStore.stream``),
so a capped answer is never read further than the caps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from ecograph.sparql import writers as results
from ecograph.sparql.formats import RDF, RDF_MEDIA, RESULTS, RESULTS_MEDIA
from ecograph.store.dataset import query_dataset
from ecograph.store.errors import BadAnswer, QueryTimedOut, RemoteError, ServerUnavailable, StoreNotBuilt
from ecograph.store.graphstore import GraphStore

TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Job:
    """One query, with everything the worker needs to run and serialise it."""

    query: str
    form: str  # SELECT, CONSTRUCT, DESCRIBE, ASK (from the guard)
    media_type: str  # negotiated; a key of formats.RESULTS or formats.RDF
    max_rows: int
    max_bytes: int = 32_000_000
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None  # protocol default-graph-uri
    named_graphs: tuple[str, ...] | None = None  # protocol named-graph-uri
    from_graphs: tuple[str, ...] = ()  # the query's FROM graphs (as the guard read them)
    from_named: tuple[str, ...] = ()  # the query's FROM NAMED graphs


@dataclass
class Reply:
    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    generation: str = ""


def run_job(store: GraphStore, job: Job, timeout: float) -> Reply:
    """Run and serialise one job; every failure but ``QueryTimedOut`` (the caller's time-out) is a reply."""
    generation = store.generation
    dataset = query_dataset(default_graphs=job.default_graphs, named_graphs=job.named_graphs,
                            from_graphs=job.from_graphs, from_named=job.from_named)
    try:
        with store.stream(job.query, base_iri=job.base_iri, dataset=dataset, timeout=timeout) as result:
            reply = serialise(job, result)
    except QueryTimedOut:
        raise
    except SyntaxError as exc:
        return Reply(400, TEXT, f"Syntax error: {exc}\n".encode())
    except ServerUnavailable as exc:
        return Reply(503, TEXT, f"The SPARQL server is unavailable: {exc}\n".encode(), {"Retry-After": "10"})
    except BadAnswer as exc:
        return Reply(502, TEXT, f"{exc}\n".encode())
    except RemoteError as exc:
        return Reply(502, TEXT, f"The SPARQL server failed: {exc}\n".encode())
    except StoreNotBuilt as exc:
        return Reply(503, TEXT, f"{exc}\n".encode())
    except MemoryError:
        return Reply(503, TEXT, b"The query needed more memory than a query worker may use "
                     b"(ECOGRAPH_WORKER_MEMORY); narrow it down.\n")
    except Exception as exc:  # an evaluation error is the query's, not the server's
        return Reply(400, TEXT, f"Query failed: {exc}\n".encode())
    reply.generation = generation
    return reply


def serialise(job: Job, result: Any) -> Reply:
    """The reply for a query answer: solutions, a boolean, or any iterable of triples."""
    headers: dict[str, str] = {}
    rows_capped = bytes_capped = False
    if isinstance(result, ox.QuerySolutions):
        fmt = RESULTS[job.media_type]
        variables = [v.value for v in result.variables]
        body, rows_capped, bytes_capped = _bounded(
            job, result, lambda row: results.solution_size(row, variables),
            lambda rows: results.write_solutions(variables, rows, fmt))
        media = RESULTS_MEDIA[fmt]
    elif isinstance(result, ox.QueryBoolean):
        fmt = RESULTS[job.media_type]
        body, media = results.write_boolean(result, fmt), RESULTS_MEDIA[fmt]
    else:
        rdf = RDF[job.media_type]
        body, rows_capped, bytes_capped = _bounded(
            job, result, results.triple_size, lambda triples: results.write_triples(triples, rdf))
        media = RDF_MEDIA[rdf]
    if rows_capped:
        headers["X-Ecograph-Rows-Capped"] = str(job.max_rows)
    if bytes_capped:
        headers["X-Ecograph-Bytes-Capped"] = str(job.max_bytes)
    return Reply(200, media, body, headers)


def _bounded(job: Job, items: Any, size: Callable[[Any], int],
             write: Callable[[list[Any]], bytes]) -> tuple[bytes, bool, bool]:
    """The document of the items that fit the job's row and byte caps; (body, rows capped, bytes capped)."""
    taken, rows_capped, bytes_capped = results.bounded(items, job.max_rows, job.max_bytes, size)
    body, trimmed = results.fit(taken, job.max_bytes, write)
    return body, rows_capped, bytes_capped or trimmed
