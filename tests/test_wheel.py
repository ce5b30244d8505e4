"""The wheel is the app: built from a copy of the checkout, installed into a fresh virtualenv, run from elsewhere.

The fresh venv gets the wheel and nothing of ``src/``; it borrows the project venv's already installed
dependencies through a ``.pth`` line (a plain path line: ``.pth`` files *inside* that folder, such as the
editable install's, are not processed), so the test needs no network. From a temporary working folder it
builds the graph from the shared mirror, runs a saved question and serves the site.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"

#: package data the app reads at run time, beside the Python modules (relative to ``ecograph/``)
SHIPPED_TREES = {"ontology": REPO / "ontology", "queries": REPO / "queries",
                 "web/templates": SRC / "ecograph" / "web" / "templates",
                 "web/static": SRC / "ecograph" / "web" / "static"}


def _pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_vendored_library_is_packaged() -> None:
    """Each browser library the app serves from node_modules/ is one of the files the wheel carries."""
    from ecograph.model import resources
    from ecograph.web.viewer.assets import VENDOR

    node_modules = resources.node_modules()
    wanted = {path.relative_to(node_modules).as_posix() for path in VENDOR.values()
              if path.is_relative_to(node_modules)}
    assert wanted and wanted == set(_pyproject()["tool"]["setuptools"]["package-data"]["ecograph.vendor"])


def test_every_data_file_beside_the_modules_is_packaged() -> None:
    """A file under src/ecograph that is not Python (templates, labels.yaml …) is matched by package-data."""
    package = SRC / "ecograph"
    data = {p for p in package.rglob("*") if p.is_file() and p.suffix not in {".py", ".pyc"}}
    packaged = {p for pattern in _pyproject()["tool"]["setuptools"]["package-data"]["ecograph"]
                for p in package.glob(pattern) if p.is_file()}
    assert package / "web" / "viewer" / "labels.yaml" in data
    assert data <= packaged, sorted(p.relative_to(package).as_posix() for p in data - packaged)


def _checkout_copy(dest: Path) -> Path:
    """The files a fresh clone has (tracked, plus new files not yet committed), and the npm install beside them."""
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, names):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    (dest / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    checkout = _checkout_copy(tmp / "checkout")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(tmp / "dist"), str(checkout)], check=True, timeout=300)
    (built,) = (tmp / "dist").glob("ecograph-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; the dependencies come from the project venv, ``src/`` from nowhere."""
    root = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, timeout=300)
    return root


def _env(venv: Path, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("ECOGRAPH_")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               ECOGRAPH_STORE=str(work / "store"), ECOGRAPH_DOWNLOADS=str(work / "downloads"),
               ECOGRAPH_DATA=str(REPO / "data"), ECOGRAPH_WORKERS="1")
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_wheel_carries_the_ontology_questions_templates_and_libraries(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    modules = {p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if "__pycache__" not in p.parts}
    assert modules and modules <= names, sorted(modules - names)  # every sub-package is still found
    for inside, tree in SHIPPED_TREES.items():
        files = {f"ecograph/{inside}/{p.relative_to(tree).as_posix()}" for p in tree.rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts}
        assert files and files <= names, sorted(files - names)[:10]
    assert {"ecograph/ontology/checks/stage-order-violation.rq", "ecograph/queries/wikidata/organisations.rq",
            "ecograph/vendor/@zazuko/yasgui/build/yasgui.min.js", "ecograph/vendor/chart.js/dist/chart.umd.min.js",
            } <= names
    assert not any("node_modules" in name for name in names)


@pytest.fixture(scope="module")
def installed(venv: Path, tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[Path, Path]]:
    """The installed app, run from a folder that is not the checkout: `ecograph build --mirror`."""
    work = tmp_path_factory.mktemp("elsewhere")
    env = _env(venv, work)
    where = subprocess.run(["python", "-c", "import ecograph; print(ecograph.__file__)"], cwd=work, env=env,
                           check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(REPO), where
    out = subprocess.run(["ecograph", "build", "--mirror", str(shared_data)], cwd=work, env=env,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-3000:]
    yield venv, work


@pytest.mark.slow
def test_installed_app_answers_a_saved_question(installed: tuple[Path, Path]) -> None:
    venv, work = installed
    out = subprocess.run(["ecograph", "query", "data-coverage", "--format", "csv"], cwd=work, env=_env(venv, work),
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    header, *rows = out.stdout.strip().splitlines()
    assert header.startswith("organisation,") and len(rows) > 1, out.stdout[:1000]
    assert all("/id/org/" in row for row in rows), out.stdout[:1000]


@pytest.mark.slow
def test_installed_app_serves_pages_endpoint_and_libraries(installed: tuple[Path, Path]) -> None:
    venv, work = installed
    port = _free_port()
    log = (work / "serve.log").open("wb")
    proc = subprocess.Popen(["ecograph", "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=work,
                            env=_env(venv, work), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (work / "serve.log").read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        vendor = [f"/assets/vendor/{name}" for name in ("yasgui.min.js", "yasgui.min.css", "chart.umd.min.js",
                                                        "leaflet.js", "leaflet.css", "vis-network.min.js")]
        for path in ("/", "/sparql?query=ASK%7B%7D", "/ontology", *vendor, "/assets/viewer/map.js",
                     "/static/style.css"):
            answer = httpx.get(url + path, timeout=60)
            assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        assert "owl:Ontology" in httpx.get(url + "/ontology.ttl", timeout=60).text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
