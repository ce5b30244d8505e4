"""Browser tests: the app on a free loopback port, Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import REPO
from servers import AppServer

from browser.fixture import built_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO / "test-artifacts"
LiveServer = AppServer  # the name bench/viewer.py imports


@pytest.fixture(scope="session")
def fixture_settings(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return built_settings(tmp_path_factory.mktemp("viewer"))


@pytest.fixture(scope="session")
def live_server(fixture_settings: Any) -> Iterator[AppServer]:
    from ecograph.web.app import create_app

    with AppServer(create_app(fixture_settings)) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watched:
    """A page whose requests and dialogs are recorded."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def assert_clean(self) -> None:
        """No script ran from the data, no element was injected, nothing left loopback."""
        assert self.dialogs == [], self.dialogs
        injected = self.page.evaluate("""() => {
            const bad = [];
            document.querySelectorAll('img[src="x"], [onerror], [onfocus], [onmouseover]')
                .forEach(e => bad.push(e.outerHTML));
            document.querySelectorAll('script:not([type="application/json"])').forEach(s => {
                if (s.textContent.includes('alert(')) bad.push(s.outerHTML.slice(0, 200));
            });
            document.querySelectorAll('a[href]').forEach(a => {
                if (a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')) bad.push(a.outerHTML);
            });
            return bad;
        }""")
        assert injected == [], injected
        outside = [u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                   and urlsplit(u).hostname != "127.0.0.1"]
        assert outside == [], outside


@pytest.fixture
def page(browser: Any, live_server: AppServer) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-GB")
    watched = Watched(context.new_page(), live_server.url)
    yield watched
    try:
        watched.assert_clean()
    finally:
        context.close()
