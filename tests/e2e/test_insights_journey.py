"""The cruscotto journey: the Comune's coordinator opens the service manager's dashboard,
filters it by neighbourhood and by program, exports the desk's accesses with a stated purpose and
downloads the file, then opens an alert of the inbox and closes it with an outcome."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

COORDINATOR = "coordinatore@comune-massa.demo"
PURPOSE = "Verifica trimestrale degli accessi per il Tavolo"


def _dashboard(tab: Tab) -> None:
    page = tab.page
    tab.goto("/insights/")
    tab.check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cruscotto dei servizi")
    select = page.locator("#id_neighbourhood")
    area = select.locator("option").nth(1).inner_text()
    select.select_option(label=area)
    page.locator("#id_period").select_option("year")
    with page.expect_navigation():
        page.get_by_role("button", name="Mostra").first.click()
    tab.check()
    assert "neighbourhood=" in page.url
    expect(page.get_by_text("Persone raggiunte dalla rete (una volta sola)")).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    program = page.locator("#id_program")
    program.select_option(index=1)
    with page.expect_navigation():
        page.get_by_role("button", name="Mostra").first.click()
    tab.check()
    assert "program=" in page.url
    expect(page.get_by_text("non sono attribuiti a un programma", exact=False)).to_be_visible()


def _export(tab: Tab) -> None:
    page = tab.page
    tab.goto("/insights/exports/new/?source=desk.accesses")
    tab.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Prepara il file").click()
    tab.check()
    expect(page.locator("#id_purpose_error")).to_be_visible()
    page.get_by_label("CSV").check()
    page.locator("#id_purpose").fill(PURPOSE)
    with page.expect_navigation():
        page.get_by_role("button", name="Prepara il file").click()
    tab.check()
    link = page.get_by_role("link", name="Scarica il file CSV")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".csv")


def _close_an_alert(tab: Tab) -> None:
    page = tab.page
    tab.goto("/insights/alerts/")
    tab.check()
    first = page.locator("#main-content table a, main table a").first
    title = first.inner_text()
    with page.expect_navigation():
        first.click()
    tab.check()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("Perché")).to_be_visible()
    page.get_by_label("Esito").select_option("contacted")
    page.get_by_label("Cosa è stato fatto").fill("Telefonata: la persona sta bene, visita fissata.")
    with page.expect_navigation():
        page.get_by_role("button", name="Chiudi la segnalazione").click()
    tab.check()
    expect(page.get_by_text("Segnalazione chiusa.")).to_be_visible()


def test_a_coordinator_reads_the_dashboard_exports_and_closes_an_alert(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login(COORDINATOR, DEMO_PASSWORD)
    _dashboard(tab)
    _export(tab)
    _close_an_alert(tab)
    for path in (
        "/insights/rules/",
        "/insights/report/",
        "/insights/open-data/",
        "/insights/siuss/",
        "/insights/organization/",
        "/insights/neighbourhoods/",
    ):
        tab.goto(path)
        tab.check()
