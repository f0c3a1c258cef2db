"""A citizen asks for help from the public site without an account, gets a tracking code
and checks the status of the request with it."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from .browser import Tab

CODE = re.compile(r"SOL-[0-9A-Z]{10}")


def test_a_citizen_sends_a_request_anonymously_and_checks_its_status(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.goto("/desk/requests/new/")
    page = tab.page
    page.get_by_label("per un'altra persona in difficoltà").check()
    page.get_by_label("Di che cosa hai bisogno?").select_option(label="Solitudine e relazioni")
    page.get_by_label("Descrivi la situazione").press_sequentially(
        "La vicina del terzo piano vive sola e non esce di casa da giorni.", delay=20
    )
    page.get_by_label("Come preferisci essere contattato?").select_option("email")
    page.get_by_label("E-mail").fill("vicina.premurosa@example.invalid")
    page.locator("label[for=id_consent]").click()  # Bootstrap Italia's label covers the box
    expect(page.get_by_label(re.compile("acconsento al trattamento"))).to_be_checked()
    page.wait_for_timeout(3000)  # a person takes a few seconds; the form refuses a robot's blink
    with page.expect_navigation():
        page.get_by_role("button", name="Invia la richiesta").click()
    tab.check()
    code_text = page.locator("#tracking-code").inner_text()
    assert CODE.fullmatch(code_text.strip())

    tab.goto("/desk/requests/status/")
    page.get_by_label("Codice della richiesta").fill(code_text.strip())
    with page.expect_navigation():
        page.get_by_role("button", name="Controlla").click()
    expect(page.locator("#request-status-value")).to_have_text("Ricevuta")
    expect(page.locator("main")).not_to_contain_text("terzo piano")
    tab.check()

    tab.goto("/desk/requests/status/")
    page.get_by_label("Codice della richiesta").fill("SOL-0000000000")
    with page.expect_navigation():
        page.get_by_role("button", name="Controlla").click()
    expect(page.locator("main")).to_contain_text("Nessuna richiesta con questo codice")
    tab.check()
