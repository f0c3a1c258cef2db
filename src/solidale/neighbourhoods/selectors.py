"""Reads of the neighbourhoods app: public profiles and maps, staff indicators, queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from solidale.core import indicators
from solidale.core.models import Neighbourhood
from solidale.network.models import Location, Service

from .models import OPEN_STATUSES, ParticipationEvent, Presidio, Report, ReportStatus
from .permissions import reports_visible_to

#: Counts below this are shown as "< 5" (small-cell suppression).
SMALL_CELL = 5
PUBLIC_MAP_LIMIT = 300


def suppressed(value: int) -> str:
    return f"< {SMALL_CELL}" if value < SMALL_CELL else str(value)


def neighbourhood_geojson(
    neighbourhoods: QuerySet[Neighbourhood] | list[Neighbourhood],
) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": n.pk,
                "properties": {
                    "name": n.name,
                    "slug": n.slug,
                    "url": reverse("neighbourhoods:neighbourhood_detail", args=[n.slug]),
                },
                "geometry": n.boundary or None,
            }
            for n in neighbourhoods
        ],
    }


def report_marker(report: Report) -> dict[str, Any]:
    return {
        "lat": report.latitude,
        "lon": report.longitude,
        "title": f"{report.category.name} — {report.get_status_display()}",
        "place": report.address or (report.neighbourhood.name if report.neighbourhood else ""),
        "url": reverse("neighbourhoods:report_public_detail", args=[report.pk]),
    }


def public_markers(reports: QuerySet[Report], *, limit: int) -> list[dict[str, Any]]:
    """Map markers straight from the columns they need (the public map's hot path)."""
    link = reverse("neighbourhoods:report_public_detail", args=[0]).replace("/0/", "/{}/")
    labels = dict(ReportStatus.choices)
    rows = reports.exclude(latitude=None).values_list(
        "pk", "latitude", "longitude", "address", "status", "category__name", "neighbourhood__name"
    )[:limit]
    return [
        {
            "lat": lat,
            "lon": lon,
            "title": f"{category} — {labels.get(status, status)}",
            "place": address or area or "",
            "url": link.format(pk),
        }
        for pk, lat, lon, address, status, category, area in rows
    ]


def map_data(
    *,
    neighbourhoods: list[Neighbourhood],
    reports: list[Report],
    places: list[dict[str, Any]] = (),  # type: ignore[assignment]
    markers: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> dict[str, Any]:
    markers = [*markers, *(report_marker(r) for r in reports if r.latitude is not None)]
    return {
        "neighbourhoods": [
            {
                "name": n.name,
                "boundary": n.boundary,
                "url": reverse("neighbourhoods:neighbourhood_detail", args=[n.slug]),
            }
            for n in neighbourhoods
            if n.boundary
        ],
        "markers": markers + list(places),
    }


@dataclass(frozen=True)
class Page:
    """One page of a long list, without counting the whole list (COUNT(*) over 100,000
    reports costs more than the page itself): one row more than the page tells if another
    page follows."""

    object_list: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_of(queryset: QuerySet[Any], raw_number: str | None, *, size: int) -> Page:
    try:
        number = max(1, min(int(raw_number or 1), 10_000))
    except ValueError:
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Page(rows[:size], number, len(rows) > size)


@dataclass(frozen=True)
class PublicFilters:
    status: str = ""
    category: str = ""
    neighbourhood: str = ""


def public_reports(filters: PublicFilters) -> QuerySet[Report]:
    reports = Report.objects.public().filter(duplicate_of__isnull=True)
    if filters.status == "open":
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif filters.status in ReportStatus.values:
        reports = reports.filter(status=filters.status)
    if filters.category:
        reports = reports.filter(category__code=filters.category)
    if filters.neighbourhood:
        reports = reports.filter(neighbourhood__slug=filters.neighbourhood)
    return reports.select_related("category", "neighbourhood").defer(
        "photo", "description", "contact_email", "contact_phone", "token"
    )


def services_nearby(neighbourhood: Neighbourhood) -> list[dict[str, Any]]:
    """Active services with a location in the neighbourhood (the public directory's data)."""
    locations = (
        Location.objects.filter(neighbourhood=neighbourhood)
        .prefetch_related("service_at_locations__service__organization")
        .order_by("name")
    )
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for location in locations:
        for link in location.service_at_locations.all():
            service: Service = link.service
            if service.pk in seen or service.status != "active":
                continue
            seen.add(service.pk)
            rows.append(
                {
                    "service": service,
                    "location": location,
                    "url": reverse("network:directory_service", args=[service.pk]),
                }
            )
    return rows


def service_markers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "lat": row["location"].latitude,
            "lon": row["location"].longitude,
            "title": row["service"].name,
            "place": row["location"].address or row["location"].name,
            "url": row["url"],
        }
        for row in rows
        if row["location"].latitude is not None and row["location"].longitude is not None
    ]


