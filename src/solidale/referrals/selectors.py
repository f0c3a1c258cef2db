"""Reads on referrals, always scoped to the user's organization."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from solidale.network.models import Capacity, NeedCategory, Service, ServiceStatus
from solidale.people.models import PersonLink

from .models import (
    OWNED_BY_RECEIVER,
    DeclineReason,
    Referral,
    ReferralStatus,
)
from .permissions import referrals_visible_to, sees_network_stats


@dataclass(frozen=True)
class ReferralFilters:
    status: str = ""
    urgency: str = ""
    overdue: bool = False


def _filtered(referrals: QuerySet[Referral], filters: ReferralFilters) -> QuerySet[Referral]:
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    if filters.urgency:
        referrals = referrals.filter(urgency=filters.urgency)
    if filters.overdue:
        referrals = referrals.filter(status=ReferralStatus.SENT, accept_due_at__lt=timezone.now())
    return referrals


def referral_list_inbox(
    *, user: Any, filters: ReferralFilters, offset: int = 0, limit: int = 50
) -> list[Referral]:
    """Referrals received by the user's organization, newest first.

    ``show_name`` on each row says whether the person's name may appear in the list:
    identity shared, and the referral accepted (or the sender allowed it before).
    """
    organization_id = user.membership.organization_id
    rows = list(
        _filtered(
            referrals_visible_to(user).filter(receiver_organization_id=organization_id), filters
        )
        .select_related("service", "sender_organization", "person")
        .order_by("-sent_at", "-id")[offset : offset + limit]
    )
    for referral in rows:
        identity = "identity" in referral.shared_fieldsets
        referral.show_name = identity and (  # type: ignore[attr-defined]
            referral.status in OWNED_BY_RECEIVER
            or (referral.status == ReferralStatus.SENT and referral.show_identity_before_acceptance)
        )
    return rows


def referral_list_outbox(
    *, user: Any, filters: ReferralFilters, offset: int = 0, limit: int = 50
) -> list[Referral]:
    """Referrals sent by the user's organization; names only of persons it still sees."""
    organization_id = user.membership.organization_id
    sees_person = PersonLink.objects.open().filter(
        person_id=OuterRef("person_id"), organization_id=organization_id
    )
    rows: list[Referral] = list(
        _filtered(
            referrals_visible_to(user).filter(sender_organization_id=organization_id), filters
        )
        .annotate(show_name=Exists(sees_person))
        .select_related("service", "receiver_organization", "person")
        .order_by("-sent_at", "-id")[offset : offset + limit]
    )
    return rows


def referral_counts(*, user: Any) -> dict[str, int]:
    """How many referrals wait in the inbox, and how many of them are overdue."""
    organization_id = user.membership.organization_id
    waiting = referrals_visible_to(user).filter(
        receiver_organization_id=organization_id, status=ReferralStatus.SENT
    )
    return waiting.aggregate(
        waiting=Count("id"), overdue=Count("id", filter=Q(accept_due_at__lt=timezone.now()))
    )


# --- Choosing a service ---------------------------------------------------------------


@dataclass(frozen=True)
class ServiceChoice:
    service: Service
    capacities: list[Capacity]


def service_choices(
    *,
    exclude_organization_id: int,
    need: NeedCategory | None = None,
    neighbourhood_id: int | None = None,
    limit: int = 60,
) -> list[ServiceChoice]:
    """Active services of the other organizations, with their live capacity."""
    services = (
        Service.objects.filter(status=ServiceStatus.ACTIVE, organization__is_active=True)
        .exclude(organization_id=exclude_organization_id)
        .select_related("organization")
        .order_by("name", "id")
    )
    if need is not None:
        services = services.filter(need_categories=need)
    if neighbourhood_id is not None:
        services = services.filter(
            service_at_locations__location__neighbourhood_id=neighbourhood_id
        )
    rows = list(services.distinct()[:limit])
    capacities: dict[int, list[Capacity]] = defaultdict(list)
    for capacity in Capacity.objects.filter(service__in=rows).order_by("kind"):
        capacities[capacity.service_id].append(capacity)
    return [ServiceChoice(service, capacities[service.pk]) for service in rows]


# --- Statistics -----------------------------------------------------------------------


@dataclass
class StatsRow:
    label: str
    sent: int = 0
    accepted: int = 0
    declined: int = 0
    completed: int = 0
    to_acceptance: list[float] = field(default_factory=list)
    to_completion: list[float] = field(default_factory=list)

    @property
    def median_hours_to_acceptance(self) -> float | None:
        return round(statistics.median(self.to_acceptance), 1) if self.to_acceptance else None

    @property
    def median_hours_to_completion(self) -> float | None:
        return round(statistics.median(self.to_completion), 1) if self.to_completion else None


@dataclass
class ReferralStats:
    total: StatsRow
    by_organization: list[StatsRow]
    by_service: list[StatsRow]
    declined_by_reason: list[tuple[str, int]]
    network_wide: bool


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _add(row: StatsRow, status: str, sent_at: Any, handled_at: Any, closed_at: Any) -> None:
    row.sent += 1
    if status == ReferralStatus.DECLINED:
        row.declined += 1
    elif handled_at is not None:
        row.accepted += 1
        row.to_acceptance.append(_hours(handled_at - sent_at))
    if status == ReferralStatus.COMPLETED and closed_at is not None:
        row.completed += 1
        row.to_completion.append(_hours(closed_at - sent_at))


def referral_stats(*, user: Any) -> ReferralStats:
    """Sent, accepted, declined (by reason), median hours to acceptance and to completion,
    per receiving organization and per service: the whole network for the Comune, the
    referrals it sent or received for any other organization."""
    network_wide = sees_network_stats(user)
    if network_wide:
        referrals = Referral.objects.all()
    else:
        organization_id = user.membership.organization_id
        referrals = Referral.objects.filter(
            Q(sender_organization_id=organization_id) | Q(receiver_organization_id=organization_id)
        )
    rows: Iterable[tuple[Any, ...]] = referrals.values_list(
        "status",
        "sent_at",
        "handled_at",
        "closed_at",
        "receiver_organization__short_name",
        "receiver_organization__name",
        "service__name",
        "service__organization__short_name",
        "service_id",
    ).iterator(chunk_size=5000)
    total = StatsRow(label="")
    by_organization: dict[str, StatsRow] = {}
    by_service: dict[int, StatsRow] = {}
    for status, sent_at, handled_at, closed_at, short, name, service, service_org, sid in rows:
        organization = short or name
        _add(total, status, sent_at, handled_at, closed_at)
        _add(
            by_organization.setdefault(organization, StatsRow(label=organization)),
            status,
            sent_at,
            handled_at,
            closed_at,
        )
        service_label = f"{service} — {service_org or organization}"
        _add(
            by_service.setdefault(sid, StatsRow(label=service_label)),
            status,
            sent_at,
            handled_at,
            closed_at,
        )
    labels = dict(DeclineReason.choices)
    declined = (
        referrals.filter(status=ReferralStatus.DECLINED)
        .values_list("decline_reason")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return ReferralStats(
        total=total,
        by_organization=sorted(by_organization.values(), key=lambda row: (-row.sent, row.label)),
        by_service=sorted(by_service.values(), key=lambda row: (-row.sent, row.label)),
        declined_by_reason=[(str(labels.get(reason, reason)), n) for reason, n in declined],
        network_wide=network_wide,
    )
