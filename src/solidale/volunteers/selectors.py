"""Reads of the volunteers app, always scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from solidale.core import duty
from solidale.core.duty import Duty

from .models import HoursStatus, Shift, ShiftStatus, Signup, SignupStatus, SwapOffer, SwapStatus
from .models import Volunteer as VolunteerModel
from .permissions import (
    is_manager,
    organization_id_of,
    shifts_visible_to,
    signups_visible_to,
    volunteer_of,
    volunteers_visible_to,
)

#: The organization's own service (warehouse, fundraising, transport…): a shift that is
#: not for another app's activity, and so opens no personal data.
SERVICE_ACTIVITY = "volunteers.service"


def activity_get(key: str) -> duty.Activity | None:
    return next((activity for activity in duty.activities() if activity.key == key), None)


def work_url(shift: Shift) -> str:
    """Where a volunteer on this shift works (the activity's page for the target), or ""."""
    activity = activity_get(shift.activity)
    if activity is None or activity.url is None or not shift.target:
        return ""
    return activity.url(shift.target)


#: The longest shift ``shift_create`` accepts; bounds the duty lookup to an index range.
MAX_SHIFT_LENGTH = timedelta(hours=24)


def duty_grace() -> timedelta:
    return timedelta(minutes=int(settings.SOLIDALE_DUTY_GRACE_MINUTES))


def duties_for(user: Any, activity: str, at: datetime) -> list[Duty]:
    """The duty provider: the user's shifts of this activity whose window holds ``at``.

    Only shifts the user is still signed up for (not cancelled, not swapped away), of
    the organization they act for, through an active volunteer record; the window is
    widened by ``SOLIDALE_DUTY_GRACE_MINUTES`` before the start and after the end.
    """
    organization_id = organization_id_of(user)
    if organization_id is None:
        return []
    grace = duty_grace()
    signups = (
        Signup.objects.filter(
            status=SignupStatus.ACTIVE,
            volunteer__user_id=user.pk,
            volunteer__is_active=True,
            volunteer__organization_id=organization_id,
            shift__organization_id=organization_id,
            shift__status=ShiftStatus.OPEN,
            shift__activity=activity,
            shift__starts_at__lte=at + grace,
            shift__starts_at__gte=at - grace - MAX_SHIFT_LENGTH,
            shift__ends_at__gte=at - grace,
        )
        .select_related("shift")
        .order_by("shift__starts_at")
    )
    return [
        Duty(
            shift_id=signup.shift_id,
            activity=signup.shift.activity,
            organization_id=signup.shift.organization_id,
            starts_at=signup.shift.starts_at,
            ends_at=signup.shift.ends_at,
            target=signup.shift.target,
        )
        for signup in signups
    ]


def my_signups(user: Any, *, now: datetime | None = None) -> tuple[list[Signup], list[Signup]]:
    """The volunteer's current shifts (window holds now, with the grace) and the next ones."""
    record = volunteer_of(user)
    if record is None:
        return [], []
    now = now or timezone.now()
    grace = duty_grace()
    signups = list(
        Signup.objects.filter(
            volunteer=record,
            status=SignupStatus.ACTIVE,
            shift__status=ShiftStatus.OPEN,
            shift__ends_at__gte=now - grace,
            shift__starts_at__gte=now - grace - MAX_SHIFT_LENGTH,
        )
        .select_related("shift")
        .order_by("shift__starts_at")[:20]
    )
    current = [s for s in signups if s.shift.starts_at - grace <= now]
    upcoming = [s for s in signups if s.shift.starts_at - grace > now]
    return current, upcoming


def signups_to_log(user: Any, *, days: int = 60) -> list[Signup]:
    """The volunteer's shifts of the last ``days`` days already started, hours not yet logged."""
    record = volunteer_of(user)
    if record is None:
        return []
    now = timezone.now()
    return list(
        Signup.objects.filter(
            volunteer=record,
            status=SignupStatus.ACTIVE,
            shift__status=ShiftStatus.OPEN,
            shift__starts_at__lte=now,
            shift__starts_at__gte=now - timedelta(days=days),
            hours_status__in=[HoursStatus.NONE, HoursStatus.REJECTED],
        )
        .select_related("shift")
        .order_by("-shift__starts_at")[:20]
    )


def swap_offers_for(user: Any) -> QuerySet[SwapOffer]:
    """Pending offers addressed to the user, for shifts not yet started."""
    record = volunteer_of(user)
    if record is None:
        return SwapOffer.objects.none()
    return SwapOffer.objects.filter(
        to_volunteer=record,
        status=SwapStatus.PENDING,
        signup__status=SignupStatus.ACTIVE,
        signup__shift__starts_at__gt=timezone.now(),
    ).select_related("signup__shift", "signup__volunteer")


def shift_list(
    *, user: Any, upcoming: bool = True, only_open: bool = False, now: datetime | None = None
) -> list[Shift]:
    """The organization's shifts, with ``is_mine`` when the user is signed up."""
    now = now or timezone.now()
    shifts = shifts_visible_to(user)
    if upcoming:
        shifts = shifts.filter(ends_at__gt=now, status=ShiftStatus.OPEN).order_by("starts_at")
    else:
        shifts = shifts.filter(ends_at__lte=now).order_by("-starts_at")
    if only_open:
        shifts = shifts.filter(signed_count__lt=F("capacity"), starts_at__gt=now)
    record = volunteer_of(user)
    mine = Signup.objects.filter(
        shift_id=OuterRef("pk"), status=SignupStatus.ACTIVE, volunteer_id=getattr(record, "pk", 0)
    )
    return list(shifts.annotate(is_mine=Exists(mine))[:200])


def shift_signups(shift: Shift) -> list[Signup]:
    return list(
        shift.signups.filter(status=SignupStatus.ACTIVE)
        .select_related("volunteer", "hours_confirmed_by")
        .order_by("volunteer__full_name")
    )


def signup_of(user: Any, shift: Shift) -> Signup | None:
    record = volunteer_of(user)
    if record is None:
        return None
    return (
        Signup.objects.filter(shift=shift, volunteer=record, status=SignupStatus.ACTIVE)
        .select_related("shift")
        .first()
    )


def swap_candidates(signup: Signup) -> list[VolunteerModel]:
    """The other active volunteers of the organization with an account, to offer a shift to."""
    return list(
        VolunteerModel.objects.active()
        .filter(organization_id=signup.shift.organization_id, user__isnull=False)
        .exclude(pk=signup.volunteer_id)
        .order_by("full_name")
    )


def pending_hours(user: Any) -> list[Signup]:
    if not is_manager(user):
        return []
    return list(
        signups_visible_to(user)
        .filter(hours_status=HoursStatus.LOGGED, status=SignupStatus.ACTIVE)
        .select_related("shift", "volunteer")
        .order_by("shift__starts_at")[:200]
    )


def volunteer_list(*, user: Any, query: str = "", active: bool | None = True) -> list[Any]:
    volunteers = volunteers_visible_to(user).select_related("user")
    if query:
        volunteers = volunteers.filter(
            Q(full_name__icontains=query)
            | Q(languages__icontains=query)
            | Q(email__icontains=query)
        )
    if active is not None:
        volunteers = volunteers.filter(is_active=active)
    return list(volunteers[:500])


@dataclass(frozen=True)
class HoursRow:
    volunteer: Any
    shifts: int
    confirmed: Decimal
    pending: Decimal


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def hours_by_volunteer(*, user: Any, year: int) -> list[HoursRow]:
    """Per volunteer of the organization (or the volunteer themself): shifts and hours in a year."""
    start, end = _year_bounds(year)
    in_year = Q(
        signups__status=SignupStatus.ACTIVE,
        signups__shift__starts_at__gte=start,
        signups__shift__starts_at__lt=end,
        signups__shift__status=ShiftStatus.OPEN,
    )
    volunteers = (
        volunteers_visible_to(user)
        .annotate(
            shift_count=Count("signups", filter=in_year & Q(signups__hours_status="confirmed")),
            confirmed=Sum("signups__hours", filter=in_year & Q(signups__hours_status="confirmed")),
            pending=Sum("signups__hours", filter=in_year & Q(signups__hours_status="logged")),
        )
        .order_by("full_name")
    )
    rows = [
        HoursRow(v, v.shift_count, v.confirmed or Decimal(0), v.pending or Decimal(0))  # type: ignore[attr-defined]
        for v in volunteers
    ]
    return [row for row in rows if row.shifts or row.pending]


def confirmed_signups(volunteer: Any, year: int) -> list[Signup]:
    start, end = _year_bounds(year)
    return list(
        Signup.objects.filter(
            volunteer=volunteer,
            status=SignupStatus.ACTIVE,
            hours_status=HoursStatus.CONFIRMED,
            shift__status=ShiftStatus.OPEN,
            shift__starts_at__gte=start,
            shift__starts_at__lt=end,
        )
        .select_related("shift")
        .order_by("shift__starts_at")
    )


def expiring_volunteers(user: Any, *, today: date, days: int) -> dict[str, list[Any]]:
    """For managers: active volunteers whose insurance / training ends within ``days``."""
    if not is_manager(user):
        return {}
    until = today + timedelta(days=days)
    scope = volunteers_visible_to(user)
    return {
        field: list(scope.expiring(field=field, until=until).order_by(field))
        for field in ("insurance_until", "training_until")
    }
