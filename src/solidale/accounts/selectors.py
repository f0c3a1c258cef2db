"""Reads of the accounts pages, always scoped to the requesting user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from solidale.core.attention import AttentionItem
from solidale.core.models import AuditEvent

from .models import ApiToken, Membership
from .permissions import (
    api_tokens_visible_to,
    memberships_visible_to,
    reads_every_organization_audit,
)

EXPIRY_WARNING_DAYS = 7


def member_list_for_user(user: Any) -> QuerySet[Membership]:
    return (
        memberships_visible_to(user)
        .select_related("user")
        .order_by("-is_active", "user__full_name", "role")
    )


def api_token_list_for_user(user: Any) -> QuerySet[ApiToken]:
    return (
        api_tokens_visible_to(user)
        .select_related("membership__organization")
        .order_by("-created_at")
    )


def api_tokens_expiring_soon(user: Any) -> list[AttentionItem]:
    """Landing page: the user's working tokens that expire within a week."""
    if not user.is_authenticated or user.is_citizen:
        return []
    now = timezone.now()
    tokens = (
        api_tokens_visible_to(user)
        .usable()
        .filter(expires_at__lte=now + timedelta(days=EXPIRY_WARNING_DAYS))
    )
    url = reverse("accounts:token_list")
    return [
        AttentionItem(
            title=token.name,
            detail=_("scade il %(date)s")
            % {"date": date_format(timezone.localtime(token.expires_at), "SHORT_DATE_FORMAT")},
            url=url,
            severity="warning",
        )
        for token in tokens
        if token.expires_at is not None
    ]


@dataclass(frozen=True)
class AuditFilters:
    date_from: date | None = None
    date_to: date | None = None
    user: str = ""
    action: str = ""
    object_type: str = ""
    person_id: int | None = None


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """A Comune coordinator reads the whole trail; an org_admin or coordinator their organization's."""
    if reads_every_organization_audit(user):
        return AuditEvent.objects.all()
    organization = user.organization
    if organization is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(organization_id=organization.pk)


def audit_event_list(user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    events = audit_events_visible_to(user)
    if filters.date_from:
        events = events.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.user:
        events = events.filter(actor_label__icontains=filters.user.strip())
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.person_id:
        events = events.filter(person_id=filters.person_id)
    return events.order_by("-id")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
