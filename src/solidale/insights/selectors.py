"""What the dashboards, the report and the open data read: only the summary tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from solidale.accounts.models import Organization
from solidale.core import indicators
from solidale.core.errors import DomainError
from solidale.core.models import Neighbourhood

from .models import AlertItem, AlertStatus, DailyFact, MonthlyFact, PeriodKind, PeriodReach
from .summary import month_start, period_bounds, quarter_start

#: Counts of people under this threshold never leave the staff pages unsuppressed.
SMALL_CELL = 5

#: The indicators that answer the service manager's headline questions.
HEADLINE = (
    "desk.accesses",
    "desk.online_requests",
    "cases.opened",
    "cases.closed",
    "referrals.received",
    "referrals.completed",
)


@dataclass(frozen=True)
class Filters:
    kind: str
    start: date
    end: date
    previous_start: date
    previous_end: date
    neighbourhood_id: int | None = None
    organization_id: int | None = None
    program: str = ""  # a registered program's key (``Fact.program``)

    def as_query(self) -> dict[str, str]:
        query = {"period": self.kind, "month": self.start.strftime("%Y-%m")}
        if self.neighbourhood_id:
            query["neighbourhood"] = str(self.neighbourhood_id)
        if self.organization_id:
            query["organization"] = str(self.organization_id)
        if self.program:
            query["program"] = self.program
        return query


def period_start(kind: str, day: date) -> date:
    if kind == PeriodKind.YEAR:
        return date(day.year, 1, 1)
    if kind == PeriodKind.QUARTER:
        return quarter_start(day)
    return month_start(day)


def previous_period_start(kind: str, start: date) -> date:
    return period_start(kind, start - timedelta(days=1))


def programs_for(organization_id: int | None) -> list[indicators.Program]:
    """The registered programs, only the organization's when one is chosen or forced."""
    return [
        program
        for program in indicators.programs()
        if organization_id is None or program.organization_id == organization_id
    ]


def filters_from(
    params: Any,
    *,
    today: date,
    organization_id: int | None = None,
    neighbourhood_id: int | None = None,
) -> Filters:
    """Read ``period`` (month, quarter, year), ``month`` (YYYY-MM), ``neighbourhood``,
    ``organization`` and ``program``; a forced organization or neighbourhood overrides
    the query, and the program must be one of the (chosen) organization's."""
    kind = params.get("period") or PeriodKind.MONTH
    if kind not in PeriodKind.values:
        raise DomainError(_("Periodo non valido."), field="period")
    raw_month = params.get("month") or today.strftime("%Y-%m")
    try:
        anchor = date.fromisoformat(f"{raw_month}-01")
    except ValueError:
        raise DomainError(_("Mese non valido (usa AAAA-MM)."), field="month") from None
    if anchor > today:
        raise DomainError(_("Il periodo scelto è nel futuro."), field="month")
    start = period_start(kind, anchor)
    _start, end = period_bounds(kind, start)
    previous_start = previous_period_start(kind, start)
    _previous, previous_end = period_bounds(kind, previous_start)

    def _id(name: str) -> int | None:
        value = params.get(name)
        if not value:
            return None
        if not str(value).isdigit():
            raise DomainError(_("Valore non valido."), field=name)
        return int(value)

    organization_id = organization_id or _id("organization")
    program = str(params.get("program") or "")
    if program and program not in {p.key for p in programs_for(organization_id)}:
        raise DomainError(_("Programma non valido per l'organizzazione scelta."), field="program")
    return Filters(
        kind=kind,
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        neighbourhood_id=neighbourhood_id or _id("neighbourhood"),
        organization_id=organization_id,
        program=program,
    )


def _scoped(filters: Filters, queryset: QuerySet[Any]) -> QuerySet[Any]:
    if filters.neighbourhood_id:
        queryset = queryset.filter(neighbourhood_id=filters.neighbourhood_id)
    if filters.organization_id:
        queryset = queryset.filter(organization_id=filters.organization_id)
    if filters.program:
        queryset = queryset.filter(program=filters.program)
    return queryset


def _facts(filters: Filters, start: date, end: date) -> QuerySet[MonthlyFact]:
    """The monthly rows of the whole months ``start``…``end`` (periods are calendar months,
    quarters or years, so they never cut a month)."""
    return _scoped(filters, MonthlyFact.objects.filter(month__range=(start, end)))


def totals(filters: Filters, *, previous: bool = False) -> dict[str, int]:
    start, end = (
        (filters.previous_start, filters.previous_end) if previous else (filters.start, filters.end)
    )
    rows = _facts(filters, start, end).values("indicator").annotate(total=Sum("value"))
    return {row["indicator"]: row["total"] for row in rows}


@dataclass
class Figure:
    key: str
    label: str
    unit: str
    value: int
    previous: int
    counts_people: bool
    suppressed: bool = False

    @property
    def display(self) -> str:
        return f"<{SMALL_CELL}" if self.suppressed else f"{self.value:n}"

    @property
    def change(self) -> str:
        if self.suppressed:
            return "—"
        if not self.previous:
            return "—" if not self.value else _("nuovo")
        percent = round(100 * (self.value - self.previous) / self.previous)
        return f"{percent:+d}%"


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)


def is_small(value: int, counts_people: bool) -> bool:
    return counts_people and 0 < value < SMALL_CELL


