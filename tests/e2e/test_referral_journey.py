"""A closed-loop referral: the Comune sends a person with an open case to Il Ponte's
service; the cooperative accepts, records progress and completes; the outcome reaches
the person's timeline on the Comune's side."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

SOCIAL_WORKER = "assistente.sociale@comune-massa.demo"
OPERATOR = "operatore@ilponte.demo"
OUTCOME_NOTE = "Inserita in un tirocinio di sei mesi presso la cooperativa"


def _open_a_case(tab: Tab) -> str:
    """Open the first case of the social worker; return its path."""
    tab.goto("/cases/")
    link = tab.page.locator("table a[href^='/cases/']").first
    with tab.page.expect_navigation():
        link.click()
    tab.check()
    return tab.page.url.removeprefix(tab.base_url)


def _send_to_il_ponte(tab: Tab, case_path: str) -> str:
    """From the case, choose one of Il Ponte's services and send; return the referral's path."""
    case_id = re.search(r"/cases/(\d+)/", case_path)
    assert case_id is not None
    tab.goto(f"/referrals/new/?case={case_id.group(1)}")
    tab.page.locator("#service-choices label", has_text="Il Ponte").first.click()
    tab.page.get_by_label("Motivo dell'invio").fill("Accompagnamento al lavoro dopo lo sfratto")
    tab.page.get_by_label("Base giuridica, se manca il consenso alla condivisione").select_option(
        "public_task"
    )
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Invia", exact=True).click()
    tab.check()
    expect(tab.page.locator(".referral-status")).to_have_text("inviato")
    return tab.page.url.removeprefix(tab.base_url)


def _submit(tab: Tab, button: str) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=button).click()
    tab.check()


def test_a_referral_goes_round_the_loop_and_the_outcome_reaches_the_timeline(
    open_tab: Callable[[], Tab],
) -> None:
    comune = open_tab()
    comune.login(SOCIAL_WORKER, DEMO_PASSWORD)
    case_path = _open_a_case(comune)
    referral_path = _send_to_il_ponte(comune, case_path)

    ponte = open_tab()
    ponte.login(OPERATOR, DEMO_PASSWORD)
    ponte.goto("/referrals/")
    number = referral_path.strip("/").split("/")[-1]
    expect(ponte.page.get_by_role("link", name=number, exact=True)).to_be_visible()
    ponte.goto(referral_path)
    _submit(ponte, "Accetta l'invio")
    expect(ponte.page.locator(".referral-status")).to_have_text("accettato")
    ponte.page.locator("#id_start-note").fill("Primo colloquio fissato per lunedì")
    _submit(ponte, "Segna come in corso")
    ponte.page.get_by_label("Messaggio").fill("Colloquio svolto: la persona è motivata")
    ponte.page.get_by_role("button", name="Scrivi").click()
    expect(ponte.page.locator("#thread")).to_contain_text("Colloquio svolto")
    ponte.check()
    ponte.page.locator("#id_complete-outcome").select_option("met")
    ponte.page.locator("#id_complete-note").fill(OUTCOME_NOTE)
    _submit(ponte, "Concludi l'invio")
    expect(ponte.page.locator(".referral-status")).to_have_text("concluso")

    comune.goto(case_path)
    with comune.page.expect_navigation():
        comune.page.get_by_role("link", name="Storia della persona").click()
    comune.check()
    timeline = comune.page.locator("ol.timeline")
    expect(timeline).to_contain_text("concluso")
    expect(timeline).to_contain_text(OUTCOME_NOTE)
