"""Reads of the cold emergency, always scoped to what the user may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from solidale.referrals.charts import BarChart, bar_chart

from .models import (
    HOLDING,
    Activation,
    ActivationStatus,
    Answer,
    Bed,
    BedRequest,
    BedRequestStatus,
    Encounter,
    EncounterGood,
    Facility,
    FacilityKind,
    Forecast,
    Stay,
)
from .permissions import encounters_visible_to, facilities_visible_to, sees_names
from .services import activation_for


@dataclass
class BoardFacility:
    facility: Facility
    beds: list[tuple[Bed, Stay | None]] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(1 for _bed, stay in self.beds if stay is None)

    @property
    def taken(self) -> int:
        return len(self.beds) - self.free


def usable_beds(facilities: Any, activation: Activation | None) -> Any:
    """The beds that can take someone on a night with (or without) this activation."""
    beds = Bed.objects.filter(facility__in=facilities, facility__is_open=True, is_active=True)
    if activation is None:
        return beds.filter(surge_only=False, facility__kind=FacilityKind.NIGHT_SHELTER)
    if not activation.opens_surge_beds:
        return beds.filter(surge_only=False)
    return beds


def bed_board(*, user: Any, night: date) -> list[BoardFacility]:
    """Every usable bed of every open facility the user sees, free or taken, for a night."""
    activation = activation_for(night)
    beds = usable_beds(facilities_visible_to(user), activation).select_related("facility")
    stays = {
        stay.bed_id: stay
        for stay in Stay.objects.filter(
            night=night, status__in=HOLDING, bed__in=beds
        ).select_related("person")
    }
    board: dict[int, BoardFacility] = {}
    for bed in beds.order_by("facility__name", "label"):
        entry = board.setdefault(bed.facility_id, BoardFacility(bed.facility))
        entry.beds.append((bed, stays.get(bed.pk)))
    return list(board.values())


def waiting_list(*, user: Any, night: date) -> list[BedRequest]:
    """The night's requests, for whoever runs a bed board."""
    if not facilities_visible_to(user).exists():
        return []
    return list(
        BedRequest.objects.filter(night=night, status=BedRequestStatus.WAITING)
        .select_related("person", "organization", "encounter__round")
        .order_by("created_at")
    )


@dataclass(frozen=True)
class FacilityLine:
    name: str
    available: int
    occupied: int


@dataclass
class SituationReport:
    night: date
    activation: Activation | None
    facilities: list[FacilityLine]
    turned_away: int
    still_waiting: int
    encounters: int
    refusals: int
    accepted: int
    health_alerts: int
    goods: list[tuple[str, int, str]]
    forecast: Forecast | None

    @property
    def available(self) -> int:
        return sum(line.available for line in self.facilities)

    @property
    def occupied(self) -> int:
        return sum(line.occupied for line in self.facilities)


def situation_report(night: date) -> SituationReport:
    """The aggregate figures of one night (no names: every reader may see them)."""
    activation = activation_for(night)
    beds = usable_beds(Facility.objects.all(), activation)
    totals = dict(
        beds.values("facility__name").annotate(n=Count("pk")).values_list("facility__name", "n")
    )
    occupied = dict(
        Stay.objects.filter(night=night, status__in=HOLDING)
        .values("bed__facility__name")
        .annotate(n=Count("pk"))
        .values_list("bed__facility__name", "n")
    )
    names = sorted(set(totals) | set(occupied))
    encounters = Encounter.objects.filter(round__night=night)
    counts = encounters.aggregate(
        total=Count("pk"),
        refusals=Count("pk", filter=Q(answer=Answer.REFUSED)),
        accepted=Count("pk", filter=Q(answer=Answer.ACCEPTED)),
        alerts=Count("pk", filter=Q(health_alert=True)),
    )
    requests = BedRequest.objects.filter(night=night)
    goods = (
        EncounterGood.objects.filter(encounter__round__night=night)
        .values("good__name", "good__unit", "good__order")
        .annotate(n=Sum("quantity"))
        .order_by("good__order", "good__name")
    )
    return SituationReport(
        night=night,
        activation=activation,
        facilities=[
            FacilityLine(name, totals.get(name, 0), occupied.get(name, 0)) for name in names
        ],
        turned_away=requests.filter(status=BedRequestStatus.TURNED_AWAY).count(),
        still_waiting=requests.filter(status=BedRequestStatus.WAITING).count(),
        encounters=counts["total"],
        refusals=counts["refusals"],
        accepted=counts["accepted"],
        health_alerts=counts["alerts"],
        goods=[(row["good__name"], row["n"], row["good__unit"]) for row in goods],
        forecast=Forecast.objects.filter(day=night).first(),
    )


