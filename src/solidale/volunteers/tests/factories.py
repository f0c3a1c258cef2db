"""Volunteers and shifts for the tests, built through the services.

The duty activities are registered by the apps that run them (food, shelter,
neighbourhoods); the tests register two of their own with :func:`duty_activities`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.core import duty

from ..models import Shift, Signup, Volunteer
from ..services import shift_create, shift_signup, volunteer_register

if TYPE_CHECKING:
    from conftest import Personas

DISTRIBUTION = "test.distribution"
OUTREACH = "test.outreach"
TARGETS = [("point:1", "Punto di via Roma"), ("point:2", "Punto di Marina")]


def duty_activities() -> list[duty.Activity]:
    return [
        duty.Activity(
            key=DISTRIBUTION,
            label="Distribuzione (prova)",
            targets=lambda organization_id: list(TARGETS),
            url=lambda target: f"/prova/banco/{target}/",
        ),
        duty.Activity(key=OUTREACH, label="Unità di strada (prova)", targets=lambda _id: []),
    ]


def volunteer_record(
    personas: Personas,
    *,
    user: Any = None,
    name: str = "Vera Volontaria",
    organization: Any = None,
    skills: list[str] | None = None,
    insurance_until: date | None = None,
    training_until: date | None = None,
) -> Volunteer:
    today = timezone.localdate()
    return volunteer_register(
        actor=personas.association_admin if organization is None else None,
        organization=organization or personas.cooperative,
        data={
            "full_name": name,
            "phone": "+39 333 1234567",
            "email": "vera@example.invalid",
            "user": user,
            "skills": skills if skills is not None else ["haccp"],
            "languages": "inglese",
            "insurance_until": insurance_until or today + timedelta(days=365),
            "training_until": training_until,
            "started_on": today - timedelta(days=400),
        },
        consent=True,
    )


def open_shift(
    personas: Personas,
    *,
    starts_at: datetime | None = None,
    hours: int = 3,
    capacity: int = 2,
    activity: str = DISTRIBUTION,
    target: str = "point:1",
    skills: list[str] | None = None,
    organization: Any = None,
    title: str = "",
) -> Shift:
    starts_at = starts_at or timezone.now() + timedelta(days=1)
    return shift_create(
        actor=personas.association_admin if organization is None else None,
        organization=organization or personas.cooperative,
        data={
            "activity": activity,
            "target": target,
            "title": title,
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours),
            "capacity": capacity,
            "required_skills": skills or [],
        },
    )


def signed_up(personas: Personas, **shift_options: Any) -> Signup:
    """The volunteer persona, with a record, signed up for a shift starting tomorrow."""
    volunteer = Volunteer.objects.filter(user=personas.volunteer).first() or volunteer_record(
        personas, user=personas.volunteer
    )
    shift = open_shift(personas, **shift_options)
    return shift_signup(actor=personas.volunteer, shift=shift, volunteer=volunteer)


def start(shift: Shift, *, ago: timedelta = timedelta(hours=1)) -> None:
    """Let time pass: the shift began ``ago``."""
    length = shift.ends_at - shift.starts_at
    shift.starts_at = timezone.now() - ago
    shift.ends_at = shift.starts_at + length
    Shift.objects.filter(pk=shift.pk).update(starts_at=shift.starts_at, ends_at=shift.ends_at)
