"""The appointments API: the same services, scoping and errors as the pages."""

from __future__ import annotations

from datetime import time

import pytest

from solidale.core.timeline import timeline_for

from .. import services
from ..models import Appointment, Status
from .factories import next_weekday, slot_at

pytestmark = pytest.mark.django_db


def _post(client, path, payload):
    return client.post(path, payload, content_type="application/json")


def test_it_lists_free_slots_books_moves_and_cancels(personas, login, office, person) -> None:
    client = login(personas.desk_operator)
    tuesday = next_weekday(1)
    slots = client.get(
        f"/api/v1/appointments/offices/{office.pk}/slots", {"day": tuesday.isoformat()}
    ).json()
    assert len(slots) == 8
    booked = _post(
        client,
        "/api/v1/appointments",
        {
            "slot_id": slots[0]["id"],
            "person_id": person.pk,
            "need": "housing",
            "reminder_channel": "email",
        },
    )
    assert booked.status_code == 201, booked.content
    body = booked.json()
    assert body["person_name"] == "Bernardini Giuseppina"
    assert body["need"] == "housing"
    remaining = client.get(
        f"/api/v1/appointments/offices/{office.pk}/slots", {"day": tuesday.isoformat()}
    ).json()
    assert slots[0]["id"] not in [slot["id"] for slot in remaining]
    moved = _post(client, f"/api/v1/appointments/{body['id']}/move", {"slot_id": slots[3]["id"]})
    assert moved.status_code == 201
    new_id = moved.json()["id"]
    assert client.get(f"/api/v1/appointments/{body['id']}").json()["status"] == "moved"
    cancelled = _post(client, f"/api/v1/appointments/{new_id}/cancel", {"reason": "Disdetto"})
    assert cancelled.json()["status"] == "cancelled"
    listed = client.get("/api/v1/appointments", {"day": tuesday.isoformat()}).json()
    assert listed["count"] == 2


def test_bad_input_gets_clear_errors_and_saves_nothing(personas, login, office) -> None:
    client = login(personas.desk_operator)
    slot = slot_at(office, next_weekday(1), time(9))
    nameless = _post(client, "/api/v1/appointments", {"slot_id": slot.pk})
    assert nameless.status_code == 400
    assert "person" in nameless.json()["error"]["fields"]
    unknown = _post(
        client, "/api/v1/appointments", {"slot_id": slot.pk, "contact_name": "X", "colour": "red"}
    )
    assert unknown.status_code == 422
    assert not Appointment.objects.exists()


def test_outsiders_cannot_see_or_book_the_comunes_appointments(
    personas, login, office, person
) -> None:
    slot = slot_at(office, next_weekday(1), time(9))
    appointment = services.appointment_book(slot=slot, person=person, actor=personas.desk_operator)
    client = login(personas.association_operator)
    assert client.get(f"/api/v1/appointments/{appointment.pk}").status_code == 404
    assert client.get("/api/v1/appointments").json()["count"] == 0
    assert client.get(f"/api/v1/appointments/offices/{office.pk}/slots").status_code == 404
    free = slot_at(office, next_weekday(1), time(10))
    assert (
        _post(client, "/api/v1/appointments", {"slot_id": free.pk, "contact_name": "X"}).status_code
        == 404
    )
    assert (
        _post(client, f"/api/v1/appointments/{appointment.pk}/cancel", {"reason": "x"}).status_code
        == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_the_person_timeline_shows_appointments_to_the_organization_that_runs_the_office(
    personas, office, person
) -> None:
    services.appointment_book(
        slot=slot_at(office, next_weekday(1), time(9)), person=person, actor=personas.desk_operator
    )
    mine = [
        entry
        for entry in timeline_for(personas.social_worker, [person.pk])
        if entry.kind == "appointments"
    ]
    assert len(mine) == 1
    assert "prenotato" in mine[0].title
    theirs = [
        entry
        for entry in timeline_for(personas.association_operator, [person.pk])
        if entry.kind == "appointments"
    ]
    assert theirs == []
