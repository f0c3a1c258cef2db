"""Demo appointments, through the services: opening hours and operators' schedules at the
Comune's four desks (the offices ``s20_desk`` opens; a missing one is opened here, so this
seed also runs on its own), slots for the next two weeks and a few dozen bookings.
"""

from __future__ import annotations

import random
from datetime import time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from solidale.accounts.models import Role
from solidale.appointments import services
from solidale.appointments.models import OpeningHours, ReminderChannel, Slot
from solidale.desk.models import Office
from solidale.desk.services import office_create
from solidale.network.models import NeedCategory
from solidale.people.models import Person

if TYPE_CHECKING:
    from solidale.accounts.models import User
    from solidale.demo.city import City

Ranges = tuple[tuple[tuple[int, ...], time, time], ...]
MORNING = (time(9), time(12, 30))

#: name, address, neighbourhood, opening ranges (weekdays, opens, closes)
OFFICES: tuple[tuple[str, str, str, Ranges], ...] = (
    (
        "Sportello sociale Centro",
        "Via Porta Fabbrica 1",
        "Centro",
        (((0, 1, 2, 3, 4), time(9), time(13)), ((1, 3), time(15), time(17, 30))),
    ),
    (
        "Sportello sociale Marina di Massa",
        "Piazza Betti 4",
        "Marina di Massa",
        (((0, 2, 4), *MORNING),),
    ),
    ("Sportello sociale Romagnano", "Via Romagnano 52", "Romagnano", (((1, 3), *MORNING),)),
    (
        "Sportello sociale Quercioli",
        "Via Quercioli 10",
        "Quercioli",
        (((0, 3), time(14, 30), time(17, 30)),),
    ),
)
#: office name → (operator's demo e-mail, weekdays, from, to, slot minutes)
SCHEDULES: dict[str, tuple[tuple[str, tuple[int, ...], time, time, int], ...]] = {
    "Sportello sociale Centro": (
        ("sportello@comune-massa.demo", (0, 1, 2, 3, 4), time(9), time(13), 30),
        ("assistente.sociale@comune-massa.demo", (1, 3), time(15), time(17, 30), 50),
    ),
    "Sportello sociale Marina di Massa": (
        ("sportello2@comune-massa.demo", (0, 2, 4), time(9), time(12, 30), 30),
    ),
    "Sportello sociale Romagnano": (
        ("sportello3@comune-massa.demo", (1, 3), time(9), time(12, 30), 30),
    ),
    "Sportello sociale Quercioli": (
        ("assistente2@comune-massa.demo", (0, 3), time(14, 30), time(17, 30), 45),
    ),
}
BOOKINGS = 36
NOTES = (
    "",
    "",
    "Portare l'ultima attestazione ISEE.",
    "Accompagnata dalla figlia.",
    "Serve un mediatore linguistico (arabo).",
    "Ha chiesto di essere richiamato se si libera un orario prima.",
)


def _office(city: City, coordinator: User, name: str, address: str, neighbourhood: str) -> Office:
    existing = Office.objects.filter(organization=city.comune, name=name).first()
    return existing or office_create(
        actor=coordinator,
        organization=city.comune,
        name=name,
        address=address,
        neighbourhood=city.neighbourhoods.get(neighbourhood),
    )


@transaction.atomic
def seed_demo(*, city: City, rng: random.Random) -> None:
    users = {user.email: user for user, _key, _role in city.users}
    coordinator = next(
        user for user, key, role in city.users if key == "comune" and role == Role.COORDINATOR
    )
    today = timezone.localdate()
    offices = []
    for name, address, neighbourhood, ranges in OFFICES:
        office = _office(city, coordinator, name, address, neighbourhood)
        offices.append(office)
        if OpeningHours.objects.filter(office=office).exists():
            continue
        for weekdays, opens, closes in ranges:
            for weekday in weekdays:
                services.opening_hours_add(
                    office=office, weekday=weekday, start=opens, end=closes, actor=coordinator
                )
        for email, weekdays, start, end, minutes in SCHEDULES[name]:
            operator = users.get(email)
            if operator is None:
                continue
            for weekday in weekdays:
                services.operator_schedule_add(
                    office=office,
                    operator=operator,
                    weekday=weekday,
                    start=start,
                    end=end,
                    slot_minutes=minutes,
                    actor=coordinator,
                )
    for office in offices:
        services.slots_generate(
            office=office, start_date=today, end_date=today + timedelta(weeks=2), actor=coordinator
        )
    _book(city, coordinator, offices, rng)


def _book(city: City, coordinator: User, offices: list[Office], rng: random.Random) -> None:
    """A few dozen bookings of persons the Comune sees; Giuseppina Bernardini stays free for
    the E2E journey that books her."""
    if Slot.objects.filter(office__in=offices, appointments__isnull=False).exists():
        return
    persons = list(
        Person.objects.visible_to(coordinator)
        .filter(is_identified=True)
        .exclude(family_name="Bernardini", given_name="Giuseppina")
        .order_by("pk")[:400]
    )
    free = list(Slot.objects.free().filter(office__in=offices, start__gt=timezone.now()))
    if not persons or not free:
        return
    needs = list(NeedCategory.objects.filter(is_active=True))
    desk = [
        user for user, key, role in city.users if key == "comune" and role == Role.DESK_OPERATOR
    ]
    for slot, person in zip(
        rng.sample(free, min(BOOKINGS, len(free))),
        rng.sample(persons, min(BOOKINGS, len(persons))),
        strict=False,
    ):
        channel = (
            ReminderChannel.SMS
            if person.phone
            else ReminderChannel.EMAIL
            if person.email
            else ReminderChannel.NONE
        )
        services.appointment_book(
            slot=slot,
            person=person,
            need=rng.choice(needs) if needs else None,
            notes=rng.choice(NOTES),
            reminder_channel=channel,
            actor=rng.choice(desk) if desk else coordinator,
        )
