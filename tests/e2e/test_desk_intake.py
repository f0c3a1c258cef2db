"""Fast intake, keyboard only: a returning person is found despite a typo and an access is
recorded without touching the mouse. The elapsed time is printed (never asserted)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

DESK_OPERATOR = "sportello@comune-massa.demo"
PERSON = re.compile(r"Bernardini\s+Giuseppina|Giuseppina\s+Bernardini")


def test_a_returning_person_is_recorded_with_the_keyboard_only(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login(DESK_OPERATOR, DEMO_PASSWORD)
    tab.goto("/desk/intake/")
    page = tab.page
    keyboard = page.keyboard
    started = time.perf_counter()

    search = page.get_by_label("Cerca persona")
    expect(search).to_be_focused()
    keyboard.type("Bernardni", delay=40)
    option = page.locator("#intake-results").get_by_role("radio", name=PERSON)
    expect(option).to_be_visible()
    tab.check()
    keyboard.press("ArrowDown")
    for _step in range(10):
        if option.is_checked():
            break
        keyboard.press("ArrowDown")
    expect(option).to_be_checked()
    keyboard.press("Enter")
    expect(page.locator("#intake-selected")).to_contain_text("Bernardini")

    need = page.get_by_label("Aggiungi un bisogno")
    expect(need).to_be_focused()
    keyboard.type("casa", delay=30)
    keyboard.press("Enter")
    keyboard.type("reddito", delay=30)
    keyboard.press("Enter")
    chips = page.locator("#need-chips")
    expect(chips).to_contain_text("Casa e abitare")
    expect(chips).to_contain_text("Reddito e debiti")
    tab.check()

    keyboard.press("Tab")  # the urgency of the first need
    keyboard.press("ArrowDown")  # media → alta
    for _control in range(4):  # remove button, second urgency, remove button, outcome
        keyboard.press("Tab")
    expect(page.get_by_label("Esito")).to_be_focused()
    keyboard.type("o")  # orientamento
    keyboard.press("Tab")
    expect(page.get_by_label("Informazioni date")).to_be_focused()
    keyboard.type("Spiegato il contributo affitto e i documenti da portare", delay=10)
    with page.expect_navigation():
        keyboard.press("Enter")

    expect(page.locator("#intake-last")).to_contain_text("Bernardini")
    elapsed = time.perf_counter() - started
    print(f"\nFast intake, keyboard only: access recorded in {elapsed:.1f} s")
    tab.check()

    with page.expect_navigation():
        page.locator("#intake-last a").press("Enter")
    expect(page.locator("main")).to_contain_text("Casa e abitare — urgenza alta")
    expect(page.locator("main")).to_contain_text("orientamento")
    tab.check()


def test_the_desk_pages_pass_the_browser_checks_and_a_coordinator_assigns_in_bulk(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login("coordinatore@comune-massa.demo", DEMO_PASSWORD)
    for path in ("/desk/", "/desk/?needs_answer=on&channel=phone", "/desk/requests/"):
        tab.goto(path)
    page = tab.page
    for listing, first in (("/desk/", "#access-rows tbody a"), ("/desk/requests/", "tbody a")):
        tab.goto(listing)
        with page.expect_navigation():
            page.locator(first).first.click()
        tab.check()
    tab.goto("/desk/")
    with page.expect_navigation():
        page.locator("#access-rows tbody a").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Modifica", exact=True).click()
    tab.check()

    tab.goto("/desk/triage/")
    boxes = page.locator("input[name=items]")
    count = min(boxes.count(), 2)
    assert count > 0
    for index in range(count):
        boxes.nth(index).check()
    page.get_by_label("Assegna i selezionati a").select_option(label="Sara Lazzerini")
    with page.expect_navigation():
        page.get_by_role("button", name="Assegna", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Assegnati:")
    tab.check()

    partner = open_tab()
    partner.login("admin@ilponte.demo", DEMO_PASSWORD)
    for path in ("/desk/intake/", "/desk/triage/", "/desk/"):
        partner.goto(path)

    citizen = open_tab()
    citizen.login("cittadino@example.demo", DEMO_PASSWORD)
    for path in ("/desk/requests/new/", "/desk/requests/mine/", "/desk/requests/status/"):
        citizen.goto(path)
