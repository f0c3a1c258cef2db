"""Who may see and do what with appointments.

An organization sees the offices it runs and the slots and appointments at them; nothing
else. Roles that work with persons' records (``REGISTRY_ROLES``) book, move and cancel;
coordinators and organization administrators also manage opening hours and schedules.
Everything out of scope answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from solidale.accounts.models import REGISTRY_ROLES, User
from solidale.desk.models import Office

from .models import Appointment, OpeningHours, OperatorSchedule, Slot
from .services import MANAGER_ROLES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    AnyUser = User | AnonymousUser


def _organization_id(user: AnyUser) -> int | None:
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None or membership.role not in REGISTRY_ROLES:
        return None
    return membership.organization_id


@rules.predicate
def can_use_appointments(user: AnyUser) -> bool:
    return _organization_id(user) is not None


@rules.predicate
def can_manage_schedules(user: AnyUser) -> bool:
    return can_use_appointments(user) and getattr(user, "role", None) in MANAGER_ROLES


rules.add_perm("appointments.use", can_use_appointments)
rules.add_perm("appointments.manage_schedules", can_manage_schedules)


def offices_visible_to(user: AnyUser) -> QuerySet[Office]:
    organization_id = _organization_id(user)
    if organization_id is None:
        return Office.objects.none()
    return Office.objects.filter(organization_id=organization_id, is_active=True)


def get_office_for_user(user: AnyUser, pk: Any) -> Office:
    return get_object_or_404(offices_visible_to(user).select_related("organization"), pk=pk)


def get_managed_office_for_user(user: AnyUser, pk: Any) -> Office:
    """The office, for its organization's coordinators and administrators only."""
    if not can_manage_schedules(user):
        return get_object_or_404(Office.objects.none(), pk=pk)
    return get_office_for_user(user, pk)


def appointments_visible_to(user: AnyUser) -> QuerySet[Appointment]:
    return Appointment.objects.visible_to(user)


def get_appointment_for_user(user: AnyUser, pk: Any) -> Appointment:
    return get_object_or_404(
        appointments_visible_to(user).select_related(
            "slot__office", "slot__operator", "person", "need", "booked_by", "moved_to__slot"
        ),
        pk=pk,
    )


def slots_visible_to(user: AnyUser) -> QuerySet[Slot]:
    return Slot.objects.filter(office__in=offices_visible_to(user))


def get_slot_for_user(user: AnyUser, pk: Any) -> Slot:
    return get_object_or_404(slots_visible_to(user).select_related("office", "operator"), pk=pk)


def operators_visible_to(user: AnyUser) -> QuerySet[User]:
    """The active members of the user's organization who may receive appointments."""
    organization_id = _organization_id(user)
    if organization_id is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__is_active=True,
            memberships__role__in=REGISTRY_ROLES,
        )
        .distinct()
        .order_by("full_name")
    )


def get_operator_for_user(user: AnyUser, pk: Any) -> User:
    return get_object_or_404(operators_visible_to(user), pk=pk)


def get_schedule_for_user(user: AnyUser, pk: Any) -> OperatorSchedule:
    if not can_manage_schedules(user):
        return get_object_or_404(OperatorSchedule.objects.none(), pk=pk)
    return get_object_or_404(
        OperatorSchedule.objects.filter(office__in=offices_visible_to(user)).select_related(
            "office", "operator"
        ),
        pk=pk,
    )


def get_opening_hours_for_user(user: AnyUser, pk: Any) -> OpeningHours:
    if not can_manage_schedules(user):
        return get_object_or_404(OpeningHours.objects.none(), pk=pk)
    return get_object_or_404(
        OpeningHours.objects.filter(office__in=offices_visible_to(user)).select_related("office"),
        pk=pk,
    )
