"""Directory objects built through the services, for the network tests."""

from __future__ import annotations

from datetime import time
from typing import Any

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood

from ..models import Capacity, CapacityKind, Location, NeedCategory, Service
from ..services import (
    capacity_create,
    location_create,
    schedule_add,
    service_create,
    service_location_add,
)


def neighbourhood(name: str = "Centro", lat: float = 44.035, lon: float = 10.141) -> Neighbourhood:
    ring = [
        [lon - 0.01, lat - 0.01],
        [lon + 0.01, lat - 0.01],
        [lon + 0.01, lat + 0.01],
        [lon - 0.01, lat + 0.01],
        [lon - 0.01, lat - 0.01],
    ]
    item, _ = Neighbourhood.objects.get_or_create(
        slug=name.lower().replace(" ", "-"),
        defaults={
            "name": name,
            "boundary": {"type": "Polygon", "coordinates": [ring]},
            "centroid_lat": lat,
            "centroid_lon": lon,
        },
    )
    return item


def published_service(
    organization: Organization,
    *,
    name: str = "Mensa solidale",
    needs: tuple[str, ...] = ("food",),
    place: Neighbourhood | None = None,
    languages: str = "it",
    actor: Any = None,
    **data: Any,
) -> Service:
    """A service with one place (in ``place``) and a Monday-to-Friday 12-14 schedule."""
    service = service_create(
        organization=organization,
        data={"name": name, "description": f"{name}: descrizione", "languages": languages, **data},
        need_categories=NeedCategory.objects.filter(code__in=needs),
        actor=actor,
    )
    place = place or neighbourhood()
    location = location_create(
        organization=organization,
        data={
            "name": f"Sede {name}",
            "address": "Via Cavour 52",
            "neighbourhood": place,
            "latitude": place.centroid_lat,
            "longitude": place.centroid_lon,
        },
        actor=actor,
    )
    service_location_add(service=service, location=location, actor=actor)
    schedule_add(
        service=service, byday="MO,TU,WE,TH,FR", opens_at=time(12), closes_at=time(14), actor=actor
    )
    return service


def beds(service: Service, *, total: int = 10, available: int = 5) -> Capacity:
    return capacity_create(
        service=service, kind=CapacityKind.BEDS, total=total, available=available, actor=None
    )


def first_location(service: Service) -> Location:
    return Location.objects.filter(service_at_locations__service=service).get()
