"""Who may reach the volunteers' pages and API.

The cooperative Il Ponte keeps a registry of volunteers and opens shifts: its admin and
operator (the managers) see the registry, every shift and every sign-up, and confirm
hours; its volunteer (with a record) sees the shifts, signs up, offers a swap, logs their
own hours and reads only their own record. The Comune's coordinators and the other
association's operator manage their own volunteers, so they open the list pages but see
nothing of Il Ponte's. Everybody else — the housing agency, the Comune's other roles,
viewers, citizens — is refused and never reads a volunteer's name or phone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from solidale.accounts.models import Role
from solidale.accounts.services import membership_add, user_create
from solidale.volunteers.models import Shift, Signup, Volunteer
from solidale.volunteers.selectors import SERVICE_ACTIVITY
from solidale.volunteers.services import shift_signup, swap_offer
from solidale.volunteers.tests.factories import open_shift, volunteer_record

from .access_matrix_registry import Builder, Endpoint, Target, authenticated, scoped

if TYPE_CHECKING:
    from conftest import Personas

SHIFT_TITLE = "Smistamento riservato del magazzino"
OTHER_NAME = "Ottavia Riservatezza"
OTHER_PHONE = "+39 347 9988776"
MANAGERS = frozenset({"association_operator", "association_admin"})
VOLUNTEER = frozenset({"volunteer"})
TEAM = MANAGERS | VOLUNTEER
#: Managers of other organizations' volunteers (the Comune's coordinator, the other
#: association's operator): they open the list pages and create for their own
#: organization, but see none of Il Ponte's.
OTHER_MANAGERS = frozenset({"coordinator", "outsider"})


def _shift(personas: Personas) -> Shift:
    return open_shift(personas, activity=SERVICE_ACTIVITY, target="", capacity=3, title=SHIFT_TITLE)


def _own_record(personas: Personas) -> Volunteer:
    return volunteer_record(personas, user=personas.volunteer)


def _other_record(personas: Personas) -> Volunteer:
    """Another volunteer of Il Ponte, with an account, whose name and phone stay private."""
    user = user_create(
        actor=None,
        email="ottavia@ponte.invalid",
        full_name=OTHER_NAME,
        password="Solidale-test-2026!",
    )
    membership_add(actor=None, user=user, organization=personas.cooperative, role=Role.VOLUNTEER)
    record = volunteer_record(personas, user=user, name=OTHER_NAME)
    Volunteer.objects.filter(pk=record.pk).update(phone=OTHER_PHONE)
    return record


def build_shift(personas: Personas) -> Target:
    _own_record(personas)
    shift = _shift(personas)
    return Target(kwargs={"pk": shift.pk, "shift_id": shift.pk}, secrets=(SHIFT_TITLE,))


def build_new_shift(personas: Personas) -> Target:
    _own_record(personas)
    shift = _shift(personas)
    return Target(
        payload={
            "activity": SERVICE_ACTIVITY,
            "starts_at": shift.starts_at.isoformat(),
            "ends_at": shift.ends_at.isoformat(),
            "capacity": 2,
        },
        secrets=(SHIFT_TITLE,),
    )


def build_signup(personas: Personas) -> Target:
    _own_record(personas)
    signup = shift_signup(actor=personas.volunteer, shift=_shift(personas))
    other = _other_record(personas)
    return Target(
        kwargs={"pk": signup.pk, "signup_id": signup.pk},
        payload={"to_volunteer": other.pk, "to_volunteer_id": other.pk, "hours": "2"},
        secrets=(SHIFT_TITLE,),
    )


def build_swap(personas: Personas) -> Target:
    """An offer from another volunteer of Il Ponte to the volunteer persona."""
    own = _own_record(personas)
    other = _other_record(personas)
    offerer = other.user
    assert offerer is not None
    signup: Signup = shift_signup(actor=offerer, shift=_shift(personas))
    offer = swap_offer(actor=offerer, signup=signup, to_volunteer=own)
    return Target(kwargs={"pk": offer.pk, "swap_id": offer.pk}, secrets=(SHIFT_TITLE, OTHER_NAME))


def build_volunteer(personas: Personas) -> Target:
    _own_record(personas)
    other = _other_record(personas)
    return Target(
        kwargs={"pk": other.pk, "volunteer_id": other.pk},
        payload={"full_name": "Nome Intruso", "started_on": "2026-01-01"},
        secrets=(OTHER_NAME, OTHER_PHONE),
    )


def build_registry(personas: Personas) -> Target:
    _own_record(personas)
    _other_record(personas)
    return Target(
        kwargs={"fmt": "csv"},
        payload={"full_name": "Nome Intruso", "consent": True},
        secrets=(OTHER_NAME, OTHER_PHONE),
    )


def _team_post(build: Builder = build_signup) -> Endpoint:
    return scoped(build, sees=TEAM, methods=("POST",))


ENDPOINTS: dict[str, Endpoint] = {
    # the volunteer's phone page and the shifts
    "volunteers:my_shift": scoped(build_signup, sees=VOLUNTEER),
    "volunteers:shift_list": scoped(build_shift, sees=TEAM, may_open=OTHER_MANAGERS),
    "volunteers:shift_create": scoped(
        build_new_shift, sees=MANAGERS, may_open=OTHER_MANAGERS, methods=("GET", "POST")
    ),
    "volunteers:shift_detail": scoped(build_shift, sees=TEAM),
    "volunteers:shift_signup": scoped(build_shift, sees=VOLUNTEER, methods=("POST",)),
    "volunteers:shift_cancel": scoped(build_shift, sees=MANAGERS, methods=("POST",)),
    "volunteers:signup_cancel": _team_post(),
    "volunteers:swap_offer": scoped(build_signup, sees=VOLUNTEER, methods=("POST",)),
    "volunteers:hours_log": _team_post(),
    "volunteers:hours_confirm": scoped(build_signup, sees=MANAGERS, methods=("POST",)),
    "volunteers:swap_accept": scoped(build_swap, sees=VOLUNTEER, methods=("POST",)),
    "volunteers:swap_decline": scoped(build_swap, sees=VOLUNTEER, methods=("POST",)),
    # hours
    "volunteers:hours_report": scoped(
        build_registry, sees=MANAGERS, may_open=VOLUNTEER | OTHER_MANAGERS
    ),
    "volunteers:hours_pending": scoped(build_registry, sees=MANAGERS, may_open=OTHER_MANAGERS),
    "volunteers:hours_download": scoped(build_registry, sees=MANAGERS, may_open=OTHER_MANAGERS),
    "volunteers:certificate": scoped(build_volunteer, sees=MANAGERS),
    # the registry
    "volunteers:volunteer_list": scoped(build_registry, sees=MANAGERS, may_open=OTHER_MANAGERS),
    "volunteers:volunteer_create": scoped(
        build_registry, sees=MANAGERS, may_open=OTHER_MANAGERS, methods=("GET", "POST")
    ),
    "volunteers:volunteer_detail": scoped(build_volunteer, sees=MANAGERS),
    "volunteers:volunteer_edit": scoped(build_volunteer, sees=MANAGERS, methods=("GET", "POST")),
    # API
    "GET /api/v1/volunteers/volunteers": scoped(
        build_registry, sees=MANAGERS, may_open=VOLUNTEER | OTHER_MANAGERS, api=True
    ),
    "POST /api/v1/volunteers/volunteers": scoped(
        build_registry, sees=MANAGERS | OTHER_MANAGERS, api=True
    ),
    "GET /api/v1/volunteers/volunteers/{volunteer_id}": scoped(
        build_volunteer, sees=MANAGERS, api=True
    ),
    "PATCH /api/v1/volunteers/volunteers/{volunteer_id}": scoped(
        build_volunteer, sees=MANAGERS, api=True
    ),
    "GET /api/v1/volunteers/shifts": scoped(
        build_shift, sees=TEAM, may_open=OTHER_MANAGERS, api=True
    ),
    "POST /api/v1/volunteers/shifts": scoped(
        build_new_shift, sees=MANAGERS | OTHER_MANAGERS, api=True
    ),
    "GET /api/v1/volunteers/shifts/{shift_id}": scoped(build_shift, sees=TEAM, api=True),
    "POST /api/v1/volunteers/shifts/{shift_id}/signups": scoped(
        build_shift, sees=VOLUNTEER, api=True
    ),
    "POST /api/v1/volunteers/signups/{signup_id}/cancel": scoped(build_signup, sees=TEAM, api=True),
    "POST /api/v1/volunteers/signups/{signup_id}/hours": scoped(build_signup, sees=TEAM, api=True),
    "POST /api/v1/volunteers/signups/{signup_id}/confirm": scoped(
        build_signup, sees=MANAGERS, api=True
    ),
    "POST /api/v1/volunteers/signups/{signup_id}/swaps": scoped(
        build_signup, sees=VOLUNTEER, api=True
    ),
    "POST /api/v1/volunteers/swaps/{swap_id}/accept": scoped(build_swap, sees=VOLUNTEER, api=True),
    "GET /api/v1/volunteers/me/shifts": authenticated(api=True),
    "GET /api/v1/volunteers/hours": scoped(
        build_registry, sees=MANAGERS, may_open=VOLUNTEER | OTHER_MANAGERS, api=True
    ),
}
