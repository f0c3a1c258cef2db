"""Positions in town: which neighbourhood holds a point, and whether it is in town at all.

No GIS library: the boundaries are small GeoJSON polygons, so a ray-casting test and a
haversine distance are enough (and work on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from solidale.core.models import Neighbourhood

#: How far (in degrees) outside the outermost neighbourhood a position still counts as town.
TOWN_MARGIN = 0.01
EARTH_RADIUS_M = 6_371_000


@dataclass(frozen=True)
class Area:
    neighbourhood_id: int
    rings: list[Sequence[Sequence[float]]]
    centroid: tuple[float, float] | None  # (lat, lon)


def _rings(boundary: dict[str, object]) -> list[Sequence[Sequence[float]]]:
    kind = boundary.get("type")
    coordinates: Any = boundary.get("coordinates") or []
    if kind == "Polygon":
        return [coordinates[0]] if coordinates else []
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in coordinates if polygon]
    return []


def areas() -> list[Area]:
    return [
        Area(
            n.pk,
            _rings(n.boundary or {}),
            (n.centroid_lat, n.centroid_lon)
            if n.centroid_lat is not None and n.centroid_lon is not None
            else None,
        )
        for n in Neighbourhood.objects.only("pk", "boundary", "centroid_lat", "centroid_lon")
    ]


def in_ring(lat: float, lon: float, ring: Sequence[Sequence[float]]) -> bool:
    """Ray casting; GeoJSON rings are [lon, lat] pairs."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def town_bounds(all_areas: Iterable[Area]) -> tuple[float, float, float, float] | None:
    """(min lat, min lon, max lat, max lon) of every boundary, widened by the margin."""
    points = [p for area in all_areas for ring in area.rings for p in ring]
    if not points:
        return None
    return (
        min(p[1] for p in points) - TOWN_MARGIN,
        min(p[0] for p in points) - TOWN_MARGIN,
        max(p[1] for p in points) + TOWN_MARGIN,
        max(p[0] for p in points) + TOWN_MARGIN,
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def locate(lat: float, lon: float) -> tuple[bool, int | None]:
    """(in town?, the neighbourhood holding the point — else the nearest centre in town)."""
    all_areas = areas()
    bounds = town_bounds(all_areas)
    if bounds is None:
        return True, None
    min_lat, min_lon, max_lat, max_lon = bounds
    if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
        return False, None
    for area in all_areas:
        if any(in_ring(lat, lon, ring) for ring in area.rings):
            return True, area.neighbourhood_id
    centred = [a for a in all_areas if a.centroid is not None]
    if not centred:
        return True, None
    nearest = min(centred, key=lambda a: distance_m(lat, lon, *a.centroid))  # type: ignore[misc]
    return True, nearest.neighbourhood_id


def degrees_around(lat: float, metres: float) -> tuple[float, float]:
    """The (latitude, longitude) half-widths in degrees of a box ``metres`` around ``lat``."""
    dlat = metres / 111_320
    return dlat, dlat / max(math.cos(math.radians(lat)), 0.01)
