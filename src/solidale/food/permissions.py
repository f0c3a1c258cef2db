"""Who may see and do what in food support.

- Programs, cards, stock and rounds belong to an organization: its operators, admins and
  (for the Comune) social workers, desk operators and coordinators manage them; other
  organizations see nothing of them (404).
- A card is also reachable, at the counter, by the organizations whose distribution points
  serve its program: the counter shows name, household size, card status and entitlement —
  never case notes.
- A volunteer uses the counter of a point only while on duty there (``food.distribution``
  shift for that point) and sees only what the counter needs.
- Viewers read aggregate figures only. Exceptions to eligibility rules are decided by a
  social worker (or coordinator) of the Comune.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from solidale.accounts.models import Organization, Role
from solidale.core.duty import on_duty

from .models import (
    Card,
    Distribution,
    DistributionPoint,
    MealRecipient,
    Program,
    Round,
    Transfer,
    Warehouse,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

DUTY_ACTIVITY = "food.distribution"
#: Roles that manage food support in their organization (not volunteers, viewers, ERP).
MANAGER_ROLES = frozenset(
    {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.DESK_OPERATOR, Role.ORG_ADMIN, Role.ORG_OPERATOR}
)


def membership_of(user: AnyUser) -> Any:
    return getattr(user, "membership", None) if user.is_authenticated else None


def organization_id_of(user: AnyUser) -> int | None:
    membership = membership_of(user)
    return membership.organization_id if membership is not None else None


@rules.predicate
def is_manager(user: AnyUser) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in MANAGER_ROLES


@rules.predicate
def is_network_member(user: AnyUser) -> bool:
    return membership_of(user) is not None


@rules.predicate
def sees_figures(user: AnyUser) -> bool:
    """Managers and viewers read the aggregate figures."""
    membership = membership_of(user)
    return membership is not None and membership.role in (MANAGER_ROLES | {Role.VIEWER})


@rules.predicate
def can_decide_exceptions(user: AnyUser) -> bool:
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in (Role.SOCIAL_WORKER, Role.COORDINATOR)
        and membership.organization.kind == Organization.Kind.COMUNE
    )


@rules.predicate
def can_create_program(user: AnyUser) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in (Role.COORDINATOR, Role.ORG_ADMIN)


def programs_managed_by(user: AnyUser) -> QuerySet[Program]:
    if not is_manager(user):
        return Program.objects.none()
    return Program.objects.filter(organization_id=membership_of(user).organization_id)


def get_program_for_user(user: AnyUser, pk: Any) -> Program:
    return get_object_or_404(programs_managed_by(user).select_related("organization"), pk=pk)


def cards_managed_by(user: AnyUser) -> QuerySet[Card]:
    return Card.objects.filter(program__in=programs_managed_by(user))


def get_card_for_user(user: AnyUser, pk: Any) -> Card:
    return get_object_or_404(
        cards_managed_by(user).select_related("program", "household", "holder"), pk=pk
    )


def points_of(user: AnyUser) -> QuerySet[DistributionPoint]:
    organization_id = organization_id_of(user)
    if organization_id is None:
        return DistributionPoint.objects.none()
    return DistributionPoint.objects.filter(organization_id=organization_id, is_active=True)


def can_use_counter(user: AnyUser, point: DistributionPoint) -> bool:
    membership = membership_of(user)
    if membership is None or membership.organization_id != point.organization_id:
        return False
    if membership.role in MANAGER_ROLES:
        return True
    return membership.role == Role.VOLUNTEER and (
        on_duty(user, DUTY_ACTIVITY, target=point.duty_target) is not None
    )


def get_counter_point(user: AnyUser, pk: Any) -> DistributionPoint:
    """The point whose counter the user may use now; 404 otherwise (off duty included)."""
    point = get_object_or_404(points_of(user), pk=pk)
    if not can_use_counter(user, point):
        raise Http404
    return point


def get_counter_card(point: DistributionPoint, code: str) -> Card:
    """A card whose program is served at this point (the counter's only way to a card)."""
    return get_object_or_404(
        Card.objects.select_related("program", "household", "holder").filter(program__points=point),
        code=code.strip().upper(),
    )


def warehouses_of(user: AnyUser) -> QuerySet[Warehouse]:
    if not is_manager(user):
        return Warehouse.objects.none()
    return Warehouse.objects.filter(organization_id=membership_of(user).organization_id)


def get_warehouse_for_user(user: AnyUser, pk: Any) -> Warehouse:
    return get_object_or_404(warehouses_of(user).select_related("point"), pk=pk)


def transfers_visible_to(user: AnyUser) -> QuerySet[Transfer]:
    mine = warehouses_of(user)
    return Transfer.objects.filter(Q(from_warehouse__in=mine) | Q(to_warehouse__in=mine))


def get_transfer_for_user(user: AnyUser, pk: Any) -> Transfer:
    return get_object_or_404(
        transfers_visible_to(user).select_related("from_warehouse", "to_warehouse"), pk=pk
    )


def distributions_visible_to(user: AnyUser) -> QuerySet[Distribution]:
    """Distributions at the user's points, or on cards of the programs the user manages."""
    if not is_manager(user):
        return Distribution.objects.none()
    return Distribution.objects.filter(
        Q(organization_id=membership_of(user).organization_id)
        | Q(program__in=programs_managed_by(user))
    )


def rounds_visible_to(user: AnyUser) -> QuerySet[Round]:
    if not is_manager(user):
        return Round.objects.none()
    return Round.objects.filter(kitchen__organization_id=membership_of(user).organization_id)


def get_round_for_user(user: AnyUser, pk: Any) -> Round:
    return get_object_or_404(rounds_visible_to(user).select_related("kitchen"), pk=pk)


def meal_recipients_visible_to(user: AnyUser) -> QuerySet[MealRecipient]:
    return MealRecipient.objects.filter(card__in=cards_managed_by(user))


rules.add_perm("food.manage", is_manager)
rules.add_perm("food.figures", sees_figures)
rules.add_perm("food.decide_exceptions", can_decide_exceptions)
rules.add_perm("food.create_program", can_create_program)
