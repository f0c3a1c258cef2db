"""Who may manage members, tokens and read the audit trail; scoped getters answer 404 out of scope."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import ApiToken, ApiTokenQuerySet, Membership, Organization, Role


def manages_members(membership: Membership | None) -> bool:
    """An org_admin manages their organization; a Comune coordinator manages the Comune."""
    if membership is None:
        return False
    if membership.role == Role.ORG_ADMIN:
        return True
    return membership.role == Role.COORDINATOR and membership.organization.is_comune


@rules.predicate
def can_manage_members(user: Any) -> bool:
    return bool(user.is_authenticated) and manages_members(user.membership)


@rules.predicate
def can_read_audit(user: Any) -> bool:
    return bool(user.is_authenticated) and user.role in {Role.COORDINATOR, Role.ORG_ADMIN}


@rules.predicate
def reads_every_organization_audit(user: Any) -> bool:
    """A Comune coordinator sees the whole network's trail; everyone else their organization's."""
    membership = user.membership if user.is_authenticated else None
    return (
        membership is not None
        and membership.role == Role.COORDINATOR
        and membership.organization.is_comune
    )


@rules.predicate
def can_use_api_tokens(user: Any) -> bool:
    return bool(user.is_authenticated) and user.membership is not None


def assignable_roles(organization: Organization) -> frozenset[str]:
    """The roles that make sense in an organization of this kind."""
    common = {Role.ORG_ADMIN, Role.ORG_OPERATOR, Role.VOLUNTEER, Role.VIEWER}
    if organization.kind == Organization.Kind.COMUNE:
        return frozenset(common | {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.DESK_OPERATOR})
    if organization.kind == Organization.Kind.ERP:
        return frozenset(common | {Role.HOUSING_OFFICER})
    return frozenset(common)


def memberships_visible_to(user: Any) -> QuerySet[Membership]:
    """The memberships of the organization the user manages (none if they manage none)."""
    if not can_manage_members(user):
        return Membership.objects.none()
    return Membership.objects.filter(organization=user.organization)


def get_membership_for_user(user: Any, pk: int) -> Membership:
    return get_object_or_404(
        memberships_visible_to(user).select_related("user", "organization"), pk=pk
    )


def api_tokens_visible_to(user: Any) -> ApiTokenQuerySet:
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def get_api_token_for_user(user: Any, pk: int) -> ApiToken:
    return get_object_or_404(api_tokens_visible_to(user), pk=pk)