def applicable(filters: Filters) -> list[indicators.Indicator]:
    """The indicators that answer for the filters: with a program chosen, only those whose
    facts name their program (the others are not counted per program, so a zero would lie)."""
    return [
        indicator
        for indicator in indicators.registered()
        if indicator.by_program or not filters.program
    ]


def sections(filters: Filters, *, suppress: bool) -> list[Section]:
    """Every applicable indicator, grouped by its section, with the previous period."""
    current, before = totals(filters), totals(filters, previous=True)
    grouped: dict[str, Section] = {}
    for indicator in applicable(filters):
        title = str(indicator.section)
        section = grouped.setdefault(title, Section(title))
        value = current.get(indicator.key, 0)
        section.figures.append(
            Figure(
                key=indicator.key,
                label=str(indicator.label),
                unit=str(indicator.unit),
                value=value,
                previous=before.get(indicator.key, 0),
                counts_people=indicator.counts_people,
                suppressed=suppress and is_small(value, indicator.counts_people),
            )
        )
    return list(grouped.values())


def people_reached(filters: Filters) -> tuple[int | None, int | None]:
    """Unique people reached in the period and in the previous one (None when the
    combination of filters has no precomputed count, e.g. per program)."""
    if filters.program or (filters.neighbourhood_id and filters.organization_id):
        return None, None

    def one(start: date) -> int:
        row = PeriodReach.objects.filter(
            kind=filters.kind,
            start=start,
            neighbourhood_id=filters.neighbourhood_id,
            organization_id=filters.organization_id,
        ).first()
        return row.people if row else 0

    return one(filters.start), one(filters.previous_start)


def average(total: int, count: int) -> float | None:
    return round(total / count, 1) if count else None


def series(filters: Filters, keys: list[str]) -> tuple[list[date], dict[str, list[int]]]:
    """Values per day (a month) or per month (a quarter or a year) of each indicator."""
    if filters.kind == PeriodKind.MONTH:
        steps = [
            filters.start + timedelta(days=offset)
            for offset in range((filters.end - filters.start).days + 1)
        ]
        daily = DailyFact.objects.filter(
            day__range=(filters.start, filters.end), indicator__in=keys
        )
        rows = _scoped(filters, daily).values("indicator", "day").annotate(total=Sum("value"))
        values = {(row["indicator"], row["day"]): row["total"] for row in rows}
    else:
        steps = []
        cursor = filters.start
        while cursor <= filters.end:
            steps.append(cursor)
            cursor = period_bounds(PeriodKind.MONTH, cursor)[1] + timedelta(days=1)
        monthly = _facts(filters, filters.start, filters.end).filter(indicator__in=keys)
        rows = monthly.values("indicator", "month").annotate(total=Sum("value"))
        values = {(row["indicator"], row["month"]): row["total"] for row in rows}
    return steps, {key: [values.get((key, step), 0) for step in steps] for key in keys}


def by_neighbourhood(filters: Filters, key: str) -> list[tuple[Neighbourhood, int]]:
    rows = (
        _facts(filters, filters.start, filters.end)
        .filter(indicator=key, neighbourhood_id__isnull=False)
        .values("neighbourhood_id")
        .annotate(total=Sum("value"))
    )
    values = {row["neighbourhood_id"]: row["total"] for row in rows}
    return [(area, values.get(area.pk, 0)) for area in Neighbourhood.objects.all()]


def by_organization(filters: Filters, keys: list[str]) -> list[tuple[Organization, dict[str, int]]]:
    rows = (
        _facts(filters, filters.start, filters.end)
        .filter(indicator__in=keys, organization_id__isnull=False)
        .values("organization_id", "indicator")
        .annotate(total=Sum("value"))
    )
    table: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        table[row["organization_id"]][row["indicator"]] = row["total"]
    organizations = Organization.objects.filter(pk__in=table).order_by("name")
    return [(organization, table[organization.pk]) for organization in organizations]


@dataclass(frozen=True)
class ReferralRow:
    organization: Organization
    received: int
    accepted: int
    declined: int
    completed: int
    hours_to_accept: float | None
    hours_to_complete: float | None


def referral_rows(filters: Filters) -> list[ReferralRow]:
    keys = [
        "referrals.received",
        "referrals.accepted",
        "referrals.declined",
        "referrals.completed",
        "referrals.hours_to_accept",
        "referrals.hours_to_complete",
    ]
    return [
        ReferralRow(
            organization=organization,
            received=values.get(keys[0], 0),
            accepted=values.get(keys[1], 0),
            declined=values.get(keys[2], 0),
            completed=values.get(keys[3], 0),
            hours_to_accept=average(values.get(keys[4], 0), values.get(keys[1], 0)),
            hours_to_complete=average(values.get(keys[5], 0), values.get(keys[3], 0)),
        )
        for organization, values in by_organization(filters, keys)
    ]


@dataclass(frozen=True)
class RuleStats:
    raised: int
    closed: int
    open: int


def rule_stats() -> dict[str, RuleStats]:
    """Items raised, closed and still open per rule."""
    rows = AlertItem.objects.values("rule_key").annotate(
        raised=Count("pk"),
        closed=Count("pk", filter=Q(status=AlertStatus.CLOSED)),
        still_open=Count("pk", filter=Q(status=AlertStatus.OPEN)),
    )
    return {
        row["rule_key"]: RuleStats(row["raised"], row["closed"], row["still_open"]) for row in rows
    }
