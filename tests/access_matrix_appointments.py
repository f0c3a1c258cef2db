"""Who may reach the appointment pages and API (merged by ``access_matrix_registry``).

The Comune's registry roles see the Comune's offices, slots and bookings; other
organizations' registry roles open the lists and the booking page but find nothing of the
Comune's; only the Comune's coordinator manages its offices' schedules. The iCal feed is
public behind a secret token: without a valid one it answers 404 (wrong, regenerated and
revoked tokens are tested in ``appointments/tests/test_ical.py``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from typing import TYPE_CHECKING

from solidale.appointments import services
from solidale.appointments.models import Appointment, OpeningHours, OperatorSchedule
from solidale.appointments.tests.factories import next_weekday, open_office, slot_at
from solidale.desk.models import Office

from .access_matrix_registry import (
    COMUNE_REGISTRY,
    OTHER_REGISTRY,
    PERSON_SECRETS,
    Builder,
    Endpoint,
    Target,
    comune_person,
    public,
    scoped,
)

if TYPE_CHECKING:
    from conftest import Personas

COORDINATOR = frozenset({"coordinator"})
NOTES = "Portare il modello ISEE riservato"


def _booked(personas: Personas) -> tuple[Office, Appointment]:
    office = open_office(personas, weeks=1)
    tuesday = next_weekday(1)
    appointment = services.appointment_book(
        slot=slot_at(office, tuesday, time(9)),
        person=comune_person(personas),
        notes=NOTES,
        actor=personas.desk_operator,
    )
    return office, appointment


def build_appointment(personas: Personas) -> Target:
    office, appointment = _booked(personas)
    free = slot_at(office, next_weekday(1), time(11))
    return Target(
        kwargs={"pk": appointment.pk, "appointment_id": appointment.pk},
        query={"day": next_weekday(1).isoformat()},
        payload={"slot": free.pk, "slot_id": free.pk, "reason": "Disdetto", "status": "no_show"},
        secrets=(*PERSON_SECRETS, NOTES),
    )


def build_office_day(personas: Personas) -> Target:
    office, _appointment = _booked(personas)
    return Target(
        kwargs={"pk": office.pk, "office_id": office.pk},
        query={"day": next_weekday(1).isoformat()},
        secrets=PERSON_SECRETS,
    )


def build_operator_day(personas: Personas) -> Target:
    _booked(personas)
    return Target(
        kwargs={"pk": personas.desk_operator.pk},
        query={"day": next_weekday(1).isoformat()},
        secrets=PERSON_SECRETS,
    )


def build_booking(personas: Personas) -> Target:
    office, appointment = _booked(personas)
    free = slot_at(office, next_weekday(1), time(10))
    return Target(
        payload={
            "slot": free.pk,
            "slot_id": free.pk,
            "person": appointment.person_id,
            "person_id": appointment.person_id,
            "reminder_channel": "none",
        },
        secrets=(*PERSON_SECRETS, NOTES),
    )


def build_office_schedule(personas: Personas) -> Target:
    office = open_office(personas, weeks=1)
    return Target(
        kwargs={"pk": office.pk},
        payload={
            "weekday": 5,
            "start": "09:00",
            "end": "12:00",
            "date": next_weekday(2).isoformat(),
            "reason": "Chiusura straordinaria",
            "operator": personas.desk_operator.pk,
            "slot_minutes": 30,
            "start_date": next_weekday(0).isoformat(),
            "end_date": next_weekday(4).isoformat(),
        },
    )


def build_opening_hours(personas: Personas) -> Target:
    office = open_office(personas, weeks=0)
    return Target(kwargs={"pk": OpeningHours.objects.filter(office=office)[0].pk})


def build_operator_schedule(personas: Personas) -> Target:
    office = open_office(personas, weeks=0)
    return Target(kwargs={"pk": OperatorSchedule.objects.filter(office=office)[0].pk})


def only(build: Builder, *fields: str) -> Builder:
    """The same object, with a payload of just these fields (the API refuses unknown ones)."""

    def builder(personas: Personas) -> Target:
        target = build(personas)
        payload = {name: value for name, value in target.payload.items() if name in fields}
        return replace(target, payload=payload)

    return builder


ANY_REGISTRY = COMUNE_REGISTRY | OTHER_REGISTRY

ENDPOINTS: dict[str, Endpoint] = {
    "appointments:index": scoped(build_appointment, may_open=OTHER_REGISTRY),
    "appointments:book": scoped(build_booking, may_open=OTHER_REGISTRY, methods=("GET", "POST")),
    "appointments:detail": scoped(build_appointment),
    "appointments:move": scoped(build_appointment, methods=("GET", "POST")),
    "appointments:cancel": scoped(build_appointment, methods=("POST",)),
    "appointments:mark": scoped(build_appointment, methods=("POST",)),
    "appointments:day_office": scoped(build_office_day),
    "appointments:day_operator": scoped(build_operator_day),
    "appointments:schedule": scoped(build_office_schedule, sees=COORDINATOR),
    "appointments:opening_hours_add": scoped(
        build_office_schedule, sees=COORDINATOR, methods=("POST",)
    ),
    "appointments:opening_hours_remove": scoped(
        build_opening_hours, sees=COORDINATOR, methods=("POST",)
    ),
    "appointments:closure_add": scoped(build_office_schedule, sees=COORDINATOR, methods=("POST",)),
    "appointments:schedule_add": scoped(build_office_schedule, sees=COORDINATOR, methods=("POST",)),
    "appointments:schedule_remove": scoped(
        build_operator_schedule, sees=COORDINATOR, methods=("POST",)
    ),
    "appointments:slots_generate": scoped(
        build_office_schedule, sees=COORDINATOR, methods=("POST",)
    ),
    "appointments:calendar": scoped(sees=ANY_REGISTRY),
    "appointments:calendar_regenerate": scoped(sees=ANY_REGISTRY, methods=("POST",)),
    "appointments:calendar_revoke": scoped(sees=ANY_REGISTRY, methods=("POST",)),
    "appointments:ical": public(status=404),
    # API
    "GET /api/v1/appointments/offices/{office_id}/slots": scoped(build_office_day, api=True),
    "GET /api/v1/appointments": scoped(build_appointment, may_open=OTHER_REGISTRY, api=True),
    "POST /api/v1/appointments": scoped(
        only(build_booking, "slot_id", "person_id", "reminder_channel"), methods=("POST",), api=True
    ),
    "GET /api/v1/appointments/{appointment_id}": scoped(build_appointment, api=True),
    "POST /api/v1/appointments/{appointment_id}/move": scoped(
        only(build_appointment, "slot_id"), methods=("POST",), api=True
    ),
    "POST /api/v1/appointments/{appointment_id}/cancel": scoped(
        only(build_appointment, "reason"), methods=("POST",), api=True
    ),
    "POST /api/v1/appointments/{appointment_id}/mark": scoped(
        only(build_appointment, "status"), methods=("POST",), api=True
    ),
}
