"""Opening hours: a schedule is open at a moment, in Python and as a database filter alike."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from conftest import Personas

from ..models import Schedule, ScheduleFreq, open_schedules_q

# 2026-11-23 is a Monday.
MONDAY = date(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """The moment at ``hour:minute`` (local time of the site), ``day`` days after Monday 23."""
    return timezone.make_aware(datetime.combine(MONDAY + timedelta(days=day), time(hour, minute)))


def weekly(byday: str, opens: time, closes: time, **extra: object) -> Schedule:
    return Schedule(
        freq=ScheduleFreq.WEEKLY, byday=byday, opens_at=opens, closes_at=closes, **extra
    )


def test_it_is_open_inside_the_hours_of_a_listed_day() -> None:
    schedule = weekly("MO,WE", time(9), time(12))
    assert schedule.is_open_at(at(0, 9))
    assert schedule.is_open_at(at(2, 11, 59))


def test_it_is_closed_at_closing_time_and_on_other_days() -> None:
    schedule = weekly("MO,WE", time(9), time(12))
    assert not schedule.is_open_at(at(0, 12))
    assert not schedule.is_open_at(at(0, 8, 59))
    assert not schedule.is_open_at(at(1, 10))


def test_a_night_opening_runs_past_midnight_into_the_next_day() -> None:
    dormitory = weekly("FR", time(20), time(8))
    assert dormitory.is_open_at(at(4, 23, 30))  # Friday night
    assert dormitory.is_open_at(at(5, 7, 59))  # Saturday morning
    assert not dormitory.is_open_at(at(5, 8))
    assert not dormitory.is_open_at(at(5, 21))  # Saturday is not listed
    assert not dormitory.is_open_at(at(4, 7))  # Friday morning belongs to Thursday night


def test_a_sunday_night_opening_ends_on_monday_morning() -> None:
    schedule = weekly("SU", time(22), time(2))
    assert schedule.is_open_at(at(7, 1))  # Monday 30, 01:00
    assert not schedule.is_open_at(at(7, 2))
    assert not schedule.is_open_at(at(1, 1))  # Tuesday 01:00 follows a Monday


def test_a_daily_schedule_is_open_every_day() -> None:
    schedule = Schedule(freq=ScheduleFreq.DAILY, opens_at=time(7), closes_at=time(9))
    assert all(schedule.is_open_at(at(day, 8)) for day in range(7))


def test_it_is_closed_outside_its_validity() -> None:
    schedule = weekly("MO", time(9), time(12), valid_from=date(2026, 12, 1))
    assert not schedule.is_open_at(at(0, 10))
    assert schedule.is_open_at(at(14, 10))
    night = weekly("SU", time(20), time(8), valid_to=date(2026, 11, 29))
    assert night.is_open_at(at(7, 7))  # Monday 30 morning ends the night of the 29th
    assert not night.is_open_at(at(14, 7))


CASES = [
    ("MO,WE", time(9), time(12)),
    ("FR", time(20), time(8)),
    ("SU", time(22), time(2)),
    ("TU,TH,SA", time(0), time(23, 59)),
]
MOMENTS = [
    at(day, hour, minute)
    for day in range(8)
    for hour in (0, 1, 7, 9, 12, 20, 23)
    for minute in (0, 30)
]


@pytest.mark.django_db
def test_the_database_filter_agrees_with_the_python_rule(personas: Personas) -> None:
    from .factories import published_service

    service = published_service(personas.cooperative, actor=personas.association_admin)
    service.schedules.all().delete()
    for byday, opens, closes in CASES:
        Schedule.objects.create(service=service, byday=byday, opens_at=opens, closes_at=closes)
    schedules = list(Schedule.objects.all())
    for moment in MOMENTS:
        expected = {schedule.pk for schedule in schedules if schedule.is_open_at(moment)}
        found = set(Schedule.objects.filter(open_schedules_q(moment)).values_list("pk", flat=True))
        assert found == expected, moment
