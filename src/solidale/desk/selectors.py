"""Reads of the Segretariato Sociale, always through the scoping of ``permissions``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import Membership
from solidale.core.attention import AttentionItem
from solidale.core.timeline import TimelineEntry

from .models import Access, AccessNeed, OnlineRequest, Outcome, Urgency
from .permissions import (
    DESK_ROLES,
    accesses_visible_to,
    can_use_desk,
    online_requests_visible_to,
)
from .rules import DEFAULT_RULES, TriageRules
from .services import normalize_tracking_code
from .workdays import add_working_days


def first_response_due(received: datetime | date) -> date:
    """The date by which a first answer is due: N working days after receipt."""
    day = timezone.localdate(received) if isinstance(received, datetime) else received
    return add_working_days(day, settings.SOLIDALE_DESK_FIRST_RESPONSE_DAYS)


def _with_needs(queryset: QuerySet[Access]) -> QuerySet[Access]:
    return queryset.select_related("person", "office", "operator", "assigned_to").prefetch_related(
        Prefetch("access_needs", queryset=AccessNeed.objects.select_related("need"))
    )


def access_list(user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Access]:
    """The accesses the user's organization recorded, newest first, filtered."""
    filters = filters or {}
    queryset = accesses_visible_to(user)
    if filters.get("channel"):
        queryset = queryset.filter(channel=filters["channel"])
    if filters.get("outcome"):
        queryset = queryset.filter(outcome=filters["outcome"])
    if filters.get("need"):
        queryset = queryset.filter(access_needs__need__code=filters["need"])
    if filters.get("office"):
        queryset = queryset.filter(office_id=filters["office"])
    if filters.get("date_from"):
        queryset = queryset.filter(occurred_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(occurred_at__date__lte=filters["date_to"])
    if filters.get("needs_answer"):
        queryset = queryset.filter(
            Q(outcome=Outcome.PENDING)
            | Q(follow_up_on__isnull=False, follow_up_done_at__isnull=True)
        )
    if filters.get("person"):
        queryset = queryset.filter(person_id=filters["person"])
    return _with_needs(queryset.distinct()).order_by("-occurred_at", "-pk")


def desk_colleagues(user: Any, *, roles: frozenset[str] = DESK_ROLES) -> list[Any]:
    """The operators of the user's organization an item may be assigned to."""
    organization = getattr(user, "organization", None)
    if organization is None:
        return []
    memberships = (
        Membership.objects.filter(
            organization=organization, role__in=list(roles), is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    seen: dict[int, Any] = {}
    for membership in memberships:
        seen.setdefault(membership.user_id, membership.user)
    return list(seen.values())


@dataclass
class TriageItem:
    """One row of the triage queue: an access waiting for an answer or an online request."""

    key: str
    kind: str
    obj: Access | OnlineRequest
    title: str
    received_at: datetime
    due: date
    overdue: bool
    score: int
    urgency: str
    needs: list[str] = field(default_factory=list)
    url: str = ""

    @property
    def assigned_to(self) -> Any:
        return self.obj.assigned_to

    @property
    def urgency_label(self) -> str:
        return str(Urgency(self.urgency).label)


_URGENCY_ORDER = ["low", "medium", "high", "urgent"]


def _highest(urgencies: list[str]) -> str:
    return max(urgencies, key=_URGENCY_ORDER.index) if urgencies else "medium"


def triage_queue(
    user: Any,
    *,
    today: date | None = None,
    rules: TriageRules = DEFAULT_RULES,
    assigned_to: Any = None,
) -> list[TriageItem]:
    """Accesses and online requests waiting for an answer, most urgent first."""
    today = today or timezone.localdate()
    items: list[TriageItem] = []
    horizon = add_working_days(today, settings.SOLIDALE_DESK_FIRST_RESPONSE_DAYS)
    if can_use_desk(user):
        accesses = accesses_visible_to(user).filter(
            Q(outcome=Outcome.PENDING)
            | Q(follow_up_on__lte=horizon, follow_up_done_at__isnull=True)
        )
        if assigned_to is not None:
            accesses = accesses.filter(assigned_to=assigned_to)
        for access in _with_needs(accesses):
            received = timezone.localdate(access.occurred_at)
            targets = [access.follow_up_on] if access.follow_up_on is not None else []
            if access.outcome == Outcome.PENDING:
                targets.append(first_response_due(access.occurred_at))
            due = min(targets) if targets else today
            access_needs = list(access.access_needs.all())
            urgencies = [n.urgency for n in access_needs]
            codes = [n.need.code for n in access_needs]
            overdue = due < today
            who = str(access.person) if access.person else _("persona non identificata")
            items.append(
                TriageItem(
                    key=f"access:{access.pk}",
                    kind="access",
                    obj=access,
                    title=who,
                    received_at=access.occurred_at,
                    due=due,
                    overdue=overdue,
                    score=rules.score(
                        urgencies=urgencies,
                        need_codes=codes,
                        waiting_days=(today - received).days,
                        overdue=overdue,
                    ),
                    urgency=_highest(urgencies),
                    needs=[n.need.name for n in access_needs],
                    url=reverse("desk:access_detail", args=[access.pk]),
                )
            )
    requests = online_requests_visible_to(user).filter(
        status__in=[OnlineRequest.Status.RECEIVED, OnlineRequest.Status.IN_TRIAGE]
    )
    if assigned_to is not None:
        requests = requests.filter(assigned_to=assigned_to)
    for online_request in requests.select_related("category", "assigned_to"):
        due = first_response_due(online_request.created_at)
        overdue = due < today
        items.append(
            TriageItem(
                key=f"request:{online_request.pk}",
                kind="request",
                obj=online_request,
                title=_("Richiesta online %(code)s") % {"code": online_request.tracking_code},
                received_at=online_request.created_at,
                due=due,
                overdue=overdue,
                score=rules.score(
                    urgencies=[online_request.urgency],
                    need_codes=[online_request.category.code],
                    waiting_days=(today - timezone.localdate(online_request.created_at)).days,
                    overdue=overdue,
                ),
                urgency=online_request.urgency,
                needs=[online_request.category.name],
                url=reverse("desk:request_detail", args=[online_request.pk]),
            )
        )
    items.sort(key=lambda item: (-item.score, item.received_at))
    return items


def triage_items_by_key(user: Any, keys: list[str]) -> list[Access | OnlineRequest]:
    """The queue's objects named by ``access:<pk>``/``request:<pk>`` keys, within scope."""
    access_ids: list[int] = []
    request_ids: list[int] = []
    for key in keys:
        kind, _sep, pk = key.partition(":")
        if not pk.isdigit():
            continue
        (access_ids if kind == "access" else request_ids if kind == "request" else []).append(
            int(pk)
        )
    found: list[Access | OnlineRequest] = []
    found.extend(accesses_visible_to(user).filter(pk__in=access_ids))
    found.extend(online_requests_visible_to(user).filter(pk__in=request_ids))
    return found


def online_request_by_code(raw_code: str) -> OnlineRequest | None:
    code = normalize_tracking_code(raw_code)
    return OnlineRequest.objects.filter(tracking_code=code).first()


def timeline_entries(user: Any, person_ids: list[int]) -> list[TimelineEntry]:
    """The accesses of these persons that the user's organization recorded."""
    if not person_ids:
        return []
    accesses = _with_needs(
        accesses_visible_to(user).filter(person_id__in=person_ids)
    ).select_related("organization")
    return [
        TimelineEntry(
            at=access.occurred_at,
            kind="desk",
            title=_("Accesso (%(channel)s): %(outcome)s")
            % {"channel": access.get_channel_display(), "outcome": access.get_outcome_display()},
            detail=", ".join(n.need.name for n in access.access_needs.all()),
            url=reverse("desk:access_detail", args=[access.pk]),
            organization=str(access.organization),
        )
        for access in accesses
    ]


def attention_items(user: Any) -> list[AttentionItem]:
    """My follow-ups due today or overdue, and the triage items assigned to me."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items: list[AttentionItem] = []
    if can_use_desk(user):
        follow_ups = (
            accesses_visible_to(user)
            .filter(
                Q(operator=user) | Q(assigned_to=user),
                follow_up_on__lte=today,
                follow_up_done_at__isnull=True,
            )
            .select_related("person")
            .order_by("follow_up_on")[:20]
        )
        for access in follow_ups:
            assert access.follow_up_on is not None  # noqa: S101  (filtered above)
            who = str(access.person) if access.person else _("persona non identificata")
            items.append(
                AttentionItem(
                    title=_("Ricontattare %(who)s") % {"who": who},
                    detail=formats.date_format(access.follow_up_on, "SHORT_DATE_FORMAT"),
                    url=reverse("desk:access_detail", args=[access.pk]),
                    severity="danger" if access.follow_up_on < today else "warning",
                )
            )
    for item in triage_queue(user, today=today, assigned_to=user):
        if isinstance(item.obj, Access) and item.obj.outcome != Outcome.PENDING:
            continue  # a follow-up: listed above for whoever recorded or was assigned it
        items.append(
            AttentionItem(
                title=_("Triage: %(title)s") % {"title": item.title},
                detail=_("risposta entro il %(due)s")
                % {"due": formats.date_format(item.due, "SHORT_DATE_FORMAT")},
                url=item.url,
                severity="danger" if item.overdue else "info",
            )
        )
    return items
