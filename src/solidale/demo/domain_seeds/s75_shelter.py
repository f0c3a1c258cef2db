"""Demo cold emergency: the season plan with Il Mantello's dormitory, the municipal night
shelter and an emergency dormitory with surge beds; Croce Azzurra, Il Mantello and Il
Ponte on duty; last week's activation (closed) with nights of stays, street encounters
and goods; the forecast for the town from the recorded Open-Meteo answer, moved to this
week so that tonight is below the threshold and an activation waits for the coordinator;
and the follow-up list it produces. Built through ``shelter.services``."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.people.models import Person
from solidale.shelter import beds as board
from solidale.shelter import rounds, services
from solidale.shelter.followups import followups_generate
from solidale.shelter.forecast import OpenMeteoSource, ReplaySession
from solidale.shelter.models import Answer, Facility, FacilityKind, OutreachGood
from solidale.shelter.tests.forecast_recording import FIXTURE

if TYPE_CHECKING:
    from solidale.demo.city import City

ON_DUTY = ("croceazzurra", "carita", "ilponte")
#: (name, kind, organization key, address, lat, lon, [(count, prefix, flags)])
FACILITIES: tuple[
    tuple[str, str, str, str, float, float, list[tuple[int, str, dict[str, bool]]]], ...
] = (
    (
        "Dormitorio Il Mantello",
        FacilityKind.NIGHT_SHELTER,
        "carita",
        "Via Cavour 52, 54100 Massa",
        44.0358,
        10.1405,
        [
            (18, "U", {"for_men": True}),
            (2, "A", {"for_men": True, "accessible": True}),
            (6, "D", {"for_women": True}),
        ],
    ),
    (
        "Asilo notturno comunale",
        FacilityKind.NIGHT_SHELTER,
        "comune",
        "Via Cairoli 11, 54100 Massa",
        44.0372,
        10.1432,
        [(12, "L", {"for_men": True}), (4, "F", {"for_families": True, "pets_allowed": True})],
    ),
    (
        "Palestra di Bondano — dormitorio d'emergenza",
        FacilityKind.DORMITORY,
        "croceazzurra",
        "Via Bondano 4, 54100 Massa",
        44.0281,
        10.1253,
        [(10, "B", {"for_men": True}), (5, "S", {"for_men": True, "surge_only": True})],
    ),
)
ALIASES = (
    ("Il Biondo", "giaccone rosso, sui 40 anni"),
    ("Nonno Gino", "anziano con bastone"),
    ("Sasha", "parla russo e poco italiano"),
    ("Il Pittore", "sacco a pelo verde, sotto i portici"),
    ("Marta", "donna sui 50 anni con un cane"),
    ("Karim", "giovane, zaino blu"),
)
#: Where the street units meet people: the station, the portici, the seafront.
SPOTS = ((44.0362, 10.1398), (44.0347, 10.1417), (44.0178, 10.1089), (44.0390, 10.1455))


def _user(city: City, key: str, role: str) -> Any:
    return next(user for user, org, r in city.users if org == key and r == role)


def _forecast_this_week(today: date) -> int:
    """The recorded answer, decoded by the real client, moved so that its frost starts today."""
    days = OpenMeteoSource(session=ReplaySession(FIXTURE.read_bytes())).daily()
    shift = today - timedelta(days=2) - days[0].day
    return services.forecast_store([replace(day, day=day.day + shift) for day in days])


def _at(night: date, hour: int, minute: int) -> datetime:
    day = night if hour >= 12 else night + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def seed_demo(*, city: City, rng: random.Random) -> None:
    """Create the cold emergency's demo data through its services."""
    coordinator = _user(city, "comune", Role.COORDINATOR)
    desk = _user(city, "comune", Role.DESK_OPERATOR)
    mantello = _user(city, "carita", Role.ORG_OPERATOR)
    street = _user(city, "croceazzurra", Role.ORG_OPERATOR)
    today = timezone.localdate()
    facilities: list[Facility] = []
    for name, kind, key, address, lat, lon, beds in FACILITIES:
        facility = services.facility_create(
            actor=coordinator,
            data={
                "name": name,
                "kind": kind,
                "organization": city.organizations[key],
                "address": address,
                "opening_times": "19:30-8:00",
                "rules": "Ingresso entro le 22:30; niente alcol; animali solo nei posti indicati.",
                "latitude": lat,
                "longitude": lon,
            },
        )
        for count, prefix, flags in beds:
            services.beds_add(
                actor=coordinator, facility=facility, count=count, prefix=prefix, flags=flags
            )
        facilities.append(facility)
    season = services.season_save(
        actor=coordinator,
        data={
            "name": f"Piano freddo {today.year}/{today.year + 1 - 2000:02d}",
            "starts_on": today - timedelta(days=20),
            "ends_on": today + timedelta(days=80),
            "min_temperature": Decimal("0.0"),
            "apparent_temperature": Decimal("-3.0"),
            "consecutive_nights": 2,
            "no_show_release_at": time(22, 30),
            "contacts": "Centrale operativa Croce Azzurra 0585 41 41 41\n"
            "Reperibile servizi sociali 335 000 0000",
        },
        facilities=facilities,
        organizations=[city.organizations[key] for key in ON_DUTY],
    )
    last_week = services.activation_open(
        actor=coordinator,
        season=season,
        starts_on=today - timedelta(days=4),
        ends_on=today - timedelta(days=1),
        ordinance="Ordinanza sindacale n. 41",
        reason="Gelo annunciato dalla Protezione civile regionale.",
        opens_surge_beds=True,
    )
    services.activation_close(actor=coordinator, activation=last_week)
    # A person of the demo population who sleeps at Il Mantello every night (the seed adds
    # nobody to the registry): the follow-up list proposes a case for them.
    regular = Person.objects.visible_to(desk).filter(cases__isnull=True).order_by("pk").first()
    goods = list(OutreachGood.objects.all())
    mantello_beds = list(facilities[0].beds.filter(for_men=True).order_by("label"))
    for offset in range(7, 0, -1):
        night = today - timedelta(days=offset)
        if regular is not None:
            board.bed_assign(actor=mantello, bed=mantello_beds[0], night=night, person=regular)
        for index in range(1, 12 + rng.randint(0, 5)):
            board.bed_assign(
                actor=mantello,
                bed=mantello_beds[index],
                night=night,
                alias=f"Ospite {offset}-{index:02d}",
            )
        if not last_week.covers(night):
            continue
        outing = rounds.round_start(
            actor=street,
            team="Squadra 1 Croce Azzurra",
            area="Stazione e centro",
            vehicle="Doblò 2",
            night=night,
        )
        for number, (alias, description) in enumerate(rng.sample(ALIASES, 4)):
            lat, lon = rng.choice(SPOTS)
            refused = number == 0
            rounds.encounter_record(
                actor=street,
                outing=outing,
                key=uuid.uuid4(),
                data={
                    "met_at": _at(night, 20 + number, rng.randint(0, 59)),
                    "latitude": lat + rng.uniform(-0.0008, 0.0008),
                    "longitude": lon + rng.uniform(-0.0008, 0.0008),
                    "alias": alias,
                    "description": description,
                    "conditions": ["asleep_outside", "cold"],
                    "offered_bed": refused,
                    "answer": Answer.REFUSED if refused else Answer.NOT_OFFERED,
                },
                goods=dict.fromkeys(rng.sample(goods, 2), 1),
            )
        rounds.round_end(actor=street, outing=outing)
    _forecast_this_week(today)
    services.forecast_evaluate(today=today)
    followups_generate(day=today)
