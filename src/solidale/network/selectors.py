"""Reads of the network: the public directory search, stale entries, expiring agreements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from solidale.accounts.models import Organization, Role
from solidale.core.models import Neighbourhood

from .models import (
    Agreement,
    Capacity,
    Schedule,
    Service,
    ServiceAtLocation,
    open_schedules_q,
)
from .permissions import is_comune_coordinator

#: Languages a directory visitor may filter by (ISO 639-1), with their Italian names.
LANGUAGE_NAMES: dict[str, str] = {
    "it": "italiano",
    "en": "inglese",
    "fr": "francese",
    "es": "spagnolo",
    "ar": "arabo",
    "ro": "romeno",
    "sq": "albanese",
    "uk": "ucraino",
    "ru": "russo",
    "zh": "cinese",
    "ur": "urdu",
    "bn": "bengalese",
    "wo": "wolof",
    "pt": "portoghese",
}


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    need: str = ""
    neighbourhood: str = ""
    language: str = ""
    open_now: bool = False


def directory_services(
    filters: DirectoryFilters, *, now: datetime | None = None
) -> QuerySet[Service]:
    """The listed services matching ``filters``: each filter is one indexed condition or
    one ``EXISTS``, so no row is repeated and nothing needs ``DISTINCT``."""
    services = Service.objects.listed()
    query = filters.q.strip()
    if query:
        services = services.filter(
            Q(name__icontains=query)
            | Q(description__icontains=query)
            | Q(organization__name__icontains=query)
        )
    if filters.need:
        services = services.filter(
            Exists(
                Service.need_categories.through.objects.filter(
                    service_id=OuterRef("pk"), needcategory__code=filters.need
                )
            )
        )
    if filters.neighbourhood:
        services = services.filter(
            Exists(
                ServiceAtLocation.objects.filter(
                    service_id=OuterRef("pk"), location__neighbourhood__slug=filters.neighbourhood
                )
            )
        )
    if filters.language:
        services = services.filter(languages__icontains=filters.language)
    if filters.open_now:
        services = services.filter(
            Exists(
                Schedule.objects.filter(service_id=OuterRef("pk")).filter(
                    open_schedules_q(now or timezone.now())
                )
            )
        )
    return services.order_by("name", "pk")


def with_directory_details(services: QuerySet[Service]) -> QuerySet[Service]:
    """What a directory entry shows, fetched in a fixed number of queries."""
    return services.select_related("organization", "program").prefetch_related(
        "need_categories",
        Prefetch("capacities", queryset=Capacity.objects.order_by("kind")),
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__neighbourhood").order_by(
                "location__name", "pk"
            ),
        ),
        Prefetch("schedules", queryset=Schedule.objects.order_by("opens_at", "pk")),
    )


def directory_page(
    filters: DirectoryFilters, *, page: int, page_size: int, now: datetime | None = None
) -> tuple[list[Service], int]:
    services = directory_services(filters, now=now)
    total = services.count()
    start = (page - 1) * page_size
    return list(with_directory_details(services)[start : start + page_size]), total


def directory_map_data(services: list[Service]) -> dict[str, Any]:
    """The map's data (for a ``json_script`` tag): every neighbourhood boundary and one
    marker per located place of the listed services. Never personal data."""
    neighbourhoods = [
        {"name": item.name, "slug": item.slug, "boundary": item.boundary}
        for item in Neighbourhood.objects.exclude(boundary={}).order_by("name")
    ]
    markers = []
    for service in services:
        for link in service.service_at_locations.all():
            location = link.location
            if location.latitude is None or location.longitude is None:
                continue
            markers.append(
                {
                    "lat": location.latitude,
                    "lon": location.longitude,
                    "title": service.name,
                    "place": location.name,
                    "url": reverse("network:directory_service", args=[service.pk]),
                }
            )
    return {"neighbourhoods": neighbourhoods, "markers": markers}


def service_is_open_at(service: Service, moment: datetime) -> bool:
    """Uses the prefetched schedules of ``service``."""
    return any(schedule.is_open_at(moment) for schedule in service.schedules.all())


def stale_services(user: Any, *, now: datetime | None = None) -> QuerySet[Service]:
    """The user's organization's directory entries nobody confirmed for too long."""
    membership = getattr(user, "membership", None)
    if membership is None or membership.role not in {Role.ORG_ADMIN, Role.COORDINATOR}:
        return Service.objects.none()
    return (
        Service.objects.stale(settings.SOLIDALE_NETWORK_STALE_DAYS, now=now)
        .filter(organization_id=membership.organization_id)
        .order_by("last_confirmed_at", "name")
    )


def agreements_expiring_for(user: Any) -> QuerySet[Agreement]:
    """Agreements expiring soon: all of them for the Comune's coordinators, the
    organization's own for its administrators."""
    days = settings.SOLIDALE_NETWORK_AGREEMENT_ALERT_DAYS
    agreements = Agreement.objects.expiring_within(days).select_related("organization")
    if is_comune_coordinator(user):
        return agreements.order_by("valid_to", "pk")
    membership = getattr(user, "membership", None)
    if membership is None or membership.role != Role.ORG_ADMIN:
        return Agreement.objects.none()
    return agreements.filter(organization_id=membership.organization_id).order_by("valid_to", "pk")


def organization_list(query: str = "") -> QuerySet[Organization]:
    organizations = Organization.objects.filter(is_active=True).select_related(
        "profile", "neighbourhood"
    )
    if query.strip():
        organizations = organizations.filter(name__icontains=query.strip())
    return organizations.order_by("name")
