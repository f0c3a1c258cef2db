"""Offices with opening hours, schedules and slots, built through the services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from solidale.desk.models import Office
from solidale.desk.services import office_create
from solidale.desk.workdays import italian_holidays
from solidale.people.services import person_create

from .. import services
from ..models import Slot

WORKDAYS = range(5)


def next_weekday(weekday: int = 0, *, after: date | None = None) -> date:
    """The first ``weekday`` strictly after ``after`` (today by default) that is no holiday."""
    day = (after or timezone.localdate()) + timedelta(days=1)
    while day.weekday() != weekday or day in italian_holidays(day.year):
        day += timedelta(days=1)
    return day


def next_weekday_holiday() -> date:
    """The next national public holiday falling from Monday to Friday."""
    today = timezone.localdate()
    return min(
        day
        for year in (today.year, today.year + 1)
        for day in italian_holidays(year)
        if day > today and day.weekday() < 5
    )


def open_office(
    personas: Any,
    *,
    name: str = "Sportello Centro",
    weekdays: range | list[int] = WORKDAYS,
    operator: Any = None,
    opens: time = time(9),
    closes: time = time(13),
    slot_minutes: int = 30,
    weeks: int = 2,
) -> Office:
    """A Comune office open on ``weekdays`` with one operator's schedule and generated slots."""
    office = office_create(
        actor=personas.coordinator,
        organization=personas.comune,
        name=name,
        address="Via Porta Fabbrica 1",
    )
    operator = operator or personas.desk_operator
    for weekday in weekdays:
        services.opening_hours_add(
            office=office, weekday=weekday, start=opens, end=closes, actor=personas.coordinator
        )
        services.operator_schedule_add(
            office=office,
            operator=operator,
            weekday=weekday,
            start=opens,
            end=closes,
            slot_minutes=slot_minutes,
            actor=personas.coordinator,
        )
    today = timezone.localdate()
    services.slots_generate(
        office=office,
        start_date=today,
        end_date=today + timedelta(weeks=weeks),
        actor=personas.coordinator,
    )
    return office


def slot_at(office: Office, day: date, at: time) -> Slot:
    return Slot.objects.get(office=office, start=timezone.make_aware(datetime.combine(day, at)))


def comune_person(
    personas: Any, *, given: str = "Giuseppina", family: str = "Bernardini", **data: Any
) -> Any:
    return person_create(
        actor=personas.desk_operator,
        data={"given_name": given, "family_name": family, "is_identified": True, **data},
    )