def activation_nights(activation: Activation, *, until: date) -> list[date]:
    last = min(activation.ends_on, until)
    return [
        activation.starts_on + timedelta(days=offset)
        for offset in range((last - activation.starts_on).days + 1)
    ]


def season_series(activation: Activation, *, until: date) -> list[tuple[date, int, int, int]]:
    """Per night of the season's activations so far: (night, occupied, encounters, refusals)."""
    activations = activation.season.activations.filter(
        status__in=(ActivationStatus.ACTIVE, ActivationStatus.CLOSED)
    )
    nights = sorted({night for a in activations for night in activation_nights(a, until=until)})
    if not nights:
        return []
    occupied = dict(
        Stay.objects.filter(night__in=nights, status__in=HOLDING)
        .values("night")
        .annotate(n=Count("pk"))
        .values_list("night", "n")
    )
    met = {
        row["round__night"]: row
        for row in Encounter.objects.filter(round__night__in=nights)
        .values("round__night")
        .annotate(n=Count("pk"), refused=Count("pk", filter=Q(answer=Answer.REFUSED)))
    }
    return [
        (
            night,
            occupied.get(night, 0),
            met.get(night, {}).get("n", 0),
            met.get(night, {}).get("refused", 0),
        )
        for night in nights
    ]


def season_chart(series: list[tuple[date, int, int, int]]) -> BarChart:
    return bar_chart(
        labels=[formats.date_format(night, "SHORT_DATE_FORMAT") for night, *_rest in series],
        series=[
            (_("posti occupati"), "sent", [row[1] for row in series]),
            (_("incontri in strada"), "accepted", [row[2] for row in series]),
            (_("rifiuti"), "declined", [row[3] for row in series]),
        ],
        title=_("Notti di attivazione della stagione"),
    )


#: Hot spots are counted on a grid of about 500 m, so no point names a person's spot.
GRID = 0.005


def encounters_map(*, user: Any, night: date) -> list[dict[str, Any]]:
    """Tonight's encounters the user may see; names only for staff."""
    names = sees_names(user)
    rows = []
    for encounter in (
        encounters_visible_to(user).filter(round__night=night).select_related("person", "round")
    ):
        rows.append(
            {
                "lat": encounter.latitude,
                "lon": encounter.longitude,
                "time": formats.time_format(encounter.met_at, "H:i"),
                "title": encounter.who if names else encounter.round.area,
                "answer": encounter.get_answer_display() if encounter.answer else "",
            }
        )
    return rows


def hot_spots(*, since: date, until: date) -> list[dict[str, Any]]:
    """Encounters of the season counted per grid cell: aggregate, no names."""
    cells: dict[tuple[float, float], int] = defaultdict(int)
    for latitude, longitude in Encounter.objects.filter(
        round__night__gte=since, round__night__lte=until
    ).values_list("latitude", "longitude"):
        cell = (round(round(latitude / GRID) * GRID, 4), round(round(longitude / GRID) * GRID, 4))
        cells[cell] += 1
    return [
        {"lat": lat, "lon": lon, "count": count}
        for (lat, lon), count in sorted(cells.items(), key=lambda item: -item[1])
    ]
