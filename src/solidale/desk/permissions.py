"""Who sees and does what at the Segretariato Sociale.

An organization sees the accesses it recorded (the Comune's social roles see the
Comune's). Online requests go to the Comune: its desk operators, social workers and
coordinators triage them; a citizen sees only the requests sent from their account.
Everything out of scope is a 404, as for persons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from solidale.accounts.models import REGISTRY_ROLES, Role

from .models import Access, OnlineRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

#: Roles that record accesses at their organization's doors.
DESK_ROLES = REGISTRY_ROLES
#: The Comune's roles that triage online requests.
TRIAGE_ROLES = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.DESK_OPERATOR})
#: Roles that assign the queue to others (bulk assignment).
COORDINATOR_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


def _role(user: AnyUser) -> str | None:
    return getattr(user, "role", None) if user.is_authenticated else None


def can_use_desk(user: AnyUser) -> bool:
    return _role(user) in DESK_ROLES


def can_triage_requests(user: AnyUser) -> bool:
    organization = getattr(user, "organization", None) if user.is_authenticated else None
    return _role(user) in TRIAGE_ROLES and organization is not None and organization.is_comune


def can_coordinate(user: AnyUser) -> bool:
    return _role(user) in COORDINATOR_ROLES


def is_citizen(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_citizen", False))


def accesses_visible_to(user: AnyUser) -> QuerySet[Access]:
    if not can_use_desk(user):
        return Access.objects.none()
    return Access.objects.filter(organization=getattr(user, "organization", None))


def get_access_for_user(user: AnyUser, pk: Any) -> Access:
    return get_object_or_404(
        accesses_visible_to(user).select_related(
            "person", "office", "operator", "organization", "assigned_to"
        ),
        pk=pk,
    )


def online_requests_visible_to(user: AnyUser) -> QuerySet[OnlineRequest]:
    if can_triage_requests(user):
        return OnlineRequest.objects.filter(organization=getattr(user, "organization", None))
    return OnlineRequest.objects.none()


def get_online_request_for_user(user: AnyUser, pk: Any) -> OnlineRequest:
    return get_object_or_404(
        online_requests_visible_to(user).select_related("category", "assigned_to", "citizen"),
        pk=pk,
    )


def citizen_requests(user: AnyUser) -> QuerySet[OnlineRequest]:
    if not is_citizen(user):
        return OnlineRequest.objects.none()
    return OnlineRequest.objects.filter(citizen_id=user.pk)


rules.add_perm("desk.use", rules.predicate(can_use_desk))
rules.add_perm("desk.triage_requests", rules.predicate(can_triage_requests))
rules.add_perm("desk.coordinate", rules.predicate(can_coordinate))
