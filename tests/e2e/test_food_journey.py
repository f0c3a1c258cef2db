"""The food journey: the Comune's social worker enrols a household and prints its card; the
food bank's volunteer on duty scans it at the bank's point and gives a parcel (the stock
goes down); La Rete's operator, at another point of the network, is warned that the
household already collected this month at the food bank; the distribution shows on the
household's timeline."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from solidale.demo.domain_seeds.s70_food import (
    BANK_POINT,
    E2E_ADDRESS,
    PARCEL_PROGRAM,
    RETE_POINT,
)

from .browser import Tab
from .conftest import DEMO_PASSWORD

SOCIAL_WORKER = "assistente.sociale@comune-massa.demo"
BANK_VOLUNTEER = "volontario2@bancoapuano.demo"
RETE_OPERATOR = "operatore2@larete.demo"
BANK = "Banco Alimentare Apuano ODV"
PASTA = "Pasta di semola 500 g"


def _enrol_and_print(tab: Tab) -> tuple[str, str]:
    """Enrol the household; return its card code and the card page's path."""
    page = tab.page
    tab.goto("/food/programs/")
    with page.expect_navigation():
        page.get_by_role("link", name=PARCEL_PROGRAM).click()
    tab.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Iscrivi un nucleo").click()
    tab.check()
    household = page.get_by_label("Nucleo familiare")
    option = household.locator("option", has_text=E2E_ADDRESS)
    household.select_option(value=option.get_attribute("value"))
    page.get_by_label("ISEE (€)").fill("5200")
    with page.expect_navigation():
        page.get_by_role("button", name="Verifica e iscrivi").click()
    tab.check()
    expect(page.get_by_text("Nucleo iscritto: stampa la tessera.")).to_be_visible()
    expect(page.get_by_text("soddisfatto").first).to_be_visible()
    card_path = page.url.removeprefix(tab.base_url)
    with page.expect_navigation():
        page.get_by_role("link", name="Stampa la tessera").click()
    tab.check()
    expect(page.locator("svg.food-qr")).to_be_visible()
    code = page.locator("[data-card-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{8}", code), code
    return code, card_path


def _open_counter(tab: Tab, point: str, code: str) -> None:
    page = tab.page
    tab.goto("/food/counter/")
    with page.expect_navigation():
        page.get_by_role("link", name=point).click()
    tab.check()
    field = page.get_by_label("Codice della tessera")
    expect(field).to_be_focused()
    field.fill(code.lower())  # a hand-typed code, as a scanner or a person would type it
    with page.expect_navigation():
        field.press("Enter")
    tab.check()


def _stock_of(tab: Tab, item: str) -> float:
    cell = tab.page.locator(f'[data-stock-item="{item}"] [data-stock-quantity]')
    return float(cell.inner_text().replace(".", "").replace(",", "."))


def test_a_household_collects_once_and_is_warned_elsewhere(open_tab: Callable[[], Tab]) -> None:
    worker = open_tab()
    worker.login(SOCIAL_WORKER, DEMO_PASSWORD)
    code, card_path = _enrol_and_print(worker)

    volunteer = open_tab()
    volunteer.login(BANK_VOLUNTEER, DEMO_PASSWORD)
    _open_counter(volunteer, BANK_POINT, code)
    page = volunteer.page
    expect(page.locator("#entitlement-left")).to_have_text(re.compile(r"[12]"))
    before = _stock_of(volunteer, PASTA)
    page.get_by_label(re.compile(f"^{PASTA}")).fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Conferma la distribuzione").click()
    volunteer.check()
    expect(page.get_by_text(f"Distribuzione registrata per la tessera {code}.")).to_be_visible()
    _open_counter(volunteer, BANK_POINT, code)
    assert _stock_of(volunteer, PASTA) == before - 2

    operator = open_tab()
    operator.login(RETE_OPERATOR, DEMO_PASSWORD)
    _open_counter(operator, RETE_POINT, code)
    warning = operator.page.locator("[data-network-warning]")
    expect(warning).to_contain_text(BANK)
    expect(warning).not_to_contain_text(PASTA)

    worker.goto(card_path)
    with worker.page.expect_navigation():
        worker.page.get_by_role("link", name="Storia del nucleo").click()
    worker.check()
    expect(worker.page.get_by_text(f"Distribuzione: {PARCEL_PROGRAM}").first).to_be_visible()


def test_the_meal_round_shows_the_map_and_the_stops_in_order(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login("operatore2@croceazzurra.demo", DEMO_PASSWORD)
    tab.goto("/food/rounds/")
    rounds = tab.page.locator("#main-content li a[href^='/food/rounds/']")
    with tab.page.expect_navigation():
        rounds.first.click()
    tab.check()
    expect(tab.page.locator(".food-round-map .leaflet-interactive").first).to_be_attached()
    expect(tab.page.locator(".list-group-numbered li").first).to_be_visible()
