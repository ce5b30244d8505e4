"""``scripts/virtuoso.sh``, the README's way to run Virtuoso for the remote backend, starts a usable server."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

try:
    from .conftest import REPO
    from .servers import free_port
except ImportError:  # tests/ is not a package
    from conftest import REPO  # type: ignore[no-redef]
    from servers import free_port  # type: ignore[no-redef]


def test_the_script_starts_a_virtuoso_that_takes_updates_and_answers(tmp_path: Path) -> None:
    http_port, sql_port = free_port(), free_port()
    log = (tmp_path / "out.log").open("wb")
    process = subprocess.Popen(
        ["bash", str(REPO / "scripts" / "virtuoso.sh"), str(tmp_path / "db"), str(http_port), str(sql_port)],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "out.log").read_text()
            try:
                if httpx.post(endpoint + "/sparql", data={"query": "ASK {}"}, timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "Virtuoso did not answer within 90 s"
            time.sleep(0.5)
        printed = (tmp_path / "out.log").read_text()
        assert f"ECOGRAPH_SPARQL_QUERY=http://127.0.0.1:{http_port}/sparql" in printed
        assert (tmp_path / "db" / "virtuoso.db").is_file()  # the database is in the folder given
        # the printed settings work: dba/dba updates through the authenticated endpoint
        insert = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"
        answer = httpx.post(endpoint + "/sparql-auth", data={"update": insert},
                            auth=httpx.DigestAuth("dba", "dba"), timeout=30)
        assert answer.status_code == 200, answer.text
        query = "SELECT ?o WHERE { GRAPH <http://example.org/g> { <http://example.org/s> ?p ?o } }"
        select = httpx.post(endpoint + "/sparql", data={"query": query}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
        assert [b["o"]["value"] for b in select.json()["results"]["bindings"]] == ["1"]
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        log.close()
