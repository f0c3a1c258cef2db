"""Every main page, as the role that uses it, passes the browser checks (CSP, JS, axe-core)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .browser import Tab
from .conftest import DEMO_PASSWORD

TOUR = {
    "coordinatore@comune-massa.demo": [
        "/",
        "/people/",
        "/people/?q=Rossi",
        "/people/new/",
        "/people/households/",
        "/people/merges/",
        "/account/members/",
        "/account/members/add/",
        "/account/audit/",
        "/account/tokens/",
        "/account/otp/setup/",
    ],
    "admin@ilponte.demo": ["/", "/people/", "/account/members/", "/account/audit/"],
    "volontario@ilponte.demo": ["/"],
    "casa@erp-massacarrara.demo": ["/", "/people/"],
    "osservatore@comune-massa.demo": ["/"],
    "cittadino@example.demo": ["/"],
}


def test_public_pages_pass_the_browser_checks(open_tab: Callable[[], Tab]) -> None:
    tab = open_tab()
    for path in ("/account/login/", "/account/password/reset/", "/accessibility/"):
        tab.goto(path)
    tab.goto("/questa-pagina-non-esiste/", status=404)


@pytest.mark.parametrize("email", sorted(TOUR))
def test_the_main_pages_of_each_role_pass_the_browser_checks(
    email: str, open_tab: Callable[[], Tab]
) -> None:
    tab = open_tab()
    tab.login(email, DEMO_PASSWORD)
    for path in TOUR[email]:
        tab.goto(path)


def test_a_person_and_a_household_record_pass_the_browser_checks(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login("assistente.sociale@comune-massa.demo", DEMO_PASSWORD)
    for listing, first_record in (
        ("/people/", "#search-results a"),
        ("/people/households/", "#main-content table a"),
    ):
        tab.goto(listing)
        with tab.page.expect_navigation():
            tab.page.locator(first_record).first.click()
        tab.check()
        with tab.page.expect_navigation():
            tab.page.get_by_role("link", name="Modifica", exact=True).click()
        tab.check()
        assert tab.page.url.endswith("/edit/")
