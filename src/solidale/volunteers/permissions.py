"""Who may see and do what with volunteers and shifts.

- An organization's registry of volunteers is kept by its managers (admin, operators,
  and the Comune's coordinators for the Comune's own volunteers); a volunteer sees their
  own record only. Anybody else gets 404.
- The shifts of an organization are seen by its managers and by its active volunteers
  (a user with a volunteer record there); volunteers sign up, cancel, offer a swap and
  log their hours; managers create shifts and confirm the hours.
- Viewers, citizens and other organizations see nothing of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import rules
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from solidale.accounts.models import Role

from .models import Shift, Signup, SwapOffer, SwapStatus, Volunteer, VolunteerQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

#: The roles that keep the registry, plan shifts and confirm hours for their organization.
MANAGER_ROLES = frozenset({Role.ORG_ADMIN, Role.ORG_OPERATOR, Role.COORDINATOR})


def _membership(user: AnyUser) -> Any:
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "membership", None)


def organization_id_of(user: AnyUser) -> int | None:
    membership = _membership(user)
    return membership.organization_id if membership is not None else None


@rules.predicate
def is_manager(user: AnyUser) -> bool:
    membership = _membership(user)
    return membership is not None and membership.role in MANAGER_ROLES


def volunteer_of(user: AnyUser) -> Volunteer | None:
    """The active volunteer record of the user in the organization they act for."""
    organization_id = organization_id_of(user)
    if organization_id is None:
        return None
    cache: dict[int, Volunteer | None] = user.__dict__.setdefault("_volunteer_records", {})
    if organization_id in cache:
        return cache[organization_id]
    record = (
        Volunteer.objects.active()
        .filter(user_id=cast(int, user.pk), organization_id=organization_id)
        .select_related("organization")
        .first()
    )
    cache[organization_id] = record
    return record


@rules.predicate
def is_volunteer(user: AnyUser) -> bool:
    return volunteer_of(user) is not None


def takes_part(user: AnyUser) -> bool:
    """A manager, or a volunteer of the organization: they see its shifts."""
    return is_manager(user) or is_volunteer(user)


def volunteers_visible_to(user: AnyUser) -> VolunteerQuerySet:
    organization_id = organization_id_of(user)
    if organization_id is not None and is_manager(user):
        return Volunteer.objects.filter(organization_id=organization_id)
    record = volunteer_of(user)
    return Volunteer.objects.filter(pk=record.pk) if record else Volunteer.objects.none()


def get_volunteer_for_user(user: AnyUser, pk: Any) -> Volunteer:
    return get_object_or_404(volunteers_visible_to(user).select_related("organization"), pk=pk)


def shifts_visible_to(user: AnyUser) -> QuerySet[Shift]:
    organization_id = organization_id_of(user)
    if organization_id is None or not takes_part(user):
        return Shift.objects.none()
    return Shift.objects.filter(organization_id=organization_id)


def get_shift_for_user(user: AnyUser, pk: Any) -> Shift:
    return get_object_or_404(shifts_visible_to(user), pk=pk)


def signups_visible_to(user: AnyUser) -> QuerySet[Signup]:
    """Managers: every signup of their organization; a volunteer: their own."""
    organization_id = organization_id_of(user)
    if organization_id is not None and is_manager(user):
        return Signup.objects.filter(shift__organization_id=organization_id)
    record = volunteer_of(user)
    if record is None:
        return Signup.objects.none()
    return Signup.objects.filter(volunteer=record)


def get_signup_for_user(user: AnyUser, pk: Any) -> Signup:
    return get_object_or_404(
        signups_visible_to(user).select_related("shift", "volunteer", "volunteer__user"), pk=pk
    )


def get_swap_for_recipient(user: AnyUser, pk: Any) -> SwapOffer:
    """A pending offer addressed to the user's volunteer record."""
    record = volunteer_of(user)
    if record is None:
        raise Http404
    return get_object_or_404(
        SwapOffer.objects.select_related("signup__shift", "signup__volunteer"),
        pk=pk,
        to_volunteer=record,
        status=SwapStatus.PENDING,
    )


def is_own_signup(user: AnyUser, signup: Signup) -> bool:
    record = volunteer_of(user)
    return record is not None and signup.volunteer_id == record.pk


def manages(user: AnyUser, organization_id: int) -> bool:
    return is_manager(user) and organization_id_of(user) == organization_id
