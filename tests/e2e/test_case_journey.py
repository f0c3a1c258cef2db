"""The issue-3 journey: a new person walks in and ends with an approved intervention.

The desk operator records the access at the intake page (new person, a need); a social
worker takes charge from that access, assesses, starts the plan and requests an
intervention above the approval threshold; the coordinator approves it; the person's
timeline shows the access, the taking charge and the approved intervention.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

DESK_OPERATOR = "sportello@comune-massa.demo"
SOCIAL_WORKER = "assistente.sociale@comune-massa.demo"
COORDINATOR = "coordinatore@comune-massa.demo"
#: A new surname and birth date each run, so the journey also runs again on a server kept
#: up (SOLIDALE_E2E_URL) without meeting the duplicate check of an earlier run.
FAMILY_NAME = "Quercio" + "".join(random.choice(string.ascii_lowercase) for _ in range(5))
GIVEN_NAME = "Ferdinanda"
BIRTH_DATE = f"{random.randint(1950, 2000)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}"
PERSON = re.compile(rf"{FAMILY_NAME}\s+{GIVEN_NAME}")


def _submit(tab: Tab, button_name: str | re.Pattern[str]) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=button_name).click()
    tab.check()


def _record_the_access(desk: Tab) -> None:
    desk.goto("/desk/intake/")
    page = desk.page
    page.get_by_label("Cerca persona").press_sequentially(FAMILY_NAME, delay=30)
    expect(page.locator("#intake-results")).to_contain_text("Nessuna persona trovata")
    page.locator("#intake-new-person summary").click()
    page.get_by_role("textbox", name=re.compile(r"^Cognome")).fill(FAMILY_NAME)
    page.get_by_role("textbox", name=re.compile(r"^Nome")).fill(GIVEN_NAME)
    page.get_by_label("Data di nascita").fill(BIRTH_DATE)
    need = page.get_by_label("Aggiungi un bisogno")
    need.fill("Casa e abitare")
    need.press("Enter")
    expect(page.locator("#need-chips")).to_contain_text("Casa e abitare")
    page.get_by_label("Esito").select_option("taking_charge")
    page.get_by_role("textbox", name=re.compile(r"^Informazioni date")).fill(
        "Sfratto esecutivo tra un mese: fissato il colloquio con l'assistente sociale"
    )
    _submit(desk, "Registra l'accesso")
    expect(page.locator("#intake-last")).to_contain_text(FAMILY_NAME)


def _take_charge(worker: Tab) -> str:
    worker.goto(f"/cases/?q={FAMILY_NAME}")
    page = worker.page
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(rf"Prendi in carico {FAMILY_NAME}")).click()
    worker.check()
    page.get_by_label("Area").select_option("adults")
    page.get_by_label("Motivo della presa in carico").fill("Rischio di perdita dell'alloggio")
    # Bootstrap Italia draws the checkbox on its label: the operator clicks the label.
    page.locator("label[for=id_accesses_0]").click()
    expect(page.locator("#id_accesses_0")).to_be_checked()
    _submit(worker, "Prendi in carico")
    expect(page.get_by_role("heading", level=1)).to_contain_text(FAMILY_NAME)
    expect(page.locator("#summary-title + dl")).to_contain_text("sportello")
    return page.url.removeprefix(worker.base_url)


def _assess_and_plan(worker: Tab, case_path: str) -> None:
    page = worker.page
    worker.goto(case_path + "assessments/new/")
    page.get_by_label("Abitazione: punteggio (1 = molto critico, 5 = buono)").select_option("1")
    page.get_by_label("Lavoro: punteggio (1 = molto critico, 5 = buono)").select_option("2")
    page.get_by_label("Abitazione: note").fill("Sfratto esecutivo")
    _submit(worker, "Salva")
    expect(page.locator("#assessment-title + p")).to_contain_text("Ultima valutazione")

    worker.goto(case_path + "plan/")
    page.get_by_label("Fase (GePI)").select_option("framework")
    page.get_by_label("Quadro di analisi").fill("Casa e lavoro prima di tutto")
    _submit(worker, "Salva")
    worker.goto(case_path + "plan/goals/new/")
    page.get_by_label("Obiettivo").fill("Trovare un alloggio stabile")
    _submit(worker, "Salva")
    expect(page.locator("#plan-title ~ h3")).to_contain_text("Trovare un alloggio stabile")


def _request_intervention(worker: Tab, case_path: str) -> None:
    page = worker.page
    worker.goto(case_path + "interventions/new/")
    page.get_by_label("Prestazione (codice SIUSS)").select_option(
        label="A1.05 — Contributi economici per alloggio"
    )
    page.get_by_label("Importo (€)").fill("1200,00")
    _submit(worker, "Salva")
    row = page.get_by_role("row").filter(has_text="A1.05")
    expect(row).to_contain_text("richiesta")


def test_a_new_person_is_taken_in_charge_and_gets_an_approved_intervention(
    open_tab: Callable[[], Tab],
) -> None:
    desk = open_tab()
    desk.login(DESK_OPERATOR, DEMO_PASSWORD)
    _record_the_access(desk)

    worker = open_tab()
    worker.login(SOCIAL_WORKER, DEMO_PASSWORD)
    case_path = _take_charge(worker)
    _assess_and_plan(worker, case_path)
    _request_intervention(worker, case_path)

    coordinator = open_tab()
    coordinator.login(COORDINATOR, DEMO_PASSWORD)
    coordinator.goto("/cases/")
    waiting = coordinator.page.locator("#waiting-title + ul li").filter(has_text=FAMILY_NAME)
    with coordinator.page.expect_navigation():
        waiting.get_by_role("link").click()
    coordinator.check()
    coordinator.page.get_by_label("Decisione").select_option("approve")
    _submit(coordinator, "Decidi su A1.05")
    row = coordinator.page.get_by_role("row").filter(has_text="A1.05")
    expect(row).to_contain_text("approvata")

    worker.goto(case_path)
    with worker.page.expect_navigation():
        worker.page.get_by_role("link", name="Storia della persona").click()
    worker.check()
    timeline = worker.page.locator("ol.timeline")
    expect(timeline).to_contain_text("Prestazione A1.05")
    expect(timeline).to_contain_text("approvata")
    expect(timeline).to_contain_text("presa in carico")
    expect(worker.page.get_by_role("heading", level=1)).to_have_text(PERSON)
