"""The Tavolo journey: the Comune's coordinator runs a meeting, records a decision and
assigns an action to the cooperative Il Ponte with a deadline already passed; the action
shows as overdue on the landing page of Il Ponte's operator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

COORDINATOR = "coordinatore@comune-massa.demo"
OPERATOR = "operatore@ilponte.demo"
#: The organization as the pages name it (its short name).
IL_PONTE = "Il Ponte"
MEETING = "Tavolo straordinario per l'emergenza freddo"
ACTION = "Distribuire quaranta coperte al dormitorio"
#: The server's time zone (settings.TIME_ZONE): the form fields speak local time.
ROME = ZoneInfo("Europe/Rome")


def _convene(tab: Tab) -> None:
    tab.goto("/tavolo/")
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="Convoca una seduta").click()
    tab.check()
    page = tab.page
    page.get_by_label("Titolo").fill(MEETING)
    page.get_by_label("Inizio").fill(datetime.now(ROME).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Luogo").fill("Sala della Resistenza, Palazzo Civico")
    page.get_by_label("Organizzazioni invitate").select_option(label=IL_PONTE)
    with page.expect_navigation():
        page.get_by_role("button", name="Convoca").click()
    tab.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(MEETING)


def _run_the_meeting(tab: Tab) -> None:
    page = tab.page
    page.get_by_label("Nuovo punto all'ordine del giorno").fill("Coperte per l'emergenza freddo")
    with page.expect_navigation():
        page.get_by_role("button", name="Aggiungi il punto").click()
    tab.check()
    page.evaluate("window.__solidaleMarker = 'same page'")
    page.get_by_label("Verbale", exact=True).fill("Il Mantello segnala quaranta coperte mancanti.")
    page.get_by_role("button", name="Salva il verbale").click()
    expect(page.locator("[data-minutes-status]")).to_contain_text("Versione 1")
    assert page.evaluate("window.__solidaleMarker") == "same page"
    tab.check()
    page.get_by_label("Nuova decisione", exact=True).fill(
        "Il Ponte distribuisce le coperte entro la settimana"
    )
    page.get_by_label("Voto o consenso").fill("all'unanimità")
    with page.expect_navigation():
        page.get_by_role("button", name="Registra la decisione").click()
    tab.check()
    expect(page.get_by_text("Il Ponte distribuisce le coperte entro la settimana")).to_be_visible()


def _assign_an_overdue_action(tab: Tab) -> None:
    page = tab.page
    with page.expect_navigation():
        page.get_by_role("link", name="Assegna un'azione").click()
    tab.check()
    page.get_by_label("Che cosa va fatto").fill(ACTION)
    page.get_by_label("Organizzazione responsabile").select_option(label=IL_PONTE)
    page.get_by_label("Scadenza").fill((datetime.now(ROME).date() - timedelta(days=2)).isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Assegna").click()
    tab.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(ACTION)
    expect(page.get_by_text("In ritardo")).to_be_visible()


def test_a_tavolo_action_past_its_deadline_is_overdue_for_its_owner(
    open_tab: Callable[[], Tab],
) -> None:
    coordinator = open_tab()
    coordinator.login(COORDINATOR, DEMO_PASSWORD)
    _convene(coordinator)
    _run_the_meeting(coordinator)
    _assign_an_overdue_action(coordinator)

    operator = open_tab()
    operator.login(OPERATOR, DEMO_PASSWORD)
    operator.goto("/")
    overdue = operator.page.get_by_role("link", name=f"Azione in ritardo: «{ACTION}» ({IL_PONTE})")
    expect(overdue).to_be_visible()
    with operator.page.expect_navigation():
        overdue.click()
    operator.check()
    expect(operator.page.get_by_role("heading", level=1)).to_have_text(ACTION)


def test_the_needs_board_lists_and_maps_the_needs(open_tab: Callable[[], Tab]) -> None:
    tab = open_tab()
    tab.login(OPERATOR, DEMO_PASSWORD)
    tab.goto("/tavolo/needs/")
    expect(tab.page.get_by_role("link", name="10 famiglie senza riscaldamento")).to_be_visible()
    expect(tab.page.locator(".needs-map .leaflet-interactive").first).to_be_attached()
    tab.check()
