"""Who sees which part of the cruscotto.

- The service manager's dashboard, the results report and the SIUSS flows belong to the
  Comune: its coordinators, social workers and viewers (viewers: aggregates only, with
  small counts of people shown as "<5").
- Every member of a network organization (volunteers excepted) sees their organization's
  dashboard and the neighbourhood dashboards (aggregates only, small counts suppressed).
- The alert inbox: items assigned to the user, and the items of the user's organization
  that have no assignee (coordinators see all their organization's items). Coordinators
  tune the rules and refresh the summary; viewers read the rules and their statistics.
- An export is downloadable by its requester alone, until it expires.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from solidale.accounts.models import Organization, Role

from .models import AlertItem, AlertStatus, ExportJob

MANAGER_ROLES = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.VIEWER})
#: Roles that act on alert items of their organization.
INBOX_ROLES = frozenset(
    {
        Role.COORDINATOR,
        Role.SOCIAL_WORKER,
        Role.DESK_OPERATOR,
        Role.ORG_ADMIN,
        Role.ORG_OPERATOR,
        Role.HOUSING_OFFICER,
    }
)
#: Roles that see every item of their organization, assigned or not.
OVERSEER_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


def membership_of(user: Any) -> Any:
    return getattr(user, "membership", None) if user.is_authenticated else None


def role_of(user: Any) -> str | None:
    membership = membership_of(user)
    return membership.role if membership is not None else None


@rules.predicate
def is_staff_member(user: Any) -> bool:
    """A member of a network organization, volunteers excepted."""
    role = role_of(user)
    return role is not None and role != Role.VOLUNTEER


@rules.predicate
def is_manager(user: Any) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in MANAGER_ROLES
        and membership.organization.kind == Organization.Kind.COMUNE
    )


@rules.predicate
def is_comune_coordinator(user: Any) -> bool:
    return is_manager(user) and role_of(user) == Role.COORDINATOR


@rules.predicate
def aggregates_only(user: Any) -> bool:
    return role_of(user) == Role.VIEWER


@rules.predicate
def uses_inbox(user: Any) -> bool:
    return role_of(user) in INBOX_ROLES


def alerts_visible_to(user: Any) -> QuerySet[AlertItem]:
    membership = membership_of(user)
    if membership is None or membership.role not in INBOX_ROLES:
        return AlertItem.objects.none()
    scope = Q(assignee_id=user.pk)
    if membership.role in OVERSEER_ROLES:
        scope |= Q(organization_id=membership.organization_id)
    else:
        scope |= Q(organization_id=membership.organization_id, assignee__isnull=True)
    return AlertItem.objects.filter(scope)


def get_alert_for_user(user: Any, pk: Any) -> AlertItem:
    return get_object_or_404(alerts_visible_to(user).select_related("organization"), pk=pk)


def can_close_alert(user: Any, item: AlertItem) -> bool:
    return item.status == AlertStatus.OPEN and alerts_visible_to(user).filter(pk=item.pk).exists()


def get_export_for_user(user: Any, pk: Any) -> ExportJob:
    """Only the requester reaches an export; anybody else gets 404."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(ExportJob, pk=pk, requested_by_id=user.pk)
