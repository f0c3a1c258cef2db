"""The volunteers API, mounted at ``/api/v1/volunteers/``: the registry, shifts, sign-ups,
swaps, hours and the user's duties, over the same services and scoping as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from solidale.accounts.models import User
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import DomainError, PermissionDeniedError

from . import services
from .models import Shift, Signup, Volunteer
from .permissions import (
    get_shift_for_user,
    get_signup_for_user,
    get_swap_for_recipient,
    get_volunteer_for_user,
    is_manager,
    takes_part,
    volunteers_visible_to,
)
from .selectors import hours_by_volunteer, my_signups, shift_list, work_url

router = Router(tags=["volunteers"])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDeniedError(_("Riservato ai volontari e a chi li coordina."))


# --- Schemas --------------------------------------------------------------------------------


class VolunteerOut(Schema):
    id: int
    full_name: str
    email: str
    phone: str
    user_id: int | None
    skills: list[str]
    languages: str
    availability_days: list[int]
    availability_notes: str
    training_course: str
    training_until: date | None
    insurance_policy: str
    insurance_until: date | None
    consent_at: datetime | None
    started_on: date
    is_active: bool


class VolunteerIn(Schema):
    full_name: str = Field(max_length=150)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=30)
    user_id: int | None = None
    skills: list[str] = []
    languages: str = Field("", max_length=200)
    availability_days: list[int] = []
    availability_notes: str = Field("", max_length=200)
    training_course: str = Field("", max_length=200)
    training_until: date | None = None
    insurance_policy: str = Field("", max_length=100)
    insurance_until: date | None = None
    started_on: date | None = None
    consent: bool = False


class VolunteerPatch(Schema):
    full_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)
    skills: list[str] | None = None
    languages: str | None = Field(None, max_length=200)
    availability_days: list[int] | None = None
    availability_notes: str | None = Field(None, max_length=200)
    training_course: str | None = Field(None, max_length=200)
    training_until: date | None = None
    insurance_policy: str | None = Field(None, max_length=100)
    insurance_until: date | None = None
    is_active: bool | None = None


class ShiftOut(Schema):
    id: int
    activity: str
    target: str
    target_label: str
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    signed_count: int
    free_places: int
    required_skills: list[str]
    notes: str
    status: str


class ShiftIn(Schema):
    activity: str = Field(max_length=60)
    target: str = Field("", max_length=100)
    title: str = Field("", max_length=200)
    place: str = Field("", max_length=200)
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(ge=1, le=200)
    required_skills: list[str] = []
    notes: str = ""


class ShiftQuery(Schema):
    open: bool = False
    past: bool = False


class SignupOut(Schema):
    id: int
    shift_id: int
    volunteer_id: int
    status: str
    hours: Decimal | None
    hours_status: str
    hours_note: str


class HoursIn(Schema):
    hours: Decimal = Field(gt=0, le=24)
    note: str = Field("", max_length=200)


class ConfirmIn(Schema):
    confirm: bool = True
    note: str = Field("", max_length=200)


class SwapIn(Schema):
    to_volunteer_id: int


class SwapOut(Schema):
    id: int
    signup_id: int
    to_volunteer_id: int
    status: str


class DutyOut(Schema):
    shift: ShiftOut
    signup_id: int
    on_duty_now: bool
    work_url: str


class HoursRowOut(Schema):
    volunteer_id: int
    full_name: str
    shifts: int
    confirmed_hours: Decimal
    pending_hours: Decimal


def _shift(shift: Shift) -> dict[str, Any]:
    return {
        **{name: getattr(shift, name) for name in ShiftOut.model_fields if name != "free_places"},
        "free_places": shift.free_places,
    }


def _signup(signup: Signup) -> dict[str, Any]:
    return {name: getattr(signup, name) for name in SignupOut.model_fields}


def _volunteer(volunteer: Volunteer) -> dict[str, Any]:
    return {name: getattr(volunteer, name) for name in VolunteerOut.model_fields}


# --- Registry -------------------------------------------------------------------------------


@router.get("/volunteers", response=list[VolunteerOut], summary="The organization's volunteers")
def volunteer_list_api(request: HttpRequest) -> list[dict[str, Any]]:
    _require(takes_part(request.user))
    return [_volunteer(v) for v in volunteers_visible_to(request.user)[:500]]


def _account(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise DomainError(_("Account inesistente."), field="user_id")
    return user


@router.post("/volunteers", response={201: VolunteerOut}, summary="Register a volunteer")
def volunteer_create_api(request: HttpRequest, payload: VolunteerIn) -> Status:
    _require(is_manager(request.user))
    data = payload.dict(exclude={"consent", "user_id"})
    data["user"] = _account(payload.user_id)
    data["started_on"] = payload.started_on or timezone.localdate()
    volunteer = services.volunteer_register(
        actor=request.user,
        organization=request.user.membership.organization,  # type: ignore[union-attr]
        data=data,
        consent=payload.consent,
    )
    return Status(201, _volunteer(volunteer))


@router.get("/volunteers/{int:volunteer_id}", response=VolunteerOut, summary="One volunteer")
def volunteer_detail_api(request: HttpRequest, volunteer_id: int) -> dict[str, Any]:
    volunteer = get_volunteer_for_user(request.user, volunteer_id)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=volunteer)
    return _volunteer(volunteer)


@router.patch(
    "/volunteers/{int:volunteer_id}", response=VolunteerOut, summary="Update a volunteer's record"
)
def volunteer_update_api(
    request: HttpRequest, volunteer_id: int, payload: VolunteerPatch
) -> dict[str, Any]:
    _require(is_manager(request.user))
    volunteer = get_volunteer_for_user(request.user, volunteer_id)
    data = payload.dict(exclude_unset=True)
    return _volunteer(services.volunteer_update(actor=request.user, volunteer=volunteer, data=data))


# --- Shifts ---------------------------------------------------------------------------------


@router.get("/shifts", response=list[ShiftOut], summary="The organization's shifts")
def shift_list_api(request: HttpRequest, params: Query[ShiftQuery]) -> list[dict[str, Any]]:
    _require(takes_part(request.user))
    shifts = shift_list(user=request.user, upcoming=not params.past, only_open=params.open)
    return [_shift(shift) for shift in shifts]


@router.post("/shifts", response={201: ShiftOut}, summary="Open a shift")
def shift_create_api(request: HttpRequest, payload: ShiftIn) -> Status:
    _require(is_manager(request.user))
    shift = services.shift_create(
        actor=request.user,
        organization=request.user.membership.organization,  # type: ignore[union-attr]
        data=payload.dict(),
    )
    return Status(201, _shift(shift))


@router.get("/shifts/{int:shift_id}", response=ShiftOut, summary="One shift")
def shift_detail_api(request: HttpRequest, shift_id: int) -> dict[str, Any]:
    return _shift(get_shift_for_user(request.user, shift_id))


@router.post(
    "/shifts/{int:shift_id}/signups", response={201: SignupOut}, summary="Sign up for a shift"
)
def shift_signup_api(request: HttpRequest, shift_id: int) -> Status:
    shift = get_shift_for_user(request.user, shift_id)
    return Status(201, _signup(services.shift_signup(actor=request.user, shift=shift)))


@router.post("/signups/{int:signup_id}/cancel", response=SignupOut, summary="Cancel a sign-up")
def signup_cancel_api(request: HttpRequest, signup_id: int) -> dict[str, Any]:
    signup = get_signup_for_user(request.user, signup_id)
    return _signup(services.signup_cancel(actor=request.user, signup=signup))


@router.post("/signups/{int:signup_id}/hours", response=SignupOut, summary="Log the hours served")
def hours_log_api(request: HttpRequest, signup_id: int, payload: HoursIn) -> dict[str, Any]:
    signup = get_signup_for_user(request.user, signup_id)
    return _signup(
        services.hours_log(
            actor=request.user, signup=signup, hours=payload.hours, note=payload.note
        )
    )


@router.post(
    "/signups/{int:signup_id}/confirm", response=SignupOut, summary="Confirm the hours logged"
)
def hours_confirm_api(request: HttpRequest, signup_id: int, payload: ConfirmIn) -> dict[str, Any]:
    _require(is_manager(request.user))
    signup = get_signup_for_user(request.user, signup_id)
    return _signup(
        services.hours_confirm(
            actor=request.user, signup=signup, confirm=payload.confirm, note=payload.note
        )
    )


@router.post(
    "/signups/{int:signup_id}/swaps",
    response={201: SwapOut},
    summary="Offer one's place to another volunteer",
)
def swap_offer_api(request: HttpRequest, signup_id: int, payload: SwapIn) -> Status:
    signup = get_signup_for_user(request.user, signup_id)
    to_volunteer = get_object_or_404(
        Volunteer, pk=payload.to_volunteer_id, organization_id=signup.shift.organization_id
    )
    offer = services.swap_offer(actor=request.user, signup=signup, to_volunteer=to_volunteer)
    return Status(
        201,
        {
            "id": offer.pk,
            "signup_id": signup.pk,
            "to_volunteer_id": to_volunteer.pk,
            "status": offer.status,
        },
    )


@router.post("/swaps/{int:swap_id}/accept", response=SignupOut, summary="Accept a shift offered")
def swap_accept_api(request: HttpRequest, swap_id: int) -> dict[str, Any]:
    offer = get_swap_for_recipient(request.user, swap_id)
    return _signup(services.swap_accept(actor=request.user, offer=offer))


# --- The volunteer's duties and the hours report --------------------------------------------


@router.get("/me/shifts", response=list[DutyOut], summary="My current and next shifts")
def my_shifts_api(request: HttpRequest) -> list[dict[str, Any]]:
    current, upcoming = my_signups(request.user)
    return [
        {
            "shift": _shift(signup.shift),
            "signup_id": signup.pk,
            "on_duty_now": signup in current,
            "work_url": work_url(signup.shift),
        }
        for signup in [*current, *upcoming]
    ]


@router.get("/hours", response=list[HoursRowOut], summary="Hours per volunteer in a year")
def hours_report_api(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    _require(takes_part(request.user))
    year = year or timezone.localdate().year
    return [
        {
            "volunteer_id": row.volunteer.pk,
            "full_name": row.volunteer.full_name,
            "shifts": row.shifts,
            "confirmed_hours": row.confirmed,
            "pending_hours": row.pending,
        }
        for row in hours_by_volunteer(user=request.user, year=year)
    ]
