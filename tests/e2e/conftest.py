"""Fixtures for end-to-end tests: the real server (once per session) and browser tabs.

Every test under ``tests/e2e`` is marked ``e2e`` and runs after the rest of the suite:
Playwright's sync API keeps an asyncio loop running, which Django's ORM refuses to
share, so the in-process database tests must all be done before the browser starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from .browser import CHROMIUM, CHROMIUM_ARGS, Tab
from .server import LiveServer

E2E_DIR = Path(__file__).parent
DEMO_PASSWORD = os.environ.get("SOLIDALE_DEMO_PASSWORD", "solidale-demo")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    e2e = [item for item in items if E2E_DIR in Path(item.path).parents]
    for item in e2e:
        item.add_marker(pytest.mark.e2e)
    items[:] = [item for item in items if item not in e2e] + e2e


@pytest.fixture(scope="session")
def live_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the server under test.

    ``SOLIDALE_E2E_URL`` points the tests at a server already running with the demo
    city (``make run``), to iterate on a journey without rebuilding the server.
    """
    if os.environ.get("SOLIDALE_E2E_URL"):
        yield os.environ["SOLIDALE_E2E_URL"].rstrip("/")
        return
    server = LiveServer(workdir=tmp_path_factory.mktemp("solidale-e2e"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(live_server_url: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def open_tab(browser: Browser, live_server_url: str) -> Iterator[Callable[[], Tab]]:
    """``open_tab()`` opens a page in a fresh browser context (its own cookies, so its own user)."""
    tabs: list[Tab] = []

    def _open() -> Tab:
        context = browser.new_context(locale="it-IT")
        tab = Tab(context=context, base_url=live_server_url)
        tabs.append(tab)
        return tab

    yield _open
    for tab in tabs:
        tab.context.close()
    for tab in tabs:
        tab.assert_no_problems()
