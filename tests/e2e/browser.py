"""A browser tab that checks every page it shows.

``Tab.goto(path)`` navigates, then runs the checks every page must pass; call
``Tab.check()`` yourself after an HTMX swap or a form submission. The checks:

* no Content Security Policy violation and no JavaScript error (console and
  uncaught exceptions), and no failed request for a script, stylesheet, font or
  HTMX fragment;
* axe-core finds no accessibility violation of impact ``serious`` or ``critical``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = {"serious", "critical"}
_AXE = Axe()


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """The axe-core violations of impact serious or critical on the page as it is now."""
    results = _AXE.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core: {len(violations)} serious/critical accessibility violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    violations = accessibility_violations(page)
    assert not violations, describe_violations(page.url, violations)


@dataclass
class Tab:
    """One page of a browser context (one logged-in user) on the live server."""

    context: BrowserContext
    base_url: str
    page: Page = field(init=False)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page = self.context.new_page()
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("response", self._on_response)

    def goto(self, path: str, *, status: int = 200) -> Response:
        response = self.page.goto(self.base_url + path)
        assert response is not None, f"no response for {path}"
        assert response.status == status, f"{path} answered {response.status}, expected {status}"
        self.check()
        return response

    def check(self) -> None:
        """The checks every page must pass: run after each navigation or swap."""
        self.assert_no_problems()
        assert_accessible(self.page)

    def assert_no_problems(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "Browser problems on " + self.page.url + ":\n" + "\n".join(problems)

    def login(self, email: str, password: str) -> None:
        self.goto("/account/login/")
        self.page.fill("input[name=username]", email)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.press("input[name=password]", "Enter")
        assert "/account/login/" not in self.page.url, f"login as {email} failed"
        self.check()

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text:
            self.problems.append(f"CSP violation: {text}")
        elif message.type == "error" and not text.startswith("Failed to load resource"):
            # Failed loads are reported with their URL by _on_response.
            self.problems.append(f"console error: {text}")

    def _on_page_error(self, error: Exception) -> None:
        self.problems.append(f"JavaScript error: {error}")

    def _on_response(self, response: Response) -> None:
        request = response.request
        if response.status >= 400 and request.resource_type != "document":
            self.problems.append(
                f"{request.resource_type} {request.method} {response.url} answered {response.status}"
            )
