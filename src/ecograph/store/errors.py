"""What the stores raise, so that callers can answer it without knowing the backend.

* ``StoreNotBuilt``: nothing is published yet (a 503 on the web).
* ``StoreUnavailable``: the store cannot answer now (also a 503, like no build).
* ``RemoteError``: a SPARQL server refused a request or answered with an error (``status``).
* ``ServerUnavailable``: the server could not be reached at all; a ``StoreUnavailable`` too.
* ``QueryTimedOut``: the server did not answer in time, or stopped the query early.
"""

from __future__ import annotations


class StoreNotBuilt(RuntimeError):
    """There is no published generation yet."""


class StoreUnavailable(StoreNotBuilt):
    """The store cannot answer now (its SPARQL server is unreachable or ran out of time): a 503, like no build."""


class RemoteError(OSError):
    """The server refused a request or answered with an error (``status`` is its HTTP status)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class BadAnswer(RemoteError):
    """The server answered, but not with something that can be read as the query's answer."""


class ServerUnavailable(RemoteError, StoreUnavailable):
    """The server could not be reached at all (refused connection, reset, time-out).

    Also a ``StoreUnavailable``, so the web pages answer it with 503, and saved questions let it
    through instead of reporting it as an error in the question."""


class QueryTimedOut(ServerUnavailable):
    """The server did not answer in time, or said it stopped the query early (Virtuoso's partial answers)."""
