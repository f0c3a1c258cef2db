"""Shelter objects for the tests, built through the services as the personas would."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from .. import rounds, services
from ..models import Activation, Bed, Facility, FacilityKind, Round, Season

if TYPE_CHECKING:
    from conftest import Personas


def tonight() -> date:
    return services.night_of(timezone.now())


def season(
    personas: Personas, *, facilities: list[Facility] | None = None, **overrides: Any
) -> Season:
    today = timezone.localdate()
    data = {
        "name": "Piano freddo di prova",
        "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=60),
        "min_temperature": Decimal("0.0"),
        "apparent_temperature": Decimal("-3.0"),
        "consecutive_nights": 2,
        "no_show_release_at": "22:30",
        "contacts": "Centrale operativa 0585 000000",
        **overrides,
    }
    return services.season_save(
        actor=personas.coordinator,
        data=data,
        facilities=facilities or [],
        organizations=[personas.cooperative],
    )


def facility(
    personas: Personas,
    *,
    name: str = "Dormitorio San Martino",
    kind: str = FacilityKind.NIGHT_SHELTER,
    beds: int = 4,
    **flags: bool,
) -> Facility:
    """A facility run by the cooperative Il Ponte, with beds for men by default."""
    built = services.facility_create(
        actor=personas.coordinator,
        data={
            "name": name,
            "kind": kind,
            "organization": personas.cooperative,
            "address": "Via Cavour 52, Massa",
            "opening_times": "20:00-8:00",
            "latitude": 44.036,
            "longitude": 10.141,
        },
    )
    services.beds_add(
        actor=personas.coordinator,
        facility=built,
        count=beds,
        prefix="L",
        flags={"for_men": True, **flags},
    )
    return built


def first_bed(facility: Facility) -> Bed:
    bed = facility.beds.order_by("label").first()
    assert bed is not None
    return bed


def activation(personas: Personas, plan: Season, *, surge: bool = False) -> Activation:
    night = tonight()
    return services.activation_open(
        actor=personas.coordinator,
        season=plan,
        starts_on=night - timedelta(days=1),
        ends_on=night + timedelta(days=3),
        ordinance="Ordinanza sindacale n. 12/2026",
        opens_surge_beds=surge,
    )


def outing(personas: Personas, actor: Any = None) -> Round:
    return rounds.round_start(
        actor=actor or personas.association_operator,
        team="Olga e Marco",
        area="Stazione ferroviaria",
        vehicle="Doblò 2",
    )
