"""The volunteers journey: Il Ponte's volunteer signs up for an open shift from the phone,
logs the hours of the shift served three days ago, and the cooperative's admin confirms
them; the hours then count in the year's report, with a printable certificate."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import ViewportSize, expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

VOLUNTEER = "volontario@ilponte.demo"
VOLUNTEER_NAME = "Vera Mosti"
ADMIN = "admin@ilponte.demo"
PHONE: ViewportSize = {"width": 390, "height": 844}


def _sign_up(tab: Tab) -> str:
    page = tab.page
    tab.goto("/volunteers/")
    tab.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Cerca turni liberi").click()
    tab.check()
    first = page.locator("main ul.list-group a").first
    title = first.inner_text()
    with page.expect_navigation():
        first.click()
    tab.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    with page.expect_navigation():
        page.get_by_role("button", name="Mi iscrivo a questo turno").click()
    tab.check()
    expect(page.get_by_text("Sei iscritto al turno. Grazie!")).to_be_visible()
    expect(page.get_by_role("heading", name="Sei iscritto a questo turno")).to_be_visible()
    return title


def _log_hours(tab: Tab) -> None:
    page = tab.page
    tab.goto("/volunteers/")
    log_link = page.get_by_role("link", name="Registra le ore di").first
    with page.expect_navigation():
        log_link.click()
    tab.check()
    page.get_by_label("Ore svolte").fill("40")
    with page.expect_navigation():
        page.get_by_role("button", name="Registra le ore").click()
    tab.check()
    expect(page.get_by_text("Al massimo")).to_be_visible()
    page.get_by_label("Ore svolte").fill("2,5")
    with page.expect_navigation():
        page.get_by_role("button", name="Registra le ore").click()
    tab.check()
    expect(page.get_by_text("Ore registrate.")).to_be_visible()
    expect(page.get_by_text("Ore registrate: 2,50 (da confermare).")).to_be_visible()


def _confirm(tab: Tab) -> None:
    page = tab.page
    tab.goto("/volunteers/hours/pending/")
    tab.check()
    with page.expect_navigation():
        page.get_by_role("button", name=f"Conferma le ore di {VOLUNTEER_NAME}").first.click()
    tab.check()
    expect(page.get_by_text("Decisione registrata.")).to_be_visible()
    tab.goto("/volunteers/hours/")
    tab.check()
    expect(page.get_by_role("cell", name=VOLUNTEER_NAME, exact=True)).to_be_visible()
    certificate = page.get_by_role("link", name=f"Attestato PDF di {VOLUNTEER_NAME}")
    response = page.request.get(tab.base_url + (certificate.get_attribute("href") or ""))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"


def test_a_volunteer_signs_up_for_a_shift_and_logs_hours_that_get_confirmed(
    open_tab: Callable[[], Tab],
) -> None:
    volunteer = open_tab()
    volunteer.page.set_viewport_size(PHONE)
    volunteer.login(VOLUNTEER, DEMO_PASSWORD)
    title = _sign_up(volunteer)
    volunteer.goto("/volunteers/")
    expect(volunteer.page.get_by_role("link", name=title).first).to_be_visible()
    _log_hours(volunteer)

    admin = open_tab()
    admin.login(ADMIN, DEMO_PASSWORD)
    _confirm(admin)
