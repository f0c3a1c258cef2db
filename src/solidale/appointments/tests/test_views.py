"""Appointment pages: booking, day views, move, cancel, schedules; scoped to the organization."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from solidale.core.models import AuditEvent
from solidale.desk.workdays import italian_holidays

from .. import services
from ..models import Appointment, OpeningHours, OperatorSchedule, Slot, Status
from .factories import comune_person, next_weekday, slot_at

pytestmark = pytest.mark.django_db


def _day_url(office, day) -> str:
    return f"{reverse('appointments:day_office', args=[office.pk])}?day={day.isoformat()}"


def test_the_desk_books_from_the_page_and_sees_it_on_the_day_view(
    personas, login, office, person
) -> None:
    client = login(personas.desk_operator)
    tuesday = next_weekday(1)
    slot = slot_at(office, tuesday, time(10))
    page = client.get(
        reverse("appointments:book"),
        {"person": person.pk, "office": office.pk, "day": tuesday.isoformat()},
    )
    assert page.status_code == 200
    assert f'value="{slot.pk}"'.encode() in page.content
    response = client.post(
        reverse("appointments:book"),
        {
            "person": person.pk,
            "office": office.pk,
            "day": tuesday.isoformat(),
            "slot": slot.pk,
            "reminder_channel": "sms",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _day_url(office, tuesday)
    day = client.get(response["Location"])
    assert "Bernardini Giuseppina" in day.content.decode()
    assert Appointment.objects.get().reminder_channel == "sms"


def test_the_booking_page_finds_the_person_despite_a_typo(personas, login, office, person) -> None:
    client = login(personas.desk_operator)
    found = client.get(
        reverse("appointments:book"), {"q": "Bernardni"}, headers={"HX-Request": "true"}
    )
    assert found.status_code == 200
    assert f"person={person.pk}".encode() in found.content
    assert b"<h1" not in found.content


def test_a_double_booking_from_the_page_answers_409_with_the_reason(
    personas, login, office, person
) -> None:
    slot = slot_at(office, next_weekday(1), time(9))
    services.appointment_book(slot=slot, contact_name="Prima Persona", actor=personas.social_worker)
    response = login(personas.desk_operator).post(
        reverse("appointments:book"),
        {"person": person.pk, "slot": slot.pk, "reminder_channel": "none"},
    )
    assert response.status_code == 409
    assert "appena stato prenotato" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_the_day_view_links_the_previous_and_next_days(personas, login, office) -> None:
    monday = next_weekday(0)
    page = login(personas.desk_operator).get(_day_url(office, monday))
    content = page.content.decode()
    assert _day_url(office, monday - timedelta(days=1)) in content
    assert _day_url(office, monday + timedelta(days=1)) in content
    assert 'rel="prev"' in content and 'rel="next"' in content


def test_the_day_view_answers_htmx_with_the_day_fragment(personas, login, office) -> None:
    page = login(personas.desk_operator).get(
        _day_url(office, next_weekday(0)), headers={"HX-Request": "true"}
    )
    assert page.status_code == 200
    assert b'id="day-view"' in page.content
    assert b"<h1" not in page.content


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_day_views_run_the_same_queries_however_many_bookings(personas, login, office) -> None:
    tuesday = next_weekday(1)
    client = login(personas.desk_operator)
    office_url = _day_url(office, tuesday)
    operator_url = f"{reverse('appointments:day_operator', args=[personas.desk_operator.pk])}?day={tuesday.isoformat()}"
    services.appointment_book(
        slot=slot_at(office, tuesday, time(9)),
        person=comune_person(personas, given="Uno"),
        actor=personas.desk_operator,
    )
    few = (_queries(client, office_url), _queries(client, operator_url))
    for index, at in enumerate((time(10), time(10, 30), time(11), time(11, 30), time(12))):
        person = comune_person(personas, given=f"Altra{index}", family="Persona")
        services.appointment_book(
            slot=slot_at(office, tuesday, at), person=person, actor=personas.desk_operator
        )
    many = (_queries(client, office_url), _queries(client, operator_url))
    assert many == few


def test_the_operator_day_shows_their_own_slots(personas, login, office, person) -> None:
    tuesday = next_weekday(1)
    services.appointment_book(
        slot=slot_at(office, tuesday, time(9)), person=person, actor=personas.desk_operator
    )
    url = f"{reverse('appointments:day_operator', args=[personas.desk_operator.pk])}?day={tuesday.isoformat()}"
    page = login(personas.social_worker).get(url)
    assert "Bernardini Giuseppina" in page.content.decode()
    assert "Sportello Centro" in page.content.decode()


def test_outsiders_get_404_on_every_appointment_page(personas, login, office, person) -> None:
    appointment = services.appointment_book(
        slot=slot_at(office, next_weekday(1), time(9)), person=person, actor=personas.desk_operator
    )
    client = login(personas.association_operator)
    for url in (
        reverse("appointments:day_office", args=[office.pk]),
        reverse("appointments:day_operator", args=[personas.desk_operator.pk]),
        reverse("appointments:detail", args=[appointment.pk]),
        reverse("appointments:move", args=[appointment.pk]),
        reverse("appointments:schedule", args=[office.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Bernardini" not in response.content
    assert (
        client.post(
            reverse("appointments:cancel", args=[appointment.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_the_detail_page_records_the_read_of_the_person(personas, login, office, person) -> None:
    appointment = services.appointment_book(
        slot=slot_at(office, next_weekday(1), time(9)), person=person, actor=personas.desk_operator
    )
    page = login(personas.social_worker).get(reverse("appointments:detail", args=[appointment.pk]))
    assert "Bernardini Giuseppina" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="view", person_id=person.pk, actor_id=personas.social_worker.pk
    ).exists()


def test_moving_and_cancelling_from_the_pages(personas, login, office, person) -> None:
    tuesday = next_weekday(1)
    appointment = services.appointment_book(
        slot=slot_at(office, tuesday, time(9)), person=person, actor=personas.desk_operator
    )
    client = login(personas.desk_operator)
    target = slot_at(office, tuesday, time(12))
    page = client.get(
        reverse("appointments:move", args=[appointment.pk]), {"day": tuesday.isoformat()}
    )
    assert f'value="{target.pk}"'.encode() in page.content
    moved = client.post(reverse("appointments:move", args=[appointment.pk]), {"slot": target.pk})
    new = Appointment.objects.get(slot=target)
    assert moved["Location"] == reverse("appointments:detail", args=[new.pk])
    refused = client.post(reverse("appointments:cancel", args=[new.pk]), {"reason": ""})
    assert refused.status_code == 400
    assert (
        client.post(
            reverse("appointments:cancel", args=[new.pk]), {"reason": "Ricoverata"}
        ).status_code
        == 302
    )
    new.refresh_from_db()
    assert new.status == Status.CANCELLED


def test_a_coordinator_manages_the_schedule_of_an_office(personas, login, office) -> None:
    client = login(personas.coordinator)
    assert client.get(reverse("appointments:schedule", args=[office.pk])).status_code == 200
    saturday = 5
    client.post(
        reverse("appointments:opening_hours_add", args=[office.pk]),
        {"weekday": saturday, "start": "09:00", "end": "12:00"},
    )
    client.post(
        reverse("appointments:schedule_add", args=[office.pk]),
        {
            "operator": personas.social_worker.pk,
            "weekday": saturday,
            "start": "09:00",
            "end": "11:00",
            "slot_minutes": 60,
        },
    )
    today = timezone.localdate()
    client.post(
        reverse("appointments:slots_generate", args=[office.pk]),
        {"start_date": today.isoformat(), "end_date": (today + timedelta(days=14)).isoformat()},
    )
    saturday_date = next_weekday(5)
    assert (
        Slot.objects.filter(operator=personas.social_worker, start__date=saturday_date).count() == 2
    )
    wrong = client.post(
        reverse("appointments:schedule_add", args=[office.pk]),
        {
            "operator": personas.social_worker.pk,
            "weekday": saturday,
            "start": "11:00",
            "end": "14:00",
            "slot_minutes": 30,
        },
    )
    assert wrong.status_code == 400
    assert "dentro un orario di apertura" in wrong.content.decode()
    assert OperatorSchedule.objects.filter(operator=personas.social_worker).count() == 1


def test_a_desk_operator_does_not_manage_schedules(personas, login, office) -> None:
    client = login(personas.desk_operator)
    assert client.get(reverse("appointments:schedule", args=[office.pk])).status_code == 404
    hours = OpeningHours.objects.filter(office=office)[0]
    assert (
        client.post(reverse("appointments:opening_hours_remove", args=[hours.pk])).status_code
        == 404
    )
    assert OpeningHours.objects.filter(pk=hours.pk).exists()


def test_the_landing_page_lists_my_appointments_of_today(personas, login, office) -> None:
    start = timezone.localtime() + timedelta(minutes=5)
    if start.time() > time(23, 50) or start.date() in italian_holidays(start.year):
        pytest.skip("no booking possible later today (midnight or a public holiday)")
    OpeningHours.objects.filter(office=office, weekday=start.weekday()).delete()
    services.opening_hours_add(
        office=office,
        weekday=start.weekday(),
        start=time(0),
        end=time(23, 59),
        actor=personas.coordinator,
    )
    slot = Slot.objects.create(
        office=office,
        operator=personas.desk_operator,
        start=start,
        end=start + timedelta(minutes=5),
    )
    services.appointment_book(
        slot=slot, contact_name="Visita Odierna", actor=personas.social_worker
    )
    assert (
        "Visita Odierna" in login(personas.desk_operator).get(reverse("core:home")).content.decode()
    )
    assert (
        "Visita Odierna"
        not in login(personas.social_worker).get(reverse("core:home")).content.decode()
    )
