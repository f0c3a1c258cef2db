"""What referrals add to the shared registries: the person timeline and the landing page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from solidale.core.attention import AttentionItem
from solidale.core.timeline import TimelineEntry

from .models import ReferralEvent, ReferralStatus
from .permissions import can_use_referrals, referrals_visible_to

ATTENTION_LIMIT = 10


def timeline_entries(user: Any, person_ids: list[int]) -> Iterable[TimelineEntry]:
    """Each step of the referrals of these persons that the user's organization takes part in.

    The notes of a step (outcome, reason of a refusal) show to the sender, and to the
    receiver for the steps it recorded itself.
    """
    if not can_use_referrals(user) or not person_ids:
        return []
    organization_id = user.membership.organization_id
    events = (
        ReferralEvent.objects.filter(
            referral__in=referrals_visible_to(user).filter(person_id__in=person_ids)
        )
        .select_related("referral__service", "referral__receiver_organization", "organization")
        .order_by("-at", "-id")[:200]
    )
    entries = []
    for event in events:
        referral = event.referral
        sender = referral.sender_organization_id == organization_id
        entries.append(
            TimelineEntry(
                at=event.at,
                kind="referrals",
                title=_("Invio a «%(service)s» (%(org)s): %(status)s")
                % {
                    "service": referral.service.name,
                    "org": referral.receiver_organization,
                    "status": event.get_status_display(),
                },
                detail=event.note if sender or event.organization_id == organization_id else "",
                url=reverse("referrals:detail", kwargs={"pk": referral.pk}),
                organization=str(event.organization),
            )
        )
    return entries


def attention_items(user: Any) -> list[AttentionItem]:
    """Referrals waiting for the user's organization, the overdue ones first."""
    if not can_use_referrals(user):
        return []
    now = timezone.now()
    waiting = (
        referrals_visible_to(user)
        .filter(
            receiver_organization_id=user.membership.organization_id,
            status=ReferralStatus.SENT,
        )
        .select_related("service", "sender_organization")
        .order_by("accept_due_at", "id")[:ATTENTION_LIMIT]
    )
    items = []
    for referral in waiting:
        overdue = referral.accept_due_at < now
        due = formats.date_format(
            timezone.localtime(referral.accept_due_at), "SHORT_DATETIME_FORMAT"
        )
        items.append(
            AttentionItem(
                title=_("Invio n. %(id)s da %(org)s per «%(service)s»")
                % {
                    "id": referral.pk,
                    "org": referral.sender_organization,
                    "service": referral.service.name,
                },
                detail=(
                    _("In ritardo: andava accettato o rifiutato entro il %(due)s.")
                    if overdue
                    else _("Da accettare o rifiutare entro il %(due)s.")
                )
                % {"due": due},
                url=reverse("referrals:detail", kwargs={"pk": referral.pk}),
                severity="danger" if overdue else "info",
            )
        )
    return items
