"""Who may see and do what at the coordination table.

- A meeting is visible to the members of the organization that convened it and of the
  organizations invited to it; to anybody else it answers 404. Its minutes and
  decisions are read by the convening organization while they are written, and by the
  participants once published.
- Only a coordinator of the Comune convenes meetings; the convening organization's
  coordinators run them (agenda, attendance, minutes, decisions, actions, publication).
- An action is visible to its owner organization and to the meeting's participants; the
  owner organization (its operators) and the convening coordinators record progress.
- The needs board is aggregate by design: every member of a network organization reads
  it, including viewers; operators report needs and pledge for other organizations' needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from solidale.accounts.models import REGISTRY_ROLES, Organization, Role

from .models import Action, ActionQuerySet, Meeting, Need, NeedStatus, Participant, Pledge

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

#: The roles that write on the needs board and record progress on actions.
WRITE_ROLES = REGISTRY_ROLES


def _membership(user: AnyUser) -> Any:
    return getattr(user, "membership", None) if user.is_authenticated else None


def organization_id_of(user: AnyUser) -> int | None:
    membership = _membership(user)
    return membership.organization_id if membership is not None else None


@rules.predicate
def is_network_member(user: AnyUser) -> bool:
    """Any member of a network organization (viewers and volunteers included)."""
    return _membership(user) is not None


@rules.predicate
def can_write(user: AnyUser) -> bool:
    membership = _membership(user)
    return membership is not None and membership.role in WRITE_ROLES


@rules.predicate
def can_convene(user: AnyUser) -> bool:
    membership = _membership(user)
    return (
        membership is not None
        and membership.role == Role.COORDINATOR
        and membership.organization.kind == Organization.Kind.COMUNE
    )


def meetings_visible_to(user: AnyUser) -> QuerySet[Meeting]:
    organization_id = organization_id_of(user)
    if organization_id is None:
        return Meeting.objects.none()
    invited = Participant.objects.filter(meeting_id=OuterRef("pk"), organization_id=organization_id)
    return Meeting.objects.filter(Q(organization_id=organization_id) | Exists(invited))


def get_meeting_for_user(user: AnyUser, pk: Any) -> Meeting:
    return get_object_or_404(
        meetings_visible_to(user).select_related("organization", "convened_by"), pk=pk
    )


def is_convener(user: AnyUser, meeting: Meeting) -> bool:
    """A coordinator of the organization that convened the meeting."""
    membership = _membership(user)
    return (
        membership is not None
        and membership.role == Role.COORDINATOR
        and membership.organization_id == meeting.organization_id
    )


@rules.predicate
def can_run(user: AnyUser, meeting: Meeting) -> bool:
    """Agenda, attendance, minutes and decisions: while the meeting is open."""
    return is_convener(user, meeting) and meeting.is_open


@rules.predicate
def can_publish(user: AnyUser, meeting: Meeting) -> bool:
    return is_convener(user, meeting) and not meeting.is_published


def sees_minutes(user: AnyUser, meeting: Meeting) -> bool:
    """The convening organization while writing; the participants once published."""
    return meeting.is_published or organization_id_of(user) == meeting.organization_id


def actions_visible_to(user: AnyUser) -> ActionQuerySet:
    organization_id = organization_id_of(user)
    if organization_id is None:
        return Action.objects.none()
    return Action.objects.filter(
        Q(owner_organization_id=organization_id) | Q(meeting__in=meetings_visible_to(user))
    )


def get_action_for_user(user: AnyUser, pk: Any) -> Action:
    return get_object_or_404(
        actions_visible_to(user).select_related(
            "meeting", "decision__agenda_item", "owner_organization", "owner", "created_by"
        ),
        pk=pk,
    )


@rules.predicate
def can_update_action(user: AnyUser, action: Action) -> bool:
    if not action.is_active or not can_write(user):
        return False
    return organization_id_of(user) == action.owner_organization_id or is_convener(
        user, action.meeting
    )


def needs_visible_to(user: AnyUser) -> QuerySet[Need]:
    if not is_network_member(user):
        return Need.objects.none()
    return Need.objects.all()


def get_need_for_user(user: AnyUser, pk: Any) -> Need:
    return get_object_or_404(
        needs_visible_to(user).select_related(
            "organization", "category", "neighbourhood", "reported_by"
        ),
        pk=pk,
    )


@rules.predicate
def can_edit_need(user: AnyUser, need: Need) -> bool:
    return (
        can_write(user)
        and organization_id_of(user) == need.organization_id
        and need.status != NeedStatus.CLOSED
    )


@rules.predicate
def can_pledge(user: AnyUser, need: Need) -> bool:
    """Another organization answers a need still open (not met, not closed)."""
    return (
        can_write(user)
        and organization_id_of(user) != need.organization_id
        and need.status in (NeedStatus.OPEN, NeedStatus.PARTIALLY_MET)
    )


def get_pledge_for_user(user: AnyUser, pk: Any) -> Pledge:
    return get_object_or_404(
        Pledge.objects.filter(need__in=needs_visible_to(user)).select_related(
            "need", "organization"
        ),
        pk=pk,
    )


@rules.predicate
def can_update_pledge(user: AnyUser, pledge: Pledge) -> bool:
    """The pledging organization or the need's organization move a pledge forward."""
    return can_write(user) and organization_id_of(user) in (
        pledge.organization_id,
        pledge.need.organization_id,
    )


rules.add_perm("tavolo.view", is_network_member)
rules.add_perm("tavolo.write", can_write)
rules.add_perm("tavolo.convene", can_convene)
rules.add_perm("tavolo.run_meeting", can_run)
rules.add_perm("tavolo.publish", can_publish)
rules.add_perm("tavolo.update_action", can_update_action)
rules.add_perm("tavolo.edit_need", can_edit_need)
rules.add_perm("tavolo.pledge", can_pledge)
rules.add_perm("tavolo.update_pledge", can_update_pledge)
