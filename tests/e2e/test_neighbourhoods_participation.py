"""Participation, end to end: a citizen registers for an upcoming neighbourhood meeting and
sends a proposal; the Comune's social worker answers it officially and reports the
decisions back; the citizen reads both and is notified."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

CITIZEN = "cittadino@example.demo"
SOCIAL_WORKER = "assistente.sociale@comune-massa.demo"
EVENT = "Assemblea di quartiere a Romagnano"
PROPOSAL = "Un pedibus per la scuola"
ANSWER = "Accolta: partirà a gennaio con i volontari di Mano Amica"
DECISIONS = "Pedibus dal 10 gennaio; nuove strisce pedonali davanti alla scuola"


def test_a_proposal_gets_an_official_answer_and_the_decisions_come_back(
    open_tab: Callable[[], Tab],
) -> None:
    citizen = open_tab()
    citizen.login(CITIZEN, DEMO_PASSWORD)
    citizen.goto("/neighbourhoods/partecipazione/")
    with citizen.page.expect_navigation():
        citizen.page.get_by_role("link", name=EVENT).click()
    citizen.check()
    with citizen.page.expect_navigation():
        citizen.page.get_by_role("button", name="Iscriviti").click()
    citizen.check()
    expect(citizen.page.get_by_text("Sei iscritto.")).to_be_visible()
    citizen.page.get_by_label("Titolo della proposta").fill(PROPOSAL)
    citizen.page.get_by_label("La tua proposta").fill(
        "Accompagnare a piedi i bambini a scuola, a turno."
    )
    with citizen.page.expect_navigation():
        citizen.page.get_by_role("button", name="Invia la proposta").click()
    citizen.check()
    event_path = urlparse(citizen.page.url).path

    worker = open_tab()
    worker.login(SOCIAL_WORKER, DEMO_PASSWORD)
    worker.goto(event_path)
    card = worker.page.locator("li.card", has_text=PROPOSAL)
    card.get_by_label("Esito").select_option(label="accolta")
    card.get_by_label("Risposta ufficiale").fill(ANSWER)
    with worker.page.expect_navigation():
        card.get_by_role("button", name="Rispondi").click()
    worker.check()
    worker.page.get_by_label("Decisioni prese").fill(DECISIONS)
    with worker.page.expect_navigation():
        worker.page.get_by_role("button", name="Pubblica e avvisa i partecipanti").click()
    worker.check()
    with worker.page.expect_navigation():
        worker.page.get_by_role("link", name="Iscritti e presenze").click()
    worker.check()
    expect(worker.page.get_by_text("Ciro Baldini")).to_be_visible()

    citizen.goto(event_path)
    expect(citizen.page.locator("#decisions")).to_contain_text(DECISIONS)
    expect(citizen.page.get_by_text(ANSWER)).to_be_visible()
    citizen.goto("/notifications/")
    expect(citizen.page.get_by_text(f"Le decisioni di «{EVENT}»")).to_be_visible()
