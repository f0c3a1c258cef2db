"""The public directory: a citizen finds a service by need and neighbourhood and sees its
availability; an organization's operator updates that availability from a phone."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import ViewportSize, expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

OPERATOR = "operatore@ilponte.demo"
DORMITORY = "Dormitorio notturno Il Ponte"
PHONE: ViewportSize = {"width": 390, "height": 844}


def test_a_citizen_finds_a_dormitory_by_need_and_neighbourhood(open_tab: Callable[[], Tab]) -> None:
    tab = open_tab()
    tab.goto("/network/servizi/")
    expect(tab.page.locator(".directory-map .leaflet-interactive").first).to_be_attached()
    tab.page.get_by_label("Bisogno").select_option(label="Senza dimora e freddo")
    tab.page.get_by_label("Quartiere").select_option(label="Borgo del Ponte")
    tab.page.get_by_role("button", name="Cerca", exact=True).click()
    results = tab.page.locator("#directory-results")
    link = results.get_by_role("link", name=DORMITORY)
    expect(link).to_be_visible()
    expect(results.get_by_role("link", name="Mensa serale")).to_have_count(0)
    expect(tab.page).to_have_url(re.compile(r"need=homelessness"))
    tab.check()
    with tab.page.expect_navigation():
        link.click()
    tab.check()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text(DORMITORY)
    expect(tab.page.get_by_text(re.compile(r"\d+ disponibili su 18"))).to_be_visible()
    expect(tab.page.get_by_text(re.compile(r"aggiornato .+ fa"))).to_be_visible()


def test_an_operator_updates_the_beds_from_a_phone(open_tab: Callable[[], Tab]) -> None:
    tab = open_tab()
    tab.page.set_viewport_size(PHONE)
    tab.login(OPERATOR, DEMO_PASSWORD)
    tab.goto("/network/miei-servizi/")
    row = tab.page.get_by_role("row").filter(has_text=DORMITORY)
    with tab.page.expect_navigation():
        row.get_by_role("link", name=re.compile("Posti letto")).click()
    tab.check()
    count = tab.page.locator("#capacity-available")
    before = int(count.inner_text())
    tab.page.get_by_role("button", name="Uno in meno").click()
    expect(count).to_have_text(str(before - 1))
    tab.check()
    tab.page.get_by_label("Disponibili ora").fill("7")
    tab.page.get_by_role("button", name="Salva il numero contato").click()
    expect(count).to_have_text("7")
    tab.check()
    tab.goto("/network/servizi/?q=Dormitorio+notturno")
    expect(tab.page.get_by_text("7 disponibili su 18")).to_be_visible()


def test_the_staff_pages_of_the_network_pass_the_browser_checks(
    open_tab: Callable[[], Tab],
) -> None:
    admin = open_tab()
    admin.login("admin@ilponte.demo", DEMO_PASSWORD)
    admin.goto("/network/organizzazioni/")
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name="Cooperativa Sociale Il Ponte").click()
    admin.check()
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name="Modifica il profilo").click()
    admin.check()
    admin.goto("/network/miei-servizi/")
    with admin.page.expect_navigation():
        admin.page.get_by_role("link", name=DORMITORY).click()
    admin.check()
    expect(admin.page.get_by_role("heading", name="Orari")).to_be_visible()
    admin.goto("/network/miei-servizi/nuovo/")

    coordinator = open_tab()
    coordinator.login("coordinatore@comune-massa.demo", DEMO_PASSWORD)
    coordinator.goto("/network/organizzazioni/")
    with coordinator.page.expect_navigation():
        coordinator.page.get_by_role("link", name="Cooperativa Sociale Il Ponte").click()
    coordinator.check()
    with coordinator.page.expect_navigation():
        coordinator.page.get_by_role("link", name="Registra un accordo").click()
    coordinator.check()
