"""Appointments at the desks: booked, attended, missed; attendance as a contact."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from django.utils.translation import gettext_lazy as _

from solidale.appointments.models import Appointment, Status
from solidale.core import indicators
from solidale.core.indicators import Contact, Fact

from . import contacts_of, daily_facts, day_bounds

SECTION = _("Appuntamenti")


def _by_status(*statuses: str) -> object:
    def facts(start: date, end: date) -> Iterator[Fact]:
        low, high = day_bounds(start, end)
        queryset = Appointment.objects.filter(slot__start__range=(low, high))
        if statuses:
            queryset = queryset.filter(status__in=statuses)
        return daily_facts(
            queryset,
            day="slot__start",
            neighbourhood="slot__office__neighbourhood_id",
            organization="slot__office__organization_id",
        )

    return facts


def contacts(start: date, end: date) -> Iterable[Contact]:
    low, high = day_bounds(start, end)
    return contacts_of(
        Appointment.objects.filter(
            slot__start__range=(low, high), status=Status.ATTENDED, person__isnull=False
        ),
        person="person_id",
        at="slot__start",
        organization="slot__office__organization_id",
        kind="appointments.attended",
    )


def register() -> None:
    for order, key, label, statuses in (
        (70, "appointments.booked", _("Appuntamenti in agenda"), ()),
        (
            71,
            "appointments.attended",
            _("Appuntamenti con la persona presente"),
            (Status.ATTENDED,),
        ),
        (72, "appointments.no_show", _("Appuntamenti mancati"), (Status.NO_SHOW,)),
    ):
        indicators.register(
            indicators.Indicator(
                key=key,
                label=label,
                unit=_("appuntamenti"),
                section=SECTION,
                facts=_by_status(*statuses),  # type: ignore[arg-type]
                counts_people=True,
                order=order,
            )
        )
    indicators.register_contacts("appointments.attended", contacts)
