"""Reads on appointments, always scoped to the user's organization."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from solidale.accounts.models import User
from solidale.desk.models import Office
from solidale.people.models import Person

from .models import Appointment, Slot, Status

#: Statuses that keep a slot's place on the day views (cancelled and moved ones leave it free).
SHOWN_ON_DAY = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time(0)))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0)))


@dataclass(frozen=True)
class DayRow:
    """One slot of a day view and the appointment holding it, if any."""

    slot: Slot
    appointment: Appointment | None
    person_visible: bool

    @property
    def who(self) -> str:
        if self.appointment is None:
            return ""
        if self.appointment.person_id is None:
            return self.appointment.contact_name
        return str(self.appointment.person) if self.person_visible else ""


def _day_rows(user: Any, slots: QuerySet[Slot]) -> list[DayRow]:
    shown = Appointment.objects.filter(status__in=SHOWN_ON_DAY).select_related("person", "need")
    rows = list(
        slots.select_related("operator", "office")
        .prefetch_related(Prefetch("appointments", queryset=shown, to_attr="shown"))
        .order_by("start", "operator__full_name")
    )
    person_ids = {a.person_id for slot in rows for a in slot.shown if a.person_id}
    visible = (
        set(Person.objects.visible_to(user).filter(pk__in=person_ids).values_list("pk", flat=True))
        if person_ids
        else set()
    )
    result = []
    for slot in rows:
        appointment = slot.shown[0] if slot.shown else None
        result.append(
            DayRow(
                slot=slot,
                appointment=appointment,
                person_visible=bool(appointment and appointment.person_id in visible),
            )
        )
    return result


def day_for_office(*, user: Any, office: Office, day: date) -> list[DayRow]:
    start, end = day_bounds(day)
    return _day_rows(user, Slot.objects.filter(office=office, start__gte=start, start__lt=end))


def day_for_operator(
    *, user: Any, operator: User, offices: QuerySet[Office], day: date
) -> list[DayRow]:
    start, end = day_bounds(day)
    return _day_rows(
        user,
        Slot.objects.filter(operator=operator, office__in=offices, start__gte=start, start__lt=end),
    )


def free_slots(
    *, office: Office, day: date | None = None, days: int = 1, limit: int = 200
) -> list[Slot]:
    """Future free slots of an office, from ``day`` (today by default) for ``days`` days."""
    first = day or timezone.localdate()
    start, _end = day_bounds(first)
    _start, end = day_bounds(first + timedelta(days=max(days, 1) - 1))
    return list(
        Slot.objects.free()
        .filter(office=office, start__gte=max(start, timezone.now()), start__lt=end)
        .select_related("operator")
        .order_by("start", "operator__full_name")[:limit]
    )


def appointment_list_upcoming(
    *, appointments: QuerySet[Appointment], limit: int = 50
) -> list[Appointment]:
    return list(
        appointments.filter(status=Status.BOOKED, slot__start__gte=timezone.now())
        .select_related("slot__office", "slot__operator", "person", "need")
        .order_by("slot__start")[:limit]
    )


def appointments_for_feed(operator: User) -> list[Appointment]:
    """The operator's bookings from a month ago on, for the iCal feed."""
    since = timezone.now() - timedelta(days=31)
    return list(
        Appointment.objects.filter(
            slot__operator=operator, slot__start__gte=since, status__in=SHOWN_ON_DAY
        )
        .select_related("slot__office", "person", "need")
        .order_by("slot__start")
    )
