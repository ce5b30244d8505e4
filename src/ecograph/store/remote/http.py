"""The one HTTP client of the remote store (httpx): authentication, query requests, errors.

Every failure becomes one of the store's errors (:mod:`ecograph.store.errors`): a refused or
unreachable server ``ServerUnavailable``, no answer in time ``QueryTimedOut``, HTTP 400
``SyntaxError``, any other error status ``RemoteError``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx

from ecograph.store.errors import QueryTimedOut, RemoteError, ServerUnavailable
from ecograph.store.remote import virtuoso

NT_MEDIA = "application/n-triples"
# N-Triples is a subset of Turtle; servers that do not know the N-Triples media type (older
# Virtuoso) take it as Turtle.
UPLOAD_MEDIA = "text/turtle"


class AnyAuth(httpx.Auth):
    """HTTP Basic or Digest, whichever the server asks for (Virtuoso: Digest; Fuseki: Basic)."""

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self.scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Any:
        if self.scheme == "basic":
            yield from self._basic.auth_flow(request)
            return
        if self.scheme == "digest":
            yield from self._digest.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        self.scheme = "digest" if challenge.startswith("digest") else "basic"
        flow = (self._digest if self.scheme == "digest" else self._basic).auth_flow(request)
        # replay the chosen scheme's flow from its first request
        response = yield next(flow)
        while True:
            try:
                response = yield flow.send(response)
            except StopIteration:
                return


def media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def snippet(response: httpx.Response) -> str:
    """The start of an error answer (streamed answers are read only that far)."""
    try:
        body = response.content
    except httpx.ResponseNotRead:
        body = b""
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > 4000:
                break
    detail = body.decode("utf-8", "replace").strip().splitlines()
    return " ".join(detail[:5])[:500]


class Client:
    """One server's endpoints over one ``httpx.Client``."""

    def __init__(self, query_endpoint: str, *, user: str = "", password: str = "", timeout: float = 300.0) -> None:
        self.query_endpoint = query_endpoint
        self.timeout = timeout
        self.http = httpx.Client(timeout=timeout, auth=AnyAuth(user, password) if user else None)
        self.server_software = ""  # the Server header of its answers (Virtuoso gets a time limit)

    @property
    def is_virtuoso(self) -> bool:
        return virtuoso.is_virtuoso(self.server_software)

    def close(self) -> None:
        self.http.close()

    def query(self, text: str, *, accept: str, default_graph: list[str] | None, named_graphs: list[str] | None,
              timeout: float | None = None, stream: bool = False) -> httpx.Response:
        """POST a query; the 200 answer (streaming: the caller reads and closes it), else an error raised.

        ``timeout`` bounds the wait for each piece of the answer (default: the client's)."""
        timeout = self.timeout if timeout is None else timeout
        data: list[tuple[str, str]] = [("query", text)]
        data += [("default-graph-uri", g) for g in default_graph or ()]
        data += [("named-graph-uri", g) for g in named_graphs or ()]
        if self.is_virtuoso:  # so that it stops working too
            data.append(("timeout", virtuoso.milliseconds(timeout)))
        request = self.http.build_request(
            "POST", self.query_endpoint, content=urlencode(data).encode("ascii"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))
        try:
            response = self.http.send(request, stream=stream)
        except httpx.TimeoutException:
            raise QueryTimedOut(f"the query timed out after {timeout:g} s on {self.query_endpoint}") from None
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"cannot reach {self.query_endpoint}: {exc}") from None
        self.server_software = response.headers.get("server", "") or self.server_software
        if response.status_code == 200 and not virtuoso.is_partial(response.headers):
            return response
        try:
            if response.status_code == 200:
                raise QueryTimedOut(f"the query timed out on {self.query_endpoint} (the server stopped it)")
            detail = snippet(response)
        finally:
            response.close()
        if response.status_code == 400:
            raise SyntaxError(detail)
        raise RemoteError(f"query failed: HTTP {response.status_code}: {detail}", response.status_code)

    def request(self, method: str, url: str, *, ok: tuple[int, ...], **kwargs: Any) -> httpx.Response:
        """Any other request (Graph Store Protocol, updates); an answer not in ``ok`` is a ``RemoteError``."""
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"cannot reach {url}: {exc}") from None
        if response.status_code not in ok:
            raise RemoteError(f"{method} {url} → HTTP {response.status_code}: {snippet(response)}",
                              response.status_code)
        return response
