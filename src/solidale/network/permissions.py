"""Who may see and change what in the network.

The directory itself is public: services, locations and organizations hold no personal
data. Staff pages need a membership. An organization's profile and services are edited
by its own administrators and by the Comune's coordinators; its live capacity by any of
its members who work on services (not viewers). Out-of-scope objects answer 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import QuerySet
from django.http import Http404

from solidale.accounts.models import Organization, Role

from .models import Capacity, Schedule, Service

if TYPE_CHECKING:
    from solidale.accounts.models import User

#: Roles that may change the live capacity of their organization's services.
CAPACITY_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.SOCIAL_WORKER,
        Role.DESK_OPERATOR,
        Role.ORG_ADMIN,
        Role.ORG_OPERATOR,
        Role.VOLUNTEER,
        Role.HOUSING_OFFICER,
    }
)


def _membership(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False):
        return None
    return user.membership


@rules.predicate
def is_staff_member(user: Any) -> bool:
    return _membership(user) is not None


@rules.predicate
def is_comune_coordinator(user: Any) -> bool:
    membership = _membership(user)
    return bool(
        membership is not None
        and membership.role == Role.COORDINATOR
        and membership.organization.kind == Organization.Kind.COMUNE
    )


@rules.predicate
def can_edit_organization(user: Any, organization: Organization) -> bool:
    membership = _membership(user)
    if membership is None:
        return False
    if is_comune_coordinator(user):
        return True
    return membership.organization_id == organization.pk and membership.role == Role.ORG_ADMIN


@rules.predicate
def can_update_capacity(user: Any, organization: Organization) -> bool:
    membership = _membership(user)
    if membership is None:
        return False
    if is_comune_coordinator(user):
        return True
    return membership.organization_id == organization.pk and membership.role in CAPACITY_ROLES


rules.add_perm("network.view_staff_pages", is_staff_member)
rules.add_perm("network.manage_agreements", is_comune_coordinator)


def require_staff(user: Any) -> None:
    """Citizens and anonymous visitors get the same 404 as an unknown page."""
    if not is_staff_member(user):
        raise Http404


def organizations_visible_to(user: Any) -> QuerySet[Organization]:
    require_staff(user)
    return Organization.objects.filter(is_active=True)


def get_organization_for_user(user: Any, pk: int) -> Organization:
    try:
        return organizations_visible_to(user).get(pk=pk)
    except Organization.DoesNotExist as missing:
        raise Http404 from missing


def get_organization_for_edit(user: Any, pk: int) -> Organization:
    organization = get_organization_for_user(user, pk)
    if not can_edit_organization(user, organization):
        raise Http404
    return organization


def services_editable_by(user: Any) -> QuerySet[Service]:
    """The services the user may edit: their organization's (every one for a coordinator)."""
    membership = _membership(user)
    if membership is None:
        return Service.objects.none()
    if is_comune_coordinator(user):
        return Service.objects.all()
    if membership.role != Role.ORG_ADMIN:
        return Service.objects.none()
    return Service.objects.filter(organization_id=membership.organization_id)


def services_of_my_organization(user: Any) -> QuerySet[Service]:
    """The services the user's organization runs (the staff list and its capacity)."""
    membership = _membership(user)
    if membership is None:
        return Service.objects.none()
    return Service.objects.filter(organization_id=membership.organization_id)


def get_service_for_edit(user: Any, pk: int) -> Service:
    try:
        return services_editable_by(user).select_related("organization").get(pk=pk)
    except Service.DoesNotExist as missing:
        raise Http404 from missing


def capacities_updatable_by(user: Any) -> QuerySet[Capacity]:
    membership = _membership(user)
    if membership is None:
        return Capacity.objects.none()
    if is_comune_coordinator(user):
        return Capacity.objects.all()
    if membership.role not in CAPACITY_ROLES:
        return Capacity.objects.none()
    return Capacity.objects.filter(service__organization_id=membership.organization_id)


def get_capacity_for_update(user: Any, pk: int) -> Capacity:
    try:
        return capacities_updatable_by(user).select_related("service__organization").get(pk=pk)
    except Capacity.DoesNotExist as missing:
        raise Http404 from missing


def user_may_edit_services(user: User | Any) -> bool:
    membership = _membership(user)
    return membership is not None and (
        membership.role == Role.ORG_ADMIN or is_comune_coordinator(user)
    )


def get_schedule_for_edit(user: Any, pk: int) -> Schedule:
    try:
        return Schedule.objects.select_related("service__organization").get(
            pk=pk, service__in=services_editable_by(user)
        )
    except Schedule.DoesNotExist as missing:
        raise Http404 from missing
