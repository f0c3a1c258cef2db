"""The housing journey: a household facing eviction gets a housing case with the bailiff's
date, an emergency placement in a temporary unit, an ERP application scored and ranked;
the agency allocates it a dwelling and the Comune closes the placement."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

SOCIAL_WORKER = "assistente.sociale@comune-massa.demo"
OFFICER = "casa@erp-massacarrara.demo"
HOUSEHOLD = "Nucleo Ceragioli"
CALL = "Bando ERP integrativo 2026"
UNIT = "Alloggio di emergenza Ronchi"
ROME = ZoneInfo("Europe/Rome")


def _today() -> datetime:
    return datetime.now(ROME)


def _submit(tab: Tab, button: str) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=button).click()
    tab.check()


def _choose_the_head(page: Page, label: str) -> None:
    """The first member of the household (persons are listed with their household)."""
    select = page.get_by_label(label)
    value = select.locator("option", has_text=f"({HOUSEHOLD})").first.get_attribute("value")
    assert value
    select.select_option(value=value)


def _open_the_case(tab: Tab) -> str:
    page = tab.page
    tab.goto("/housing/casi/nuovo/")
    page.get_by_label("Nucleo familiare").select_option(label=HOUSEHOLD)
    _choose_the_head(page, "Persona di riferimento")
    page.get_by_label("Situazione").select_option(label="sfratto per morosità")
    page.get_by_label("Livello di rischio").select_option(label="imminente")
    page.get_by_label("ISEE (€)").fill("4200")
    _submit(tab, "Salva")
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOUSEHOLD)
    access = (_today() + timedelta(days=20)).date()
    page.get_by_label("Fase").select_option(label="accesso dell'ufficiale giudiziario")
    page.get_by_label("Data", exact=True).fill(access.isoformat())
    _submit(tab, "Registra")
    expect(page.locator("#next-date")).to_contain_text("accesso dell'ufficiale giudiziario")
    expect(page.locator("#next-date")).to_contain_text("Nessun progetto abitativo")
    return page.url


def _place(tab: Tab) -> str:
    page = tab.page
    with page.expect_navigation():
        page.get_by_role("link", name="Inserisci in un alloggio temporaneo").click()
    tab.check()
    page.get_by_label("Unità").select_option(label=UNIT)
    expect(page.get_by_label("Nucleo", exact=True)).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Nucleo", exact=True).select_option(label=HOUSEHOLD)
    page.get_by_label("Causa").select_option(label="sfratto esecutivo")
    page.get_by_label("Ingresso").fill(_today().date().isoformat())
    page.get_by_label("Uscita prevista").fill((_today() + timedelta(days=90)).date().isoformat())
    _submit(tab, "Salva")
    expect(page.locator("#placement-status")).to_contain_text("in corso")
    return page.url


def _apply_and_rank(tab: Tab) -> None:
    page = tab.page
    tab.goto("/housing/bandi/")
    with page.expect_navigation():
        page.get_by_role("link", name=CALL).click()
    tab.check()
    with page.expect_navigation():
        page.get_by_role("link", name="Nuova domanda").click()
    tab.check()
    page.get_by_label("Nucleo familiare").select_option(label=HOUSEHOLD)
    _choose_the_head(page, "Richiedente")
    page.get_by_label("Componenti del nucleo").fill("3")
    page.get_by_label("Minori", exact=True).fill("2")
    page.get_by_label("ISEE (€)").fill("4200")
    page.get_by_label("Patrimonio immobiliare (€)").fill("0")
    page.get_by_label("Patrimonio mobiliare (€)").fill("800")
    page.get_by_label("Anni di residenza o lavoro in Toscana").fill("11")
    page.get_by_label(re.compile(r"^b-5 ")).fill("Convalida di sfratto n. 88/2026")
    _submit(tab, "Calcola l'anteprima")
    preview = page.get_by_role("region", name="Anteprima del punteggio")
    expect(preview).to_contain_text("Convalida di sfratto n. 88/2026")
    expect(preview).to_contain_text("L.R. 2/2019, All. B, b-5")
    _submit(tab, "Protocolla la domanda")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Domanda")
    expect(page.get_by_text("Totale")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name=CALL).click()
    tab.check()
    _submit(tab, "Calcola la graduatoria provvisoria")
    expect(page.get_by_role("heading", level=1)).to_contain_text("provvisoria")
    published = (_today() - timedelta(days=31)).date()
    page.get_by_label("Pubblicata all'albo il").fill(published.isoformat())
    _submit(tab, "Pubblica la graduatoria")
    with page.expect_navigation():
        page.get_by_role("link", name=CALL).click()
    tab.check()
    _submit(tab, "Calcola la graduatoria definitiva")
    expect(page.get_by_role("heading", level=1)).to_contain_text("definitiva")
    expect(page.get_by_role("cell", name="1", exact=True).first).to_be_visible()


def _allocate(tab: Tab) -> None:
    page = tab.page
    tab.goto("/housing/alloggi/nuovo/")
    page.get_by_label("Graduatoria del bando").select_option(label=CALL)
    page.get_by_label("Codice alloggio").fill("MS-E2E-01")
    page.get_by_label("Indirizzo").fill("Via degli Oliveti 14, Massa")
    page.get_by_label("Vani").fill("3")
    page.get_by_label("Superficie utile (m²)").fill("66")
    _submit(tab, "Salva")
    _submit(tab, "Proponi al prossimo nucleo idoneo")
    expect(page.get_by_text("Alloggio proposto alla domanda")).to_be_visible()
    page.get_by_label("Risposta del nucleo").select_option(label="Accetta l'alloggio")
    _submit(tab, "Registra la risposta")
    expect(page.get_by_text("assegnato", exact=True).first).to_be_visible()


def test_a_household_facing_eviction_is_placed_ranked_and_housed(
    open_tab: Callable[[], Tab],
) -> None:
    worker = open_tab()
    worker.login(SOCIAL_WORKER, DEMO_PASSWORD)
    _open_the_case(worker)
    placement_url = _place(worker)
    _apply_and_rank(worker)

    officer = open_tab()
    officer.login(OFFICER, DEMO_PASSWORD)
    _allocate(officer)

    worker.page.goto(placement_url)
    worker.check()
    worker.page.get_by_label("Uscita il").fill(_today().date().isoformat())
    worker.page.get_by_label("Esito", exact=True).fill("Alloggio ERP assegnato")
    _submit(worker, "Chiudi")
    expect(worker.page.locator("#placement-status")).to_contain_text("chiuso")
    expect(worker.page.locator("#placement-status")).to_contain_text("Alloggio ERP assegnato")


def test_the_housing_pages_pass_the_browser_checks(open_tab: Callable[[], Tab]) -> None:
    """Every list page of the area, and the first detail it links to, is axe- and CSP-clean."""
    worker = open_tab()
    worker.login(SOCIAL_WORKER, DEMO_PASSWORD)
    for path in (
        "/housing/",
        "/housing/allerte/?days=90",
        "/housing/regole/",
        "/housing/bandi/",
        "/housing/alloggi/",
        "/housing/unita/",
        "/housing/unita/occupazione/",
        "/housing/inserimenti/nuovo/",
        "/housing/contributi/",
        "/housing/contributi/nuovo/",
        "/housing/bandi/nuovo/",
    ):
        worker.goto(path)
    for listing, pattern in (
        ("/housing/", r"/housing/casi/\d+/$"),
        ("/housing/regole/", r"/housing/regole/\d+/$"),
        ("/housing/bandi/", r"/housing/bandi/\d+/$"),
        ("/housing/contributi/", r"/housing/contributi/\d+/$"),
    ):
        worker.goto(listing)
        hrefs = [
            href
            for href in worker.page.locator("main a").evaluate_all(
                "els => els.map(e => e.getAttribute('href'))"
            )
            if href and re.search(pattern, href)
        ]
        assert hrefs, f"no detail link on {listing}"
        worker.goto(hrefs[0])
    worker.goto("/housing/bandi/")
    with worker.page.expect_navigation():
        worker.page.get_by_role("link", name=re.compile("Bando ERP 2026")).click()
    worker.check()
    with worker.page.expect_navigation():
        worker.page.get_by_role("link", name="apri").first.click()
    worker.check()
    expect(worker.page.get_by_role("heading", level=1)).to_contain_text("provvisoria")

    officer = open_tab()
    officer.login(OFFICER, DEMO_PASSWORD)
    for path in ("/housing/", "/housing/bandi/", "/housing/alloggi/", "/housing/alloggi/nuovo/"):
        officer.goto(path)
    officer.goto("/housing/unita/", status=404)
