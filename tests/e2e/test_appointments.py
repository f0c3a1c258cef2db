"""A desk operator books an appointment for Giuseppina Bernardini at the Centro desk and
finds it on the desk's day view."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from solidale.desk.workdays import is_working_day

from .browser import Tab
from .conftest import DEMO_PASSWORD

DESK_OPERATOR = "sportello@comune-massa.demo"
OFFICE = "Sportello sociale Centro"
PERSON = re.compile(r"Bernardini\s+Giuseppina|Giuseppina\s+Bernardini")


def _next_working_day() -> date:
    """The Centro desk receives from Monday to Friday, public holidays excepted."""
    day = datetime.now(ZoneInfo("Europe/Rome")).date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def test_the_desk_books_an_appointment_and_sees_it_on_the_day_view(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login(DESK_OPERATOR, DEMO_PASSWORD)
    tab.goto("/appointments/")
    page = tab.page
    with page.expect_navigation():
        page.get_by_role("link", name="Prenota un appuntamento").click()
    tab.check()

    page.get_by_label("Cerca persona").press_sequentially("Bernardni", delay=40)
    choice = page.locator("#person-results").get_by_role("link", name=PERSON)
    expect(choice).to_be_visible()
    tab.check()
    with page.expect_navigation():
        choice.click()
    tab.check()
    expect(page.locator("main, body").first).to_contain_text("Appuntamento per")

    page.get_by_label("Sportello", exact=True).select_option(label=OFFICE)
    day = _next_working_day()
    page.get_by_label("Giorno", exact=True).fill(day.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Mostra gli orari liberi").click()
    tab.check()
    slot = page.locator("#free-slots").get_by_role("radio").first
    label = page.locator("#free-slots label").first
    expect(label).to_be_visible()
    slot_label = label.inner_text()
    label.click()
    expect(slot).to_be_checked()
    page.get_by_label(re.compile(r"^Motivo")).select_option(label="Casa e abitare")
    with page.expect_navigation():
        page.get_by_role("button", name="Prenota", exact=True).click()
    tab.check()

    expect(page.get_by_role("heading", level=1)).to_contain_text(OFFICE)
    expect(page.locator(".messages")).to_contain_text("Appuntamento prenotato")
    time_of_day = slot_label.split(" ")[0]
    row = page.get_by_role("row").filter(has_text=PERSON).filter(has_text=time_of_day)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Casa e abitare")

    # The previous/next links swap the day in place (and keep a real href for keyboards).
    page.get_by_role("link", name="Giorno successivo").click()
    expect(page).to_have_url(re.compile(rf"day={day + timedelta(days=1):%Y-%m-%d}"))
    expect(row).to_have_count(0)
    tab.check()
    page.get_by_role("link", name="Giorno precedente").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"day={day:%Y-%m-%d}"))
    expect(row).to_be_visible()
    tab.check()
