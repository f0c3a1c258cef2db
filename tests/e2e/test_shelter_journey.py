"""The cold-emergency journey: the forecast (the recorded Open-Meteo answer of the demo)
is below the threshold, so an activation waits for the coordinator, who approves it; a
Croce Azzurra volunteer on duty logs an encounter on a phone, with the position from the
phone's GPS, and the person accepts a bed; Il Mantello's operator assigns the bed from the
waiting list on tonight's board; the situation report of the night shows it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

COORDINATOR = "coordinatore@comune-massa.demo"
VOLUNTEER = "volontario2@croceazzurra.demo"
SHELTER_OPERATOR = "operatore2@ilmantello.demo"
PHONE = {"width": 390, "height": 844}
ALIAS = "Il Marinaio"
#: A men's bed of Il Mantello that the demo never fills.
BED = "U9"
ROME = ZoneInfo("Europe/Rome")


def _tonight() -> str:
    now = datetime.now(ROME)
    return (now.date() if now.hour >= 12 else now.date() - timedelta(days=1)).isoformat()


def _report_figures(tab: Tab) -> tuple[int, int]:
    """Il Mantello's occupied beds and the street encounters in the night's report."""
    tab.goto(f"/shelter/report/?night={_tonight()}")
    page = tab.page
    occupied = page.get_by_role("row", name="Dormitorio Il Mantello").locator("td").nth(1)
    summary = page.locator("[data-report-summary]").inner_text()
    met = re.search(r"incontri in strada (\d+)", summary)
    assert met is not None, summary
    return int(occupied.inner_text()), int(met.group(1))


def _approve(tab: Tab) -> None:
    tab.goto("/shelter/")
    page = tab.page
    expect(page.get_by_text("Attivazione proposta")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Approva e attiva").click()
    tab.check()
    expect(page.get_by_text("Emergenza attivata")).to_be_visible()


def _log_an_encounter(tab: Tab) -> None:
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.context.grant_permissions(["geolocation"])
    tab.context.set_geolocation({"latitude": 44.0363, "longitude": 10.1399})
    tab.goto("/shelter/outreach/")
    page.get_by_label("Squadra").fill("Vera e Luca")
    page.get_by_label("Zona").fill("Stazione ferroviaria")
    with page.expect_navigation():
        page.get_by_role("button", name="Inizia l'uscita").click()
    tab.check()
    expect(page.get_by_label("Latitudine")).to_have_value("44.036300")
    page.get_by_label("Nome d'uso o soprannome").fill(ALIAS)
    page.get_by_label("Descrizione").fill("sulla panchina del binario 1, giubbotto blu")
    # Bootstrap Italia draws checkboxes and radios on their labels: the volunteer taps those.
    page.locator("label[for=id_conditions_0]").click()
    expect(page.get_by_label("dorme all'aperto")).to_be_checked()
    page.get_by_label("Coperta (pz)").fill("1")
    page.get_by_label("Bevanda calda (pz)").fill("1")
    page.locator("label[for=id_offered_bed]").click()
    page.locator("label[for=id_answer_1]").click()
    expect(page.get_by_label("accettato")).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Registra l'incontro").click()
    tab.check()
    expect(page.get_by_text("Incontro registrato.")).to_be_visible()
    expect(page.get_by_text(ALIAS).first).to_be_visible()


def _assign_the_bed(tab: Tab) -> None:
    tab.goto("/shelter/board/")
    page = tab.page
    expect(page.get_by_text(ALIAS).first).to_be_visible()
    page.get_by_label(f"Posto per {ALIAS}").select_option(label=f"Dormitorio Il Mantello — {BED}")
    with page.expect_navigation():
        page.get_by_role("button", name="Assegna", exact=True).click()
    tab.check()
    expect(page.get_by_text(f"Posto Dormitorio Il Mantello — {BED} assegnato.")).to_be_visible()
    expect(page.locator(f'[data-bed="{BED}"]')).to_contain_text(ALIAS)


def test_a_cold_night_from_forecast_to_situation_report(open_tab: Callable[[], Tab]) -> None:
    coordinator = open_tab()
    coordinator.login(COORDINATOR, DEMO_PASSWORD)
    occupied_before, met_before = _report_figures(coordinator)
    _approve(coordinator)

    volunteer = open_tab()
    volunteer.login(VOLUNTEER, DEMO_PASSWORD)
    _log_an_encounter(volunteer)

    operator = open_tab()
    operator.login(SHELTER_OPERATOR, DEMO_PASSWORD)
    _assign_the_bed(operator)

    assert _report_figures(coordinator) == (occupied_before + 1, met_before + 1)
    page = coordinator.page
    expect(page.get_by_text(ALIAS)).to_have_count(0)
    pdf = page.request.get(coordinator.base_url + f"/shelter/report/pdf/?night={_tonight()}")
    assert pdf.headers["content-type"] == "application/pdf"
