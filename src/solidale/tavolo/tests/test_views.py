"""The pages of the coordination table: scoping, live minutes, exports, the needs board."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Personas
from solidale.network.models import NeedCategory

from ..models import AgendaItem, MeetingStatus, MinutesVersion, Need
from ..services import (
    meeting_close,
    minutes_publish,
    minutes_save,
    pledge_make,
)
from .factories import assigned_action, decided_meeting, reported_need, romagnano

pytestmark = pytest.mark.django_db


def _published(personas: Personas):
    meeting, decision = decided_meeting(personas)
    item = decision.agenda_item
    minutes_save(
        actor=personas.coordinator, item=item, text="Si discute del piano freddo.", base_version=0
    )
    meeting_close(actor=personas.coordinator, meeting=meeting)
    minutes_publish(actor=personas.coordinator, meeting=meeting)
    return meeting


def test_a_coordinator_convenes_a_meeting_from_the_page(personas: Personas, login) -> None:
    client = login(personas.coordinator)
    assert client.get("/tavolo/meetings/new/").status_code == 200
    response = client.post(
        "/tavolo/meetings/new/",
        {
            "title": "Tavolo di dicembre",
            "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Sala Rossa",
            "organizations": [personas.cooperative.pk],
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert b"Tavolo di dicembre" in page.content
    assert personas.cooperative.name.encode() in page.content


def test_an_operator_cannot_convene(personas: Personas, login) -> None:
    assert login(personas.association_operator).get("/tavolo/meetings/new/").status_code == 403


def test_the_minutes_are_saved_with_htmx_as_a_new_version(personas: Personas, login) -> None:
    meeting, decision = decided_meeting(personas)
    item = decision.agenda_item
    client = login(personas.coordinator)
    page = client.get(f"/tavolo/meetings/{meeting.pk}/")
    assert b'hx-post="/tavolo/agenda/' in page.content
    response = client.post(
        f"/tavolo/agenda/{item.pk}/minutes/",
        {"text": "Presenti tutti. Si apre il punto caldo.", "base_version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'name="base_version" value="1"' in response.content
    assert b"Versione 1" in response.content
    stale = client.post(
        f"/tavolo/agenda/{item.pk}/minutes/",
        {"text": "Testo vecchio", "base_version": 0},
        HTTP_HX_REQUEST="true",
    )
    assert stale.status_code == 409
    assert b"Testo vecchio" in stale.content
    assert AgendaItem.objects.get(pk=item.pk).minutes == "Presenti tutti. Si apre il punto caldo."
    assert MinutesVersion.objects.count() == 1
    history = client.get(f"/tavolo/agenda/{item.pk}/history/")
    assert b"Si apre il punto caldo" in history.content


def test_an_organization_not_invited_gets_404_on_the_minutes(personas: Personas, login) -> None:
    meeting, decision = decided_meeting(personas)
    client = login(personas.outsider)
    for url in (
        f"/tavolo/meetings/{meeting.pk}/",
        f"/tavolo/meetings/{meeting.pk}/minutes/",
        f"/tavolo/meetings/{meeting.pk}/minutes.pdf",
        f"/tavolo/agenda/{decision.agenda_item_id}/history/",
    ):
        assert client.get(url).status_code == 404, url


def test_an_invited_organization_reads_the_minutes_only_once_published(
    personas: Personas, login
) -> None:
    meeting, decision = decided_meeting(personas)
    minutes_save(
        actor=personas.coordinator,
        item=decision.agenda_item,
        text="Bozza riservata",
        base_version=0,
    )
    client = login(personas.association_operator)
    page = client.get(f"/tavolo/meetings/{meeting.pk}/")
    assert page.status_code == 200
    assert b"Bozza riservata" not in page.content
    assert client.get(f"/tavolo/meetings/{meeting.pk}/minutes/").status_code == 404
    meeting_close(actor=personas.coordinator, meeting=meeting)
    minutes_publish(actor=personas.coordinator, meeting=meeting)
    assert b"Bozza riservata" in client.get(f"/tavolo/meetings/{meeting.pk}/minutes/").content


def test_the_minutes_export_is_a_real_pdf(personas: Personas, login) -> None:
    meeting = _published(personas)
    response = login(personas.association_operator).get(
        f"/tavolo/meetings/{meeting.pk}/minutes.pdf"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    counts = [int(count) for count in re.findall(rb"/Count (\d+)", response.content)]
    assert b"/Type /Pages" in response.content
    assert counts and max(counts) > 0


def test_close_and_publish_from_the_page(personas: Personas, login) -> None:
    meeting, _ = decided_meeting(personas)
    client = login(personas.coordinator)
    assert client.post(f"/tavolo/meetings/{meeting.pk}/publish/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    client.post(f"/tavolo/meetings/{meeting.pk}/close/")
    client.post(f"/tavolo/meetings/{meeting.pk}/publish/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED
    assert (
        login(personas.association_operator)
        .post(f"/tavolo/meetings/{meeting.pk}/close/")
        .status_code
        == 403
    )


def test_a_decision_and_an_action_are_recorded_from_the_pages(personas: Personas, login) -> None:
    _, decision = decided_meeting(personas)
    client = login(personas.coordinator)
    client.post(
        f"/tavolo/agenda/{decision.agenda_item_id}/decisions/",
        {"text": "Distribuire coperte", "vote_note": "consenso"},
    )
    assert decision.agenda_item.decisions.count() == 2
    response = client.post(
        f"/tavolo/decisions/{decision.pk}/actions/new/",
        {
            "title": "Coperte a Romagnano",
            "owner_organization": personas.cooperative.pk,
            "owner": personas.association_operator.pk,
            "deadline": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    landing = login(personas.association_operator).get("/")
    assert b"Coperte a Romagnano" in landing.content
    assert b"Azione in ritardo" in landing.content


def test_the_owner_records_progress_on_the_action_page(personas: Personas, login) -> None:
    action = assigned_action(personas)
    client = login(personas.association_operator)
    assert client.get(f"/tavolo/actions/{action.pk}/").status_code == 200
    response = client.post(
        f"/tavolo/actions/{action.pk}/progress/", {"status": "in_progress", "note": "Avviata"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "in_progress"
    assert login(personas.outsider).get(f"/tavolo/actions/{action.pk}/").status_code == 404


def test_the_need_form_refuses_personal_data_next_to_the_field(personas: Personas, login) -> None:
    client = login(personas.association_operator)
    page = client.get("/tavolo/needs/new/")
    assert b"Solo dati aggregati" in page.content
    response = client.post(
        "/tavolo/needs/new/",
        {
            "count": 3,
            "unit": "famiglie",
            "title": "senza luce",
            "category": NeedCategory.objects.get(code="housing").pk,
            "urgency": "high",
            "description": "Contattare il 333 1234567",
        },
    )
    assert response.status_code == 200
    assert b'id="id_description_error"' in response.content
    assert b'aria-describedby="id_description_error' in response.content
    assert not Need.objects.exists()


def test_the_board_is_read_by_viewers_and_pledges_are_made_from_the_page(
    personas: Personas, login
) -> None:
    need = reported_need(personas)
    board = login(personas.viewer).get("/tavolo/needs/")
    assert b"senza riscaldamento" in board.content
    assert b'id="needs-map-data"' in board.content
    client = login(personas.association_operator)
    response = client.post(
        f"/tavolo/needs/{need.pk}/pledges/", {"what": "Stufette", "quantity": 10}
    )
    assert response.status_code == 302
    pledge = need.pledges.get()
    client.post(f"/tavolo/pledges/{pledge.pk}/status/", {"status": "delivered"})
    need.refresh_from_db()
    assert need.status == "met"
    assert login(personas.citizen).get("/tavolo/needs/").status_code == 404


def test_lists_use_a_fixed_number_of_queries(personas: Personas, login) -> None:
    client = login(personas.association_operator)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    reported_need(personas)
    assigned_action(personas, deadline=timezone.localdate() - timedelta(days=1))
    baseline = {url: queries(url) for url in ("/tavolo/", "/tavolo/actions/", "/tavolo/needs/")}
    for count in range(4):
        need = reported_need(personas, count=count + 2)
        pledge_make(
            actor=personas.housing_officer, need=need, data={"what": "Aiuto", "quantity": 1}
        )
        assigned_action(personas, deadline=timezone.localdate() - timedelta(days=1))
    romagnano()
    for url, before in baseline.items():
        assert queries(url) == before, url
