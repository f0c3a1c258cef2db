"""The first journey: the desk finds a person despite a typo; the coordinator sees who looked."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

DESK_OPERATOR = "sportello@comune-massa.demo"
COORDINATOR = "coordinatore@comune-massa.demo"
#: The record lists family name first; either order names the same person.
PERSON = re.compile(r"Bernardini\s+Giuseppina|Giuseppina\s+Bernardini")


def _find_person_with_a_typo(tab: Tab) -> str:
    """Search "Bernardni" as one types it at the desk, open the record, return its path."""
    tab.goto("/people/")
    search = tab.page.get_by_label("Cerca persona")
    search.press_sequentially("Bernardni", delay=40)
    results = tab.page.locator("#search-results")
    expect(results).to_contain_text("Bernardni")
    result = results.get_by_role("link", name=PERSON)
    expect(result).to_be_visible()
    tab.check()
    with tab.page.expect_navigation():
        result.click()
    tab.check()
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("Bernardini")
    return tab.page.url.removeprefix(tab.base_url)


def test_the_desk_finds_a_person_with_a_typo_and_the_coordinator_sees_the_access(
    open_tab: Callable[[], Tab],
) -> None:
    desk = open_tab()
    desk.login(DESK_OPERATOR, DEMO_PASSWORD)
    record = _find_person_with_a_typo(desk)

    coordinator = open_tab()
    coordinator.login(COORDINATOR, DEMO_PASSWORD)
    coordinator.goto(record)
    panel = coordinator.page.locator(
        "section",
        has=coordinator.page.get_by_role("heading", name="Chi ha consultato questa scheda"),
    )
    expect(panel).to_be_visible()
    expect(panel.get_by_role("row").filter(has_text=DESK_OPERATOR).first).to_be_visible()


def test_search_results_arrive_without_reloading_the_page(open_tab: Callable[[], Tab]) -> None:
    tab = open_tab()
    tab.login(DESK_OPERATOR, DEMO_PASSWORD)
    tab.goto("/people/")
    tab.page.evaluate("window.__solidaleMarker = 'same page'")
    tab.page.get_by_label("Cerca persona").press_sequentially("Bernardni", delay=40)
    expect(tab.page.locator("#search-results").get_by_role("link", name=PERSON)).to_be_visible()
    assert tab.page.evaluate("window.__solidaleMarker") == "same page"
    tab.check()
