"""The `ecograph` command as a user runs it: sources, serve (before and after a build), build errors."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ecograph.build.publish import BuildReport
from ecograph.settings import Settings


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecograph.cli", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sources_lists_publishers_and_licences() -> None:
    out = _run("sources")
    assert out.returncode == 0
    assert "ror" in out.stdout and "CC0 1.0" in out.stdout and "Statbel open data licence" in out.stdout


def test_query_before_build_says_what_to_do(tmp_path: Path) -> None:
    env = dict(os.environ, ECOGRAPH_STORE=str(tmp_path / "store"))
    out = _run("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", env=env)
    assert out.returncode != 0
    assert "ecograph build" in out.stderr


def test_query_follows_the_backend_setting(real_build: tuple[Settings, BuildReport]) -> None:
    """With ECOGRAPH_BACKEND=remote, `ecograph query` asks the server, never the local folder."""
    settings, _ = real_build
    local = dict(os.environ, ECOGRAPH_STORE=str(settings.store), ECOGRAPH_BASE=settings.base)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _run("query", query, "--format", "csv", env=local).returncode == 0
    remote = dict(local, ECOGRAPH_BACKEND="remote", ECOGRAPH_SPARQL_QUERY=f"http://127.0.0.1:{_free_port()}/query")
    for args in ((query,), ("value-chain-coverage",)):
        out = _run("query", *args, "--format", "csv", env=remote)
        assert out.returncode != 0, out.stdout[:300]
        assert out.stdout == ""
        assert "127.0.0.1" in out.stderr, out.stderr


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[str]:
    """`ecograph serve` on a store folder that holds no build yet."""
    store = tmp_path / "empty-store"
    port = _free_port()
    env = dict(os.environ, ECOGRAPH_STORE=str(store), ECOGRAPH_WORKERS="1")
    proc = subprocess.Popen([sys.executable, "-m", "ecograph.cli", "serve", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(url + "/sparql", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_without_a_build_answers_and_explains(served: str) -> None:
    home = httpx.get(served + "/")
    assert "ecograph build" in home.text
    assert httpx.get(served + "/sparql", params={"query": "ASK {}"}).status_code == 503


def test_serve_on_the_real_build(real_build: tuple[Settings, BuildReport], tmp_path: Path) -> None:
    settings, _ = real_build
    port = _free_port()
    env = dict(os.environ, ECOGRAPH_STORE=str(settings.store), ECOGRAPH_WORKERS="1")
    proc = subprocess.Popen([sys.executable, "-m", "ecograph.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        page = httpx.get(url + "/")
        assert page.status_code == 200 and "KU Leuven" not in page.text  # home shows counts, not entities
        answer = httpx.get(url + "/sparql", headers={"Accept": "application/sparql-results+json"}, params={
            "query": "PREFIX eco: <https://w3id.org/ecograph/ontology#> "
                     "ASK { <http://localhost:8000/id/org/ku_leuven> eco:ror <https://ror.org/05f950310> }"})
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        doc = httpx.get(url + "/id/org/imec", headers={"Accept": "text/turtle"}, follow_redirects=True)
        assert doc.status_code == 200 and "https://ror.org/02kcbn207" in doc.text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
