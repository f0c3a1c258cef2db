"""What the existing apps (desk, cases, referrals, Tavolo, appointments) contribute to the
cruscotto: indicators, contacts, alert rules and export sources, registered by
``InsightsConfig.ready``. The domain apps register theirs in their own ``ready``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Expression, F, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from solidale.core.indicators import Contact, Fact


def daily_facts(
    queryset: QuerySet[Any],
    *,
    day: str,
    neighbourhood: str | Expression | None,
    organization: str | None,
    value: Any = None,
    is_date: bool = False,
) -> Iterator[Fact]:
    """One :class:`Fact` per (day, neighbourhood, organization) of an aggregated query.

    ``day`` names a DateTimeField (truncated to the local day) or, with ``is_date``, a
    DateField; ``value`` is an aggregate (a count of rows by default).
    """
    annotations: dict[str, Any] = {"fact_day": F(day) if is_date else TruncDate(day)}
    if neighbourhood is not None:
        annotations["fact_nbhd"] = (
            F(neighbourhood) if isinstance(neighbourhood, str) else neighbourhood
        )
    if organization is not None:
        annotations["fact_org"] = F(organization)
    rows = (
        queryset.order_by()
        .annotate(**annotations)
        .values(*annotations)
        .annotate(fact_value=value if value is not None else Count("pk"))
    )
    for row in rows:
        amount = row["fact_value"]
        if not amount:
            continue
        yield Fact(
            day=row["fact_day"],
            value=round(amount),
            neighbourhood_id=row.get("fact_nbhd"),
            organization_id=row.get("fact_org"),
        )


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware datetimes that enclose the local days ``start``…``end`` (end exclusive)."""
    low = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    high = timezone.make_aware(datetime.combine(end, datetime.max.time()))
    return low, high


def contacts_of(
    queryset: QuerySet[Any], *, person: str, at: str, organization: str, kind: str
) -> Iterable[Contact]:
    """Contacts from rows with a person, a datetime and an organization (one per day)."""
    rows = (
        queryset.order_by()
        .annotate(contact_day=TruncDate(at))
        .values_list(person, "contact_day", organization)
        .distinct()
    )
    for person_id, day, organization_id in rows.iterator(chunk_size=5000):
        yield Contact(person_id=person_id, day=day, organization_id=organization_id, kind=kind)
