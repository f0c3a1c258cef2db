"""Registering a person: a similar name with the same birth date warns before saving."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

DESK_OPERATOR = "sportello@comune-massa.demo"
KNOWN_PERSON = re.compile(r"Bernardini\s+Giuseppina|Giuseppina\s+Bernardini")


def test_a_similar_person_is_shown_while_typing_and_again_before_saving(
    open_tab: Callable[[], Tab],
) -> None:
    tab = open_tab()
    tab.login(DESK_OPERATOR, DEMO_PASSWORD)
    tab.goto("/people/new/")
    page = tab.page
    page.locator("#id_family_name").fill("Bernardinii")
    page.locator("#id_given_name").fill("Giuseppina")
    page.locator("#id_birth_date").fill("1948-03-12")
    page.locator("#id_birth_date").press("Tab")

    candidates = page.locator("#duplicate-candidates")
    expect(candidates.get_by_role("link", name=KNOWN_PERSON)).to_be_visible()
    tab.check()

    with page.expect_navigation():
        page.get_by_role("button", name="Registra", exact=True).click()
    tab.check()
    assert page.url.endswith("/people/new/"), "the similar person must stop the first save"
    expect(
        page.get_by_label("Confermo che è una persona diversa da quelle indicate")
    ).to_be_visible()
    expect(
        page.locator("#duplicate-candidates").get_by_role("link", name=KNOWN_PERSON)
    ).to_be_visible()
