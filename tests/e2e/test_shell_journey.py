"""The UI shell in a real browser: login, language switch, keyboard use."""

from __future__ import annotations

from collections.abc import Callable

from .browser import Tab
from .conftest import DEMO_PASSWORD

DESK_OPERATOR = "sportello@comune-massa.demo"


def test_anonymous_visitor_is_sent_to_the_login_page(open_tab: Callable[[], Tab]) -> None:
    tab = open_tab()
    tab.goto("/")
    assert "/account/login/" in tab.page.url
    assert tab.page.locator("input[name=username]").is_visible()


def test_the_landing_page_greets_the_logged_in_operator(open_tab: Callable[[], Tab]) -> None:
    tab = open_tab()
    tab.login(DESK_OPERATOR, DEMO_PASSWORD)
    tab.goto("/")
    assert tab.page.locator("h1").is_visible()
    assert tab.page.locator("html").get_attribute("lang") == "it"


def test_the_language_switch_turns_the_interface_to_english(open_tab: Callable[[], Tab]) -> None:
    tab = open_tab()
    tab.login(DESK_OPERATOR, DEMO_PASSWORD)
    tab.goto("/")
    tab.page.select_option("#language-select", "en")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Cambia lingua").click()
    tab.check()
    assert tab.page.locator("html").get_attribute("lang") == "en"
    assert tab.page.get_by_role("button", name="Change language").is_visible()
    tab.goto("/people/")
    assert tab.page.locator("html").get_attribute("lang") == "en"


def test_the_skip_link_takes_a_keyboard_user_to_the_main_content(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login(DESK_OPERATOR, DEMO_PASSWORD)
    tab.goto("/")
    tab.page.keyboard.press("Tab")
    skip_link = tab.page.get_by_role("link", name="Vai al contenuto principale")
    assert skip_link.evaluate("link => link === document.activeElement")
    assert skip_link.is_visible()
    tab.page.keyboard.press("Enter")
    assert tab.page.evaluate("document.activeElement.id") == "main-content"
    assert tab.page.url.endswith("#main-content")


def test_a_keyboard_user_opens_a_menu_section_and_follows_a_link(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login(DESK_OPERATOR, DEMO_PASSWORD)
    tab.goto("/")
    page = tab.page
    section = page.get_by_role("button", name="Persone")
    people = page.get_by_role("link", name="Nuclei familiari")
    assert not people.is_visible()
    section.focus()
    page.keyboard.press("Enter")
    assert section.get_attribute("aria-expanded") == "true"
    assert people.is_visible()
    tab.check()
    people.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/people/households/")
