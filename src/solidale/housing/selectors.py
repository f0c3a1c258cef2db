"""Reads of the housing area, always through the scoped querysets of ``permissions``."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import (
    Allocation,
    Appeal,
    Application,
    CaseNote,
    Grant,
    GrantStatus,
    HousingCase,
    HousingCaseQuerySet,
    Placement,
    PlacementNight,
    Ranking,
    RankingEntry,
    TemporaryUnit,
)
from .permissions import (
    grants_visible_to,
    housing_cases_visible_to,
    placements_visible_to,
    units_visible_to,
)

#: The horizons of the eviction alerts, in days.
HORIZONS = (30, 60, 90)


def housing_case_list(
    *, user: Any, status: str = "open", q: str = "", situation: str = ""
) -> HousingCaseQuerySet:
    cases = housing_cases_visible_to(user).with_next_event()
    if status:
        cases = cases.filter(status=status)
    if situation:
        cases = cases.filter(situation=situation)
    if q:
        cases = cases.filter(Q(household__name__icontains=q) | Q(person__family_name__icontains=q))
    return cases.select_related("household", "person", "agency").order_by("next_on", "-opened_at")


def evictions_without_plan(*, user: Any, days: int, today: date | None = None) -> list[HousingCase]:
    """Open cases with a bailiff access in the next ``days`` days and no housing plan."""
    return list(
        housing_cases_visible_to(user)
        .access_within(days, today)
        .filter(plan_agreed_on__isnull=True)
        .with_next_event(today)
        .select_related("household", "responsible")
        .order_by("next_on")
    )


def placements_ending(*, user: Any, days: int, today: date | None = None) -> list[Placement]:
    today = today or timezone.localdate()
    return list(
        placements_visible_to(user)
        .filter(
            closed_on__isnull=True, ends_on__gte=today, ends_on__lte=today + timedelta(days=days)
        )
        .select_related("unit", "household")
        .order_by("ends_on")
    )


def grants_due(*, user: Any, days: int, today: date | None = None) -> list[Grant]:
    today = today or timezone.localdate()
    return list(
        grants_visible_to(user)
        .filter(
            status__in=[GrantStatus.SUBMITTED, GrantStatus.ELIGIBLE],
            deadline__isnull=False,
            deadline__lte=today + timedelta(days=days),
        )
        .select_related("household")
        .order_by("deadline")
    )


def case_timeline(case: HousingCase) -> dict[str, Any]:
    today = timezone.localdate()
    events = list(case.events.select_related("recorded_by"))
    upcoming = [event for event in events if event.on >= today and not event.outcome]
    return {
        "events": events,
        "next_event": upcoming[0] if upcoming else None,
        "pending_accesses": [
            event
            for event in events
            if event.kind == "access" and not event.outcome and event.on <= today
        ][:1],
        "notes": list(CaseNote.objects.filter(case=case).select_related("author", "organization")),
        "placements": list(case.placements.select_related("unit")),
        "grants": list(case.grants.all()),
        "applications": list(
            Application.objects.filter(household_id=case.household_id).select_related("call")
        ),
    }


def application_detail(application: Application) -> dict[str, Any]:
    return {
        "conditions": list(application.conditions.all()),
        "appeals": list(Appeal.objects.filter(application=application)),
        "allocations": list(
            Allocation.objects.filter(application=application).select_related("offer")
        ),
        "entries": list(
            RankingEntry.objects.filter(application=application).select_related("ranking")
        ),
    }


def ranking_rows(ranking: Ranking, *, limit: int | None = None) -> QuerySet[RankingEntry]:
    entries = ranking.entries.select_related("application").order_by("excluded", "position", "pk")
    return entries[:limit] if limit else entries


def ranking_counts(ranking: Ranking) -> dict[str, int]:
    return ranking.entries.aggregate(
        ranked=Count("pk", filter=Q(excluded=False)), excluded=Count("pk", filter=Q(excluded=True))
    )


@dataclass(frozen=True)
class OccupancyRow:
    unit: TemporaryUnit
    cells: list[str]  # per day: "" free, or the placement's short label
    occupied: int
    rate: int  # percent of the month's nights


def occupancy_month(*, user: Any, year: int, month: int) -> tuple[list[date], list[OccupancyRow]]:
    """Each unit's nights in a month: who holds it, and the occupancy rate."""
    days = [date(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)]
    units = list(units_visible_to(user).filter(active=True))
    taken: dict[tuple[int, date], str] = {}
    nights = PlacementNight.objects.filter(
        unit__in=units, night__gte=days[0], night__lte=days[-1]
    ).values_list("unit_id", "night", "placement_id")
    for unit_id, night, placement_id in nights:
        taken[(unit_id, night)] = f"#{placement_id}"
    rows = []
    for unit in units:
        cells = [taken.get((unit.pk, day), "") for day in days]
        occupied = sum(1 for cell in cells if cell)
        rows.append(OccupancyRow(unit, cells, occupied, round(100 * occupied / len(days))))
    return days, rows


def unit_list(*, user: Any) -> list[TemporaryUnit]:
    today = timezone.localdate()
    current = Placement.objects.filter(
        closed_on__isnull=True, starts_on__lte=today, ends_on__gt=today
    ).select_related("household")
    return list(
        units_visible_to(user).prefetch_related(
            Prefetch("placements", queryset=current, to_attr="current")
        )
    )
