"""Demo volunteers: registries of six organizations (the demo volunteer logins linked to
their records), open shifts over the next two weeks, past shifts with confirmed hours (and
a few waiting for confirmation), insurance and training about to expire, and a shift in
progress now for the food bank's volunteer (food distribution) and for the outreach
volunteers of Il Mantello and Croce Azzurra — for the activities registered at seed time.
Built through ``volunteers.services``."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from faker import Faker

from solidale.accounts.models import Role
from solidale.core import duty
from solidale.volunteers import services
from solidale.volunteers.models import Shift, Volunteer
from solidale.volunteers.selectors import SERVICE_ACTIVITY

if TYPE_CHECKING:
    from solidale.demo.city import City

#: Organization key → (activities it staffs, in order of preference; skills of its volunteers).
PROFILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "bancoalimentare": (("food.distribution",), ("haccp", "logistics", "driving")),
    "carita": (("shelter.outreach",), ("outreach", "listening", "first_aid")),
    "croceazzurra": (("shelter.outreach",), ("first_aid", "driving", "outreach")),
    "manoamica": (("neighbourhoods.presidio", "food.distribution"), ("listening", "children")),
    "argentoattivo": (("neighbourhoods.presidio", "neighbourhoods.event"), ("elderly", "digital")),
    "ilponte": (("neighbourhoods.presidio", "neighbourhoods.event"), ("listening", "mediation")),
}
#: Organizations whose volunteer on duty now is for this activity (when registered).
IN_PROGRESS = {
    "bancoalimentare": "food.distribution",
    "carita": "shelter.outreach",
    "croceazzurra": "shelter.outreach",
}
LANGUAGES = ("inglese", "francese", "arabo", "rumeno", "spagnolo", "ucraino", "")
PLACES = {
    "bancoalimentare": "Magazzino di Via Massa Avenza 120",
    "carita": "Dormitorio Il Mantello, Via Cavour 52",
    "croceazzurra": "Sede di Viale Stazione 3",
    "manoamica": "Sede di Via Romagnano 31",
    "argentoattivo": "Circolo di Via degli Oliveti 14",
    "ilponte": "Sede di Via Bassa Tambura 17",
}


def _at(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    zone = timezone.get_current_timezone()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def _activities_for(key: str) -> list[tuple[str, str]]:
    """(activity, target) pairs this organization staffs, with the generic service last."""
    registered = {activity.key: activity for activity in duty.activities()}
    organization_id = _organization_ids[key]
    pairs = []
    for activity_key in PROFILES[key][0]:
        activity = registered.get(activity_key)
        if activity is None:
            continue
        targets = activity.targets(organization_id)
        pairs.append((activity_key, targets[0][0] if targets else ""))
    pairs.append((SERVICE_ACTIVITY, ""))
    return pairs


_organization_ids: dict[str, int] = {}


def _shift(
    key: str,
    organization: Any,
    activity: tuple[str, str],
    starts_at: datetime,
    hours: int,
    **extra: Any,
) -> Shift:
    return services.shift_create(
        actor=None,
        organization=organization,
        data={
            "activity": activity[0],
            "target": activity[1],
            "title": extra.get("title", ""),
            "place": PLACES[key],
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours),
            "capacity": extra.get("capacity", 3),
            "required_skills": extra.get("skills", []),
            "notes": extra.get("notes", ""),
        },
    )


def _register(organization: Any, key: str, name: str, user: Any, rng: random.Random) -> Volunteer:
    today = timezone.localdate()
    skills = PROFILES[key][1]
    return services.volunteer_register(
        actor=None,
        organization=organization,
        data={
            "full_name": name,
            "email": user.email if user else "",
            "phone": f"+39 3{rng.randint(20, 49)} {rng.randint(1000000, 9999999)}",
            "user": user,
            "skills": sorted(rng.sample(skills, k=rng.randint(1, len(skills))))
            if not user
            else sorted(skills),
            "languages": rng.choice(LANGUAGES),
            "availability_days": sorted(rng.sample(range(7), k=rng.randint(2, 4))),
            "training_course": "Corso base per volontari",
            "training_until": today + timedelta(days=rng.randint(60, 700)),
            "insurance_policy": f"RC-{rng.randint(100000, 999999)}",
            "insurance_until": today + timedelta(days=rng.randint(90, 360)),
            "started_on": today - timedelta(days=rng.randint(200, 2000)),
        },
        consent=True,
    )


def seed_demo(*, city: City, rng: random.Random) -> None:
    if Volunteer.objects.exists():
        return
    faker = Faker("it_IT")
    faker.seed_instance(rng.randint(0, 2**31))
    for key in PROFILES:
        _organization_ids[key] = city.organizations[key].pk
    for key in PROFILES:
        _seed_organization(city, key, rng, faker)


def _seed_organization(city: City, key: str, rng: random.Random, faker: Faker) -> None:
    organization = city.organizations[key]
    logins = [user for user, org, role in city.users if org == key and role == Role.VOLUNTEER]
    with_account = [_register(organization, key, user.full_name, user, rng) for user in logins]
    others = [
        _register(organization, key, faker.name(), None, rng) for _ in range(rng.randint(3, 5))
    ]
    today = timezone.localdate()
    # Renewals due: one insurance about to expire, one training already expired.
    services.volunteer_update(
        actor=None, volunteer=others[0], data={"insurance_until": today + timedelta(days=12)}
    )
    if key in ("bancoalimentare", "carita"):
        services.volunteer_update(
            actor=None, volunteer=others[1], data={"training_until": today - timedelta(days=5)}
        )
    team = with_account + others[1:]
    activities = _activities_for(key)

    # Past shifts: attendance recorded by the organization, hours confirmed.
    for number, days_ago in enumerate((56, 42, 28, 21, 14, 7)):
        activity = activities[number % len(activities)]
        shift = _shift(key, organization, activity, _at(-days_ago, 9 + number % 3 * 5), 3)
        for volunteer in rng.sample(team, k=min(len(team), 2)):
            signup = services.shift_signup(actor=None, shift=shift, volunteer=volunteer)
            services.hours_log(actor=None, signup=signup, hours=rng.choice(("3", "2.5", "3.5")))
    # Three days ago: the volunteers with an account served; the first still has to log
    # the hours from the phone, the second logged them and waits for confirmation.
    shift = _shift(key, organization, activities[0], _at(-3, 15), 3)
    for position, volunteer in enumerate(with_account):
        signup = services.shift_signup(actor=None, shift=shift, volunteer=volunteer)
        if position == 1:
            services.hours_log(actor=volunteer.user, signup=signup, hours="3")

    # Open shifts over the next two weeks, some already partly filled.
    for number, days_ahead in enumerate((1, 2, 4, 6, 8, 11, 13)):
        activity = activities[number % len(activities)]
        shift = _shift(
            key,
            organization,
            activity,
            _at(days_ahead, 9 if number % 2 else 15),
            3,
            capacity=rng.randint(2, 4),
            skills=[PROFILES[key][1][0]] if number == 3 else [],
            notes="Ritrovo 10 minuti prima. Portare il giubbotto dell'associazione.",
        )
        able = [v for v in others[1:] if set(shift.required_skills) <= set(v.skills)]
        if number % 2 and able:
            services.shift_signup(actor=None, shift=shift, volunteer=rng.choice(able))

    # In progress now: started an hour ago, ends in ten hours.
    wanted = IN_PROGRESS.get(key)
    pair = next((pair for pair in activities if pair[0] == wanted), None)
    if wanted and pair and with_account:
        now = timezone.now().replace(second=0, microsecond=0)
        shift = _shift(
            key,
            organization,
            pair,
            now - timedelta(hours=1),
            11,
            title="Turno in corso",
            capacity=2,
        )
        services.shift_signup(actor=None, shift=shift, volunteer=with_account[0])
