"""Fixtures for end-to-end tests: the real server (once per session) and browser tabs.

Every test under ``tests/e2e`` is marked ``e2e`` and runs after the rest of the suite:
Playwright's sync API keeps an asyncio loop running, which Django's ORM refuses to
share, so the in-process database tests must all be done before the browser starts.
The server is built in a background thread as soon as collection selects an
end-to-end test, so migrating, seeding and compressing the static files overlap
the rest of the suite.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from .browser import CHROMIUM, CHROMIUM_ARGS, Tab
from .server import LiveServer

E2E_DIR = Path(__file__).parent
DEMO_PASSWORD = os.environ.get("SOLIDALE_DEMO_PASSWORD", "solidale-demo")


@dataclass
class ServerBuild:
    """The live server, started in a background thread while the other tests run."""

    server: LiveServer
    url: str = ""
    error: BaseException | None = None
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._start, name="solidale-e2e-server", daemon=True)
        self.thread.start()

    def _start(self) -> None:
        try:
            self.url = self.server.start()
        except BaseException as error:  # re-raised in the test thread by wait()
            self.error = error

    def wait(self) -> str:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.url

    def stop(self) -> None:
        self.thread.join()
        self.server.stop()
        shutil.rmtree(self.server.workdir, ignore_errors=True)


SERVER_BUILD = pytest.StashKey[ServerBuild]()


def _is_e2e(item: pytest.Item) -> bool:
    return E2E_DIR in Path(item.path).parents


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _is_e2e(item):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=_is_e2e)


def pytest_collection_finish(session: pytest.Session) -> None:
    if os.environ.get("SOLIDALE_E2E_URL") or not any(map(_is_e2e, session.items)):
        return
    workdir = Path(tempfile.mkdtemp(prefix="solidale-e2e-"))
    session.config.stash[SERVER_BUILD] = ServerBuild(LiveServer(workdir=workdir))


def pytest_sessionfinish(session: pytest.Session) -> None:
    build = session.config.stash.get(SERVER_BUILD, None)
    if build is not None:
        build.stop()


@pytest.fixture(scope="session")
def live_server_url(request: pytest.FixtureRequest) -> str:
    """The base URL of the server under test.

    ``SOLIDALE_E2E_URL`` points the tests at a server already running with the demo
    city (``make run``), to iterate on a journey without rebuilding the server.
    """
    if os.environ.get("SOLIDALE_E2E_URL"):
        return os.environ["SOLIDALE_E2E_URL"].rstrip("/")
    return request.config.stash[SERVER_BUILD].wait()


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