def upcoming_events(neighbourhood: Neighbourhood | None = None) -> QuerySet[ParticipationEvent]:
    events = ParticipationEvent.objects.filter(starts_at__gte=timezone.now()).order_by("starts_at")
    if neighbourhood is not None:
        events = events.filter(neighbourhood=neighbourhood)
    return events.select_related("neighbourhood", "organization")


def active_presidi(neighbourhood: Neighbourhood) -> QuerySet[Presidio]:
    return Presidio.objects.filter(neighbourhood=neighbourhood, is_active=True).select_related(
        "organization"
    )


@dataclass(frozen=True)
class IndicatorRow:
    key: str
    label: str
    section: str
    unit: str
    value: str


def staff_indicators(neighbourhood: Neighbourhood, *, days: int = 365) -> list[IndicatorRow]:
    """Every registered indicator summed for this neighbourhood, small cells suppressed."""
    end = timezone.localdate()
    start = end - timedelta(days=days - 1)
    rows = []
    for indicator in indicators.registered():
        total = sum(
            fact.value
            for fact in indicator.facts(start, end)
            if fact.neighbourhood_id == neighbourhood.pk
        )
        rows.append(
            IndicatorRow(
                indicator.key,
                str(indicator.label),
                str(indicator.section),
                str(indicator.unit),
                suppressed(total),
            )
        )
    return rows


@dataclass(frozen=True)
class QueueFilters:
    status: str = ""
    category: str = ""
    sensitive: str = ""  # "1" only sensitive, "0" only public


def reports_filtered(reports: QuerySet[Report], filters: QueueFilters) -> QuerySet[Report]:
    if filters.status == "open":
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif filters.status in ReportStatus.values:
        reports = reports.filter(status=filters.status)
    if filters.category:
        reports = reports.filter(category__code=filters.category)
    if filters.sensitive in ("0", "1"):
        reports = reports.filter(is_sensitive=filters.sensitive == "1")
    return (
        reports.select_related("category", "neighbourhood", "assigned_to")
        .annotate(duplicate_count=Count("duplicates"))
        .order_by("-created_at", "-pk")
        .defer("photo")
    )


def reports_by_day(start: date, end: date) -> list[indicators.Fact]:
    rows = (
        Report.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
        .values("created_at__date", "neighbourhood_id", "organization_id")
        .annotate(n=Count("pk"))
    )
    return [
        indicators.Fact(r["created_at__date"], r["n"], r["neighbourhood_id"], r["organization_id"])
        for r in rows
    ]


def sensitive_waiting(*, older_than_hours: int) -> QuerySet[Report]:
    limit = timezone.now() - timedelta(hours=older_than_hours)
    return Report.objects.filter(
        is_sensitive=True, status=ReportStatus.RECEIVED, created_at__lte=limit
    ).filter(Q(access__isnull=True))


def moderation_queue(user: Any) -> QuerySet[Report]:
    """Public reports of the user's scope waiting for a moderator, oldest first."""
    return (
        reports_visible_to(user)
        .filter(is_sensitive=False, is_published=False)
        .select_related("category", "neighbourhood")
        .defer("photo")
        .order_by("created_at", "pk")
    )


def moderation_counts(waiting: QuerySet[Report]) -> dict[str, int]:
    """How many wait, and how many of them were held for personal data in the text."""
    return waiting.aggregate(
        total=Count("pk"),
        personal_data=Count("pk", filter=~Q(moderation_note="")),
        with_photo=Count("pk", filter=Q(photo__isnull=False)),
    )
