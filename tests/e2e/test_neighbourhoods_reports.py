"""Citizen reports, end to end.

1. A citizen reports an elderly neighbour living alone: the report never reaches the
   public map; it arrives privately at the Comune's desk, where the operator takes it in
   charge as an access; the citizen sees "presa in carico" and nothing personal.
2. A citizen on a phone reports a broken streetlight with a pin on the map: it waits for
   verification; the desk checks and publishes it with an edited description; it appears
   on the public map; the desk resolves it; the citizen is notified in the app.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from .browser import Tab
from .conftest import DEMO_PASSWORD

CITIZEN = "cittadino@example.demo"
DESK = "sportello@comune-massa.demo"
ELDERLY = "La signora Adalgisa Tonarelli del civico 9 vive sola e non la vedo uscire da giorni"
LIGHT = "Il lampione davanti alla farmacia è spento da tre sere"
PUBLIC_LIGHT = "Lampione spento davanti alla farmacia"
#: The report form refuses forms sent faster than a person types (spam guard).
HUMAN_PAUSE_MS = 3200


def _send_report(
    tab: Tab, *, category: str, text: str, address: str = "", pin: bool = False
) -> str:
    tab.goto("/neighbourhoods/segnalazioni/nuova/")
    page = tab.page
    page.get_by_label("Categoria").select_option(label=category)
    page.get_by_label("Descrizione").fill(text)
    if address:
        page.get_by_label("Indirizzo o punto di riferimento").fill(address)
    if pin:
        expect(page.locator(".nb-map .leaflet-interactive").first).to_be_attached()
        page.locator(".nb-map").click()
        expect(page.locator("#nb-pin-status")).to_contain_text("Segnaposto")
    page.get_by_label("Vuoi essere aggiornato?").select_option(label="nell'area personale")
    page.wait_for_timeout(HUMAN_PAUSE_MS)
    with page.expect_navigation():
        page.get_by_role("button", name="Invia la segnalazione").click()
    tab.check()
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"SEG-[0-9A-Z]{10}", code), code
    return code


def test_an_elderly_neighbour_reaches_the_desk_privately(open_tab: Callable[[], Tab]) -> None:
    citizen = open_tab()
    citizen.login(CITIZEN, DEMO_PASSWORD)
    code = _send_report(
        citizen, category="Anziano che vive solo", text=ELDERLY, address="Via Dante 9, Centro"
    )
    expect(citizen.page.locator("[data-status]")).to_have_text("ricevuta")

    public = open_tab()
    public.goto("/neighbourhoods/segnalazioni/")
    expect(public.page.get_by_text("Tonarelli")).to_have_count(0)
    expect(public.page.get_by_text("Anziano che vive solo")).to_have_count(0)

    desk = open_tab()
    desk.login(DESK, DEMO_PASSWORD)
    desk.goto("/neighbourhoods/gestione/segnalazioni/?sensitive=1&status=received")
    with desk.page.expect_navigation():
        desk.page.get_by_role("link", name=code).click()
    desk.check()
    expect(desk.page.get_by_text(ELDERLY)).to_be_visible()
    with desk.page.expect_navigation():
        desk.page.get_by_role("button", name="Prendi in carico e registra l'accesso").click()
    desk.check()
    expect(desk.page.locator("#report-status")).to_have_text("presa in carico")
    with desk.page.expect_navigation():
        desk.page.get_by_role("link", name="accesso registrato allo sportello").click()
    desk.check()
    expect(desk.page.get_by_text(re.compile("Tonarelli")).first).to_be_visible()

    citizen.goto("/neighbourhoods/segnalazioni/mie/")
    with citizen.page.expect_navigation():
        citizen.page.get_by_role("link", name=code).click()
    citizen.check()
    expect(citizen.page.locator("[data-status]")).to_have_text("presa in carico")
    expect(citizen.page.get_by_text("Tonarelli")).to_have_count(0)


def test_a_broken_streetlight_goes_on_the_map_and_its_reporter_hears_it_is_fixed(
    open_tab: Callable[[], Tab],
) -> None:
    citizen = open_tab()
    citizen.page.set_viewport_size({"width": 390, "height": 844})
    citizen.login(CITIZEN, DEMO_PASSWORD)
    code = _send_report(citizen, category="Illuminazione pubblica", text=LIGHT, pin=True)
    expect(citizen.page.locator("#moderation-status")).to_contain_text("In attesa di verifica")

    desk = open_tab()
    desk.login(DESK, DEMO_PASSWORD)
    desk.goto("/neighbourhoods/gestione/moderazione/")
    desk.check()
    with desk.page.expect_navigation():
        desk.page.get_by_role("link", name=code).click()
    expect(desk.page.get_by_text(LIGHT).first).to_be_visible()
    pk = re.search(r"/segnalazioni/(\d+)/", desk.page.url).group(1)  # type: ignore[union-attr]

    public = open_tab()  # not public before the check
    public.goto("/neighbourhoods/segnalazioni/?status=open&category=illuminazione")
    expect(public.page.locator(f"a[href$='/segnalazioni/{pk}/']")).to_have_count(0)
    public.goto(f"/neighbourhoods/segnalazioni/{pk}/", status=404)

    desk.page.get_by_label("Descrizione da pubblicare").fill(PUBLIC_LIGHT)
    with desk.page.expect_navigation():
        desk.page.get_by_role("button", name="Pubblica la segnalazione").click()
    desk.check()
    expect(desk.page.locator("#public-description")).to_have_text(PUBLIC_LIGHT)

    citizen.goto("/notifications/")
    expect(
        citizen.page.get_by_text(f"La tua segnalazione {code} è stata pubblicata")
    ).to_be_visible()
    citizen.goto(f"/neighbourhoods/segnalazioni/stato/?code={code}")
    with citizen.page.expect_navigation():
        citizen.page.get_by_role(
            "link", name="Vedi la segnalazione pubblica e la sua posizione"
        ).click()
    citizen.check()
    expect(citizen.page.get_by_text(PUBLIC_LIGHT)).to_be_visible()
    expect(citizen.page.get_by_text(LIGHT)).to_have_count(0)

    public.goto("/neighbourhoods/segnalazioni/?status=open&category=illuminazione")
    expect(public.page.locator(f"a[href$='/segnalazioni/{pk}/']").first).to_be_visible()
    expect(public.page.locator(".nb-map .leaflet-marker-icon").first).to_be_attached()

    desk.goto(f"/neighbourhoods/gestione/segnalazioni/{pk}/")
    expect(desk.page.get_by_text(LIGHT)).to_be_visible()
    desk.page.get_by_label("Nuovo stato").select_option(label="risolta")
    desk.page.get_by_label("Nota per il segnalante").fill("Lampada sostituita dalla squadra")
    with desk.page.expect_navigation():
        desk.page.get_by_role("button", name="Aggiorna e avvisa il segnalante").click()
    desk.check()
    expect(desk.page.locator("#report-status")).to_have_text("risolta")

    citizen.goto("/notifications/")
    expect(citizen.page.get_by_text(f"La tua segnalazione {code}: risolta")).to_be_visible()
    citizen.goto(f"/neighbourhoods/segnalazioni/stato/?code={code}")
    expect(citizen.page.get_by_text("Lampada sostituita dalla squadra").first).to_be_visible()
    expect(citizen.page.get_by_role("button", name="Riapri la segnalazione")).to_be_visible()
