"""Who may see and do what in the cold emergency.

- The Comune's coordinator writes the season plan and opens, approves, extends and
  closes activations. The Comune's registry roles (coordinator, social worker, desk)
  see every facility, every guest and every encounter.
- A shelter operator (operator or admin of the organization running a facility) sees
  that facility's bed board and guests only; a volunteer of that organization does so
  only while on duty for ``shelter.facility``.
- A street unit is an organization on duty in a season's plan: its operators start
  rounds and log encounters; its volunteers only while on duty for ``shelter.outreach``,
  and they see their own organization's rounds of the night, nothing else.
- The situation report and the hot-spot map are aggregate: every member of the Comune
  (viewers included) and of the organizations on duty reads them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from solidale.accounts.models import REGISTRY_ROLES, Organization, Role
from solidale.core.duty import on_duty

from .models import Encounter, Facility, FollowUp, Round, Season, Stay

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

OUTREACH = "shelter.outreach"
FACILITY = "shelter.facility"
#: Roles that work directly (not through a shift) for their organization.
OPERATOR_ROLES = frozenset({Role.ORG_ADMIN, Role.ORG_OPERATOR, Role.COORDINATOR})


def _membership(user: AnyUser) -> Any:
    return getattr(user, "membership", None) if user.is_authenticated else None


def organization_id_of(user: AnyUser) -> int | None:
    membership = _membership(user)
    return membership.organization_id if membership is not None else None


@rules.predicate
def is_comune_staff(user: AnyUser) -> bool:
    """A Comune member who works with persons (coordinator, social worker, desk)."""
    membership = _membership(user)
    return (
        membership is not None
        and membership.organization.kind == Organization.Kind.COMUNE
        and membership.role in REGISTRY_ROLES
    )


@rules.predicate
def is_coordinator(user: AnyUser) -> bool:
    membership = _membership(user)
    return (
        membership is not None
        and membership.organization.kind == Organization.Kind.COMUNE
        and membership.role == Role.COORDINATOR
    )


def on_duty_organizations() -> QuerySet[Organization]:
    """The organizations named on duty in a season plan that is not over."""
    today = timezone.localdate()
    return Organization.objects.filter(
        pk__in=Season.organizations.through.objects.filter(season__ends_on__gte=today).values(
            "organization_id"
        )
    )


@rules.predicate
def sees_aggregates(user: AnyUser) -> bool:
    """The situation report and the hot spots: the Comune and the organizations on duty."""
    membership = _membership(user)
    if membership is None:
        return False
    if membership.organization.kind == Organization.Kind.COMUNE:
        return True
    return (
        membership.role != Role.VOLUNTEER
        and on_duty_organizations().filter(pk=membership.organization_id).exists()
    ) or facilities_visible_to(user).exists()


@rules.predicate
def can_do_outreach(user: AnyUser) -> bool:
    """Start rounds and log encounters for the user's organization."""
    membership = _membership(user)
    if membership is None:
        return False
    if is_comune_staff(user):
        return True
    if not on_duty_organizations().filter(pk=membership.organization_id).exists():
        return False
    if membership.role in OPERATOR_ROLES:
        return True
    return membership.role == Role.VOLUNTEER and on_duty(user, OUTREACH) is not None


def sees_names(user: AnyUser) -> bool:
    """Volunteers log and read aliases; only staff read registry names on the street log."""
    return is_comune_staff(user) or (
        _membership(user) is not None and _membership(user).role in OPERATOR_ROLES
    )


def facilities_visible_to(user: AnyUser) -> QuerySet[Facility]:
    membership = _membership(user)
    if membership is None:
        return Facility.objects.none()
    if is_comune_staff(user):
        return Facility.objects.all()
    own = Facility.objects.filter(organization_id=membership.organization_id)
    if membership.role in OPERATOR_ROLES:
        return own
    if membership.role == Role.VOLUNTEER:
        duty = on_duty(user, FACILITY)
        if duty is None:
            return Facility.objects.none()
        if duty.target.startswith("shelter.facility:"):
            return own.filter(pk=duty.target.split(":", 1)[1])
        return own
    return Facility.objects.none()


def get_facility_for_user(user: AnyUser, pk: Any) -> Facility:
    return get_object_or_404(facilities_visible_to(user).select_related("organization"), pk=pk)


def stays_visible_to(user: AnyUser) -> QuerySet[Stay]:
    return Stay.objects.filter(bed__facility__in=facilities_visible_to(user))


def get_stay_for_user(user: AnyUser, pk: Any) -> Stay:
    return get_object_or_404(
        stays_visible_to(user).select_related("bed__facility", "person"), pk=pk
    )


def rounds_visible_to(user: AnyUser) -> QuerySet[Round]:
    if is_comune_staff(user):
        return Round.objects.all()
    if not can_do_outreach(user):
        return Round.objects.none()
    membership = _membership(user)
    rounds = Round.objects.filter(organization_id=membership.organization_id)
    if membership.role == Role.VOLUNTEER:
        return rounds.filter(night__gte=timezone.localdate() - timedelta(days=1))
    return rounds


def get_round_for_user(user: AnyUser, pk: Any) -> Round:
    return get_object_or_404(rounds_visible_to(user).select_related("organization"), pk=pk)


def encounters_visible_to(user: AnyUser) -> QuerySet[Encounter]:
    return Encounter.objects.filter(round__in=rounds_visible_to(user))


def followups_visible_to(user: AnyUser) -> QuerySet[FollowUp]:
    """The follow-up list is the Comune's desk work, with the street units that met them."""
    if is_comune_staff(user):
        return FollowUp.objects.all()
    membership = _membership(user)
    if membership is None or membership.role not in OPERATOR_ROLES:
        return FollowUp.objects.none()
    return FollowUp.objects.filter(Q(encounter__round__organization_id=membership.organization_id))


def get_followup_for_user(user: AnyUser, pk: Any) -> FollowUp:
    return get_object_or_404(followups_visible_to(user), pk=pk)


def can_use_shelter(user: AnyUser) -> bool:
    """Anything at all in the area: the overview page."""
    return sees_aggregates(user) or can_do_outreach(user) or facilities_visible_to(user).exists()


rules.add_perm("shelter.coordinate", is_coordinator)
rules.add_perm("shelter.outreach", can_do_outreach)
rules.add_perm("shelter.report", sees_aggregates)
