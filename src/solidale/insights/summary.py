"""The summary tables the dashboards read, rebuilt from the registered indicators and
contacts by the task worker (daily, or when a coordinator asks for a refresh)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from solidale.core import indicators
from solidale.people.models import Person

from .models import DailyFact, LastContact, MonthlyFact, PeriodKind, PeriodReach

BATCH = 5000
Progress = Callable[[int, int], None]


def month_start(day: date) -> date:
    return day.replace(day=1)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_bounds(kind: str, start: date) -> tuple[date, date]:
    """The first and last day of the calendar period of ``kind`` beginning at ``start``."""
    months = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}[PeriodKind(kind)]
    year, month = divmod(start.month - 1 + months, 12)
    return start, date(start.year + year, month + 1, 1) - timedelta(days=1)


def period_starts(day: date) -> list[tuple[str, date]]:
    return [
        (PeriodKind.MONTH, month_start(day)),
        (PeriodKind.QUARTER, quarter_start(day)),
        (PeriodKind.YEAR, date(day.year, 1, 1)),
    ]


def default_range(today: date) -> tuple[date, date]:
    """Whole calendar years, so that yearly counts of people stay exact: the current
    year, and the previous one during the first weeks of January."""
    return date((today - timedelta(days=40)).year, 1, 1), today


def refresh_facts(indicator: indicators.Indicator, start: date, end: date) -> int:
    """Replace the indicator's facts of ``start``…``end``; return how many rows."""
    totals: dict[tuple[date, int | None, int | None, str], int] = defaultdict(int)
    for fact in indicator.facts(start, end):
        if start <= fact.day <= end:
            cell = (fact.day, fact.neighbourhood_id, fact.organization_id, fact.program)
            totals[cell] += fact.value
    rows = [
        DailyFact(
            indicator=indicator.key,
            day=day,
            neighbourhood_id=neighbourhood_id,
            organization_id=organization_id,
            program=program,
            value=value,
        )
        for (day, neighbourhood_id, organization_id, program), value in totals.items()
        if value
    ]
    first, last = month_start(start), period_bounds(PeriodKind.MONTH, month_start(end))[1]
    with transaction.atomic():
        DailyFact.objects.filter(indicator=indicator.key, day__range=(start, end)).delete()
        DailyFact.objects.bulk_create(rows, batch_size=BATCH)
        MonthlyFact.objects.filter(indicator=indicator.key, month__range=(first, last)).delete()
        monthly = (
            DailyFact.objects.filter(indicator=indicator.key, day__range=(first, last))
            .annotate(fact_month=TruncMonth("day"))
            .values("fact_month", "neighbourhood_id", "organization_id", "program")
            .annotate(total=Sum("value"))
        )
        MonthlyFact.objects.bulk_create(
            (
                MonthlyFact(
                    indicator=indicator.key,
                    month=_as_date(row["fact_month"]),
                    neighbourhood_id=row["neighbourhood_id"],
                    organization_id=row["organization_id"],
                    program=row["program"],
                    value=row["total"],
                )
                for row in monthly
            ),
            batch_size=BATCH,
        )
    return len(rows)


def _as_date(value: Any) -> date:
    """TruncMonth of a DateField answers a date on PostgreSQL, a datetime on some drivers."""
    return value.date() if isinstance(value, datetime) else value


def refresh_contacts(start: date, end: date) -> int:
    """Count people reached once per calendar period (network, per organization, per
    neighbourhood) and remember each person's last contact. ``start`` is a 1 January."""
    neighbourhood_of = dict(
        Person.objects.filter(neighbourhood__isnull=False)
        .values_list("pk", "neighbourhood_id")
        .iterator(chunk_size=BATCH)
    )
    reach: dict[tuple[str, date, int | None, int | None], set[int]] = defaultdict(set)
    last: dict[int, tuple[date, int | None, str]] = {}
    for contact in indicators.contacts_between(start, end):
        if not start <= contact.day <= end:
            continue
        person, neighbourhood_id = contact.person_id, neighbourhood_of.get(contact.person_id)
        for kind, period in period_starts(contact.day):
            reach[(kind, period, None, None)].add(person)
            if contact.organization_id is not None:
                reach[(kind, period, None, contact.organization_id)].add(person)
            if neighbourhood_id is not None:
                reach[(kind, period, neighbourhood_id, None)].add(person)
        previous = last.get(person)
        if previous is None or previous[0] < contact.day:
            last[person] = (contact.day, contact.organization_id, contact.kind)
    rows = [
        PeriodReach(
            kind=kind,
            start=period,
            neighbourhood_id=neighbourhood_id,
            organization_id=organization_id,
            people=len(people),
        )
        for (kind, period, neighbourhood_id, organization_id), people in reach.items()
    ]
    with transaction.atomic():
        PeriodReach.objects.filter(start__range=(start, end)).delete()
        PeriodReach.objects.bulk_create(rows, batch_size=BATCH)
        LastContact.objects.bulk_create(
            (
                LastContact(person_id=person, day=day, organization_id=org, kind=kind[:60])
                for person, (day, org, kind) in last.items()
            ),
            batch_size=BATCH,
            update_conflicts=True,
            unique_fields=["person_id"],
            update_fields=["day", "organization_id", "kind"],
        )
    return len(rows)


def refresh_all(start: date, end: date, progress: Progress | None = None) -> None:
    registered = indicators.registered()
    total = len(registered) + 1
    for done, indicator in enumerate(registered):
        refresh_facts(indicator, start, end)
        if progress is not None:
            progress(done + 1, total)
    refresh_contacts(date(start.year, 1, 1), end)
    if progress is not None:
        progress(total, total)


def facts_of(keys: Iterable[str]) -> list[indicators.Indicator]:
    wanted = set(keys)
    return [indicator for indicator in indicators.registered() if indicator.key in wanted]
