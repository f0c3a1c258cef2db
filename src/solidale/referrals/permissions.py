"""Who may see and do what on a referral.

- A referral is visible to the staff (registry roles) of its two organizations, the
  sender and the receiver, and to nobody else: out of scope it answers 404.
- One owner at a time: the sender until acceptance (it may withdraw it), the receiver
  from acceptance (it starts and completes it).
- Access follows the referral: the receiver sees the person's fields the sender shared,
  only from acceptance (name and contacts before, only if the sender marked it), and
  after the referral is closed only what it recorded itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from solidale.accounts.models import REGISTRY_ROLES, Organization, Role
from solidale.people.models import FieldSet
from solidale.people.permissions import person_fieldsets_for

from .models import (
    OWNED_BY_RECEIVER,
    SHAREABLE_FIELDSETS,
    Referral,
    ReferralComment,
    ReferralEvent,
    ReferralStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

#: The roles that send, receive and handle referrals.
REFERRAL_ROLES = REGISTRY_ROLES
#: The roles that read the referral statistics (aggregates only).
STATS_ROLES = REGISTRY_ROLES | {Role.VIEWER}


def _membership(user: AnyUser) -> Any:
    return getattr(user, "membership", None) if user.is_authenticated else None


def _organization_id(user: AnyUser) -> int | None:
    membership = _membership(user)
    return membership.organization_id if membership is not None else None


@rules.predicate
def can_use_referrals(user: AnyUser) -> bool:
    membership = _membership(user)
    return membership is not None and membership.role in REFERRAL_ROLES


@rules.predicate
def can_view_stats(user: AnyUser) -> bool:
    membership = _membership(user)
    return membership is not None and membership.role in STATS_ROLES


def sees_network_stats(user: AnyUser) -> bool:
    """The Comune reads the statistics of the whole network; others, their own organization's."""
    membership = _membership(user)
    return (
        can_view_stats(user)
        and membership.organization.kind == Organization.Kind.COMUNE
        and membership.role in (Role.COORDINATOR, Role.VIEWER, Role.SOCIAL_WORKER)
    )


@rules.predicate
def can_override_consent(user: AnyUser) -> bool:
    """A Comune coordinator may send without consent, stating why (audited)."""
    membership = _membership(user)
    return (
        membership is not None
        and membership.role == Role.COORDINATOR
        and membership.organization.kind == Organization.Kind.COMUNE
    )


def referrals_visible_to(user: AnyUser) -> QuerySet[Referral]:
    if not can_use_referrals(user):
        return Referral.objects.none()
    organization_id = _organization_id(user)
    return Referral.objects.filter(
        Q(sender_organization_id=organization_id) | Q(receiver_organization_id=organization_id)
    )


def get_referral_for_user(user: AnyUser, pk: Any) -> Referral:
    return get_object_or_404(
        referrals_visible_to(user).select_related(
            "person",
            "service",
            "need",
            "sender_organization",
            "receiver_organization",
            "sent_by",
            "handled_by",
        ),
        pk=pk,
    )


def is_sender(user: AnyUser, referral: Referral) -> bool:
    return can_use_referrals(user) and _organization_id(user) == referral.sender_organization_id


def is_receiver(user: AnyUser, referral: Referral) -> bool:
    return can_use_referrals(user) and _organization_id(user) == referral.receiver_organization_id


@rules.predicate
def can_handle(user: AnyUser, referral: Referral) -> bool:
    """Accept or decline: the receiving organization, while the referral waits for it."""
    return is_receiver(user, referral) and referral.status == ReferralStatus.SENT


@rules.predicate
def can_work_on(user: AnyUser, referral: Referral) -> bool:
    """Start and complete: the receiving organization, which owns it from acceptance."""
    return is_receiver(user, referral) and referral.status in OWNED_BY_RECEIVER


@rules.predicate
def can_cancel(user: AnyUser, referral: Referral) -> bool:
    return is_sender(user, referral) and not referral.is_closed


@rules.predicate
def can_comment(user: AnyUser, referral: Referral) -> bool:
    return (is_sender(user, referral) or is_receiver(user, referral)) and not referral.is_closed


def shared_fieldsets_for(user: AnyUser, referral: Referral) -> set[str]:
    """The groups of the person's fields this user sees on the referral page.

    Never more than the sender shared, never more than the user's organization may see
    of the person (its open reasons); the receiver sees nothing before acceptance unless
    the sender allowed name and contacts, and nothing once the referral is closed.
    """
    shared = set(referral.shared_fieldsets) & set(SHAREABLE_FIELDSETS)
    if is_sender(user, referral):
        return shared & person_fieldsets_for(user, referral.person)
    if not is_receiver(user, referral):
        return set()
    if referral.status == ReferralStatus.SENT:
        if not referral.show_identity_before_acceptance:
            return set()
        return shared & {FieldSet.IDENTITY, FieldSet.CONTACTS}
    if referral.status in OWNED_BY_RECEIVER:
        return shared & person_fieldsets_for(user, referral.person)
    return set()


def shows_case_details(user: AnyUser, referral: Referral) -> bool:
    """Reason and summary: to the sender always, to the receiver while the referral is open."""
    return is_sender(user, referral) or (is_receiver(user, referral) and not referral.is_closed)


def comments_for(user: AnyUser, referral: Referral) -> QuerySet[ReferralComment]:
    """The thread; once closed, the receiver keeps only what it wrote itself."""
    comments = referral.comments.select_related("author", "organization")
    if is_receiver(user, referral) and referral.is_closed:
        return comments.filter(organization_id=referral.receiver_organization_id)
    return comments


def events_for(user: AnyUser, referral: Referral) -> list[ReferralEvent]:
    """The status timeline; once closed, the receiver reads the other side's notes no more."""
    events = list(referral.events.select_related("actor", "organization"))
    if is_receiver(user, referral) and referral.is_closed:
        for event in events:
            if event.organization_id != referral.receiver_organization_id:
                event.note = ""
    return events


rules.add_perm("referrals.use", can_use_referrals)
rules.add_perm("referrals.view_stats", can_view_stats)
rules.add_perm("referrals.override_consent", can_override_consent)
rules.add_perm("referrals.handle", can_handle)
rules.add_perm("referrals.work_on", can_work_on)
rules.add_perm("referrals.cancel", can_cancel)
rules.add_perm("referrals.comment", can_comment)
