"""Reads of food support: stock levels, alerts, figures and reports by source."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from solidale.people.models import HouseholdMember, Sex

from .models import (
    ZERO,
    AgeBand,
    AnonymousDistribution,
    Card,
    CardStatus,
    Distribution,
    Item,
    Lot,
    Movement,
    MovementKind,
    Program,
    Source,
    Warehouse,
)
from .stock import fefo_lots


@dataclass(frozen=True)
class StockLine:
    item: Item
    quantity: Decimal
    next_expiry: date | None
    low: bool


def warehouse_stock(warehouse: Warehouse) -> list[StockLine]:
    """Stock by item, with the nearest expiry and a low-stock flag."""
    today = timezone.localdate()
    rows = (
        Lot.objects.filter(warehouse=warehouse, quantity__gt=0)
        .filter(Q(expiry__isnull=True) | Q(expiry__gte=today))
        .values("item")
        .annotate(total=Sum("quantity"))
    )
    totals = {row["item"]: row["total"] for row in rows}
    items = Item.objects.filter(Q(pk__in=totals) | Q(low_stock_threshold__gt=0, is_active=True))
    lines = []
    for item in items.order_by("name"):
        first = fefo_lots(warehouse, item).values_list("expiry", flat=True).first()
        quantity = totals.get(item.pk, ZERO)
        lines.append(StockLine(item, quantity, first, quantity < item.low_stock_threshold))
    return lines


def low_stock(warehouses: QuerySet[Warehouse]) -> list[tuple[Warehouse, StockLine]]:
    return [
        (warehouse, line)
        for warehouse in warehouses
        for line in warehouse_stock(warehouse)
        if line.low
    ]


def expiring_lots(warehouses: QuerySet[Warehouse], *, days: int = 7) -> QuerySet[Lot]:
    today = timezone.localdate()
    return (
        Lot.objects.filter(
            warehouse__in=warehouses,
            quantity__gt=0,
            expiry__isnull=False,
            expiry__lte=today + timedelta(days=days),
        )
        .select_related("item", "warehouse")
        .order_by("expiry")
    )


def cards_expired_with_needs(*, day: date, within_days: int) -> QuerySet[Card]:
    """Cards expired in the last ``within_days`` and not renewed (renewal keeps the card),
    whose household still collected in the last 60 days of validity: still in need."""
    return (
        Card.objects.filter(
            valid_until__lt=day,
            valid_until__gte=day - timedelta(days=within_days),
            distributions__day__gte=F("valid_until") - timedelta(days=60),
        )
        .exclude(status=CardStatus.CLOSED)
        .distinct()
        .select_related("program")
    )


# --- Figures --------------------------------------------------------------------------------

KG = ExpressionWrapper(-F("quantity") * F("lot__item__unit_weight_kg"), output_field=DecimalField())


@dataclass
class MonthFigures:
    month: date
    distributions: int = 0
    quantity: int = 0
    households: int = 0
    persons: int = 0
    kg: Decimal = ZERO


def _unique_reach(distributions: QuerySet[Distribution]) -> tuple[int, int]:
    """Households and persons reached, each household counted once at its largest size."""
    sizes: dict[int, int] = {}
    for household_id, size in distributions.values_list("household_id", "household_size"):
        sizes[household_id] = max(size, sizes.get(household_id, 0))
    return len(sizes), sum(sizes.values())


def monthly_figures(
    distributions: QuerySet[Distribution], *, months: int = 6
) -> list[MonthFigures]:
    today = timezone.localdate()
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    recent = distributions.filter(period__gte=first)
    figures = {}
    month = first
    while month <= today:
        figures[month] = MonthFigures(month)
        month = (month + timedelta(days=32)).replace(day=1)
    for row in recent.values("period").annotate(n=Count("id"), q=Sum("quantity")):
        figures[row["period"]].distributions = row["n"]
        figures[row["period"]].quantity = row["q"] or 0
    for period, figure in figures.items():
        figure.households, figure.persons = _unique_reach(recent.filter(period=period))
    kg_rows = (
        Movement.objects.filter(distribution__in=recent, kind=MovementKind.DISTRIBUTION)
        .annotate(month=TruncMonth("distribution__day"))
        .values("month")
        .annotate(kg=Sum(KG))
    )
    for row in kg_rows:
        month_key = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        if month_key in figures:
            figures[month_key].kg = row["kg"] or ZERO
    return list(figures.values())


@dataclass(frozen=True)
class Breakdown:
    label: str
    distributions: int
    quantity: int
    households: int
    persons: int


def breakdown(distributions: QuerySet[Distribution], by: str, label: str) -> list[Breakdown]:
    """Figures grouped by a field (``point``, ``program``, ``household__neighbourhood``…)."""
    rows = []
    groups = distributions.values(by, label).annotate(n=Count("id"), q=Sum("quantity"))
    for group in groups.order_by(label):
        households, persons = _unique_reach(distributions.filter(**{by: group[by]}))
        rows.append(
            Breakdown(group[label] or "—", group["n"], group["q"] or 0, households, persons)
        )
    return rows


@dataclass(frozen=True)
class SourceLine:
    source: str
    item: str
    unit: str
    received: Decimal
    given: Decimal
    kg_given: Decimal


def report_by_source(warehouses: QuerySet[Warehouse], start: date, end: date) -> list[SourceLine]:
    """Quantities in (donations, purchases) and out (distributions, issues) by source and item."""
    movements = Movement.objects.filter(
        lot__warehouse__in=warehouses, at__date__gte=start, at__date__lte=end
    )
    received: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    given: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    kg: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    rows = movements.values("lot__source", "lot__item__name", "lot__item__unit", "kind").annotate(
        total=Sum("quantity"), kg=Sum(KG)
    )
    for row in rows:
        key = (row["lot__source"], row["lot__item__name"], row["lot__item__unit"])
        if row["kind"] in (MovementKind.DONATION, MovementKind.PURCHASE):
            received[key] += row["total"]
        elif row["kind"] in (MovementKind.DISTRIBUTION, MovementKind.ISSUE):
            given[key] -= row["total"]
            kg[key] += row["kg"] or ZERO
    labels = dict(Source.choices)
    return [
        SourceLine(
            str(labels.get(key[0], key[0])), key[1], key[2], received[key], given[key], kg[key]
        )
        for key in sorted(set(received) | set(given))
    ]


@dataclass(frozen=True)
class Beneficiaries:
    households: int
    persons: int
    minors: int
    elderly: int
    anonymous: int


def beneficiaries(
    distributions: QuerySet[Distribution],
    anonymous: QuerySet[AnonymousDistribution],
    start: date,
    end: date,
) -> Beneficiaries:
    """Beneficiaries by category, as FSE+ reporting asks: households, persons, minors, 65+."""
    period = distributions.filter(day__gte=start, day__lte=end)
    households, persons = _unique_reach(period)
    members = HouseholdMember.objects.filter(
        household_id__in=period.values("household_id"), end_date__isnull=True
    ).values_list("person__birth_date", flat=True)
    minors = elderly = 0
    for birth in members:
        if birth is None:
            continue
        age = end.year - birth.year - ((end.month, end.day) < (birth.month, birth.day))
        minors += age < 18
        elderly += age >= 65
    served = anonymous.filter(day__gte=start, day__lte=end).aggregate(n=Sum("count"))["n"] or 0
    return Beneficiaries(households, persons, minors, elderly, served)


def anonymous_counts(records: QuerySet[AnonymousDistribution]) -> list[dict[str, Any]]:
    """Totals by kind, age band and sex, with their labels."""
    kinds, bands, sexes = (
        dict(AnonymousDistribution.Kind.choices),
        dict(AgeBand.choices),
        dict(Sex.choices),
    )
    return [
        {
            "kind": kinds.get(row["kind"], row["kind"]),
            "age_band": bands.get(row["age_band"], "") if row["age_band"] else "",
            "sex": sexes.get(row["sex"], "") if row["sex"] else "",
            "total": row["total"],
        }
        for row in records.values("kind", "age_band", "sex")
        .annotate(total=Sum("count"))
        .order_by("kind", "age_band", "sex")
    ]


def program_list_for(programs: QuerySet[Program]) -> QuerySet[Program]:
    return programs.annotate(
        active_cards=Count("cards", filter=Q(cards__status=CardStatus.ACTIVE))
    ).prefetch_related("entitlements")
