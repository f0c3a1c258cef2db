"""Reads of the cartella sociale, always scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import Membership
from solidale.core.attention import AttentionItem
from solidale.core.timeline import TimelineEntry

from .models import (
    Assessment,
    Case,
    CaseEvent,
    FollowUp,
    Intervention,
    InterventionStatus,
    LifeDomain,
    Note,
)
from .permissions import CASE_ROLES, cases_visible_to, is_case_staff

#: The most entries each kind contributes to one timeline page.
TIMELINE_CAP = 500


def case_list_mine(user: Any) -> list[Case]:
    """The user's open cases (responsible or in the team) with their next and overdue items."""
    today = timezone.localdate()
    open_followups = Q(follow_ups__done_at__isnull=True)
    return list(
        cases_visible_to(user)
        .open()
        .filter(members__user_id=user.pk, members__left_at__isnull=True)
        .select_related("person")
        .annotate(
            next_followup_on=Min("follow_ups__due_on", filter=open_followups),
            overdue_followups=Count(
                "follow_ups", filter=open_followups & Q(follow_ups__due_on__lt=today)
            ),
        )
        .order_by("next_review_on", "-opened_at")
    )


def interventions_waiting_for(user: Any) -> list[Intervention]:
    """Interventions above the threshold that this coordinator may decide."""
    if not is_case_staff(user) or user.role != "coordinator":
        return []
    return list(
        Intervention.objects.filter(
            case__in=cases_visible_to(user), status=InterventionStatus.REQUESTED
        )
        .exclude(requested_by=user)
        .select_related("case__person", "type", "requested_by")
        .order_by("created_at")
    )


@dataclass(frozen=True)
class WorkerLoad:
    user_id: int
    name: str
    open_cases: int
    overdue_followups: int
    overdue_reviews: int


def caseload(user: Any) -> list[WorkerLoad]:
    """Every social worker's load in the coordinator's organization."""
    organization_id = user.membership.organization_id
    today = timezone.localdate()
    workers = (
        Membership.objects.active()
        .filter(organization_id=organization_id, role__in=CASE_ROLES)
        .select_related("user")
        .order_by("user__full_name")
    )
    cases = Case.objects.open().filter(organization_id=organization_id)
    open_by_user = dict(
        cases.values("responsible_id").annotate(n=Count("id")).values_list("responsible_id", "n")
    )
    reviews_by_user = dict(
        cases.filter(next_review_on__lt=today)
        .values("responsible_id")
        .annotate(n=Count("id"))
        .values_list("responsible_id", "n")
    )
    followups_by_user = dict(
        FollowUp.objects.filter(case__in=cases, done_at__isnull=True, due_on__lt=today)
        .values("assigned_to_id")
        .annotate(n=Count("id"))
        .values_list("assigned_to_id", "n")
    )
    seen: set[int] = set()
    loads = []
    for membership in workers:
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        loads.append(
            WorkerLoad(
                user_id=membership.user_id,
                name=str(membership.user),
                open_cases=open_by_user.get(membership.user_id, 0),
                overdue_followups=followups_by_user.get(membership.user_id, 0),
                overdue_reviews=reviews_by_user.get(membership.user_id, 0),
            )
        )
    return loads


@dataclass(frozen=True)
class DomainComparison:
    domain: LifeDomain
    previous: int | None
    latest: int | None
    latest_notes: str

    @property
    def change(self) -> int | None:
        if self.previous is None or self.latest is None:
            return None
        return self.latest - self.previous


def assessment_comparison(
    case: Case,
) -> tuple[Assessment | None, Assessment | None, list[DomainComparison]]:
    """The last two assessments side by side, domain by domain."""
    latest_two = list(case.assessments.prefetch_related("scores")[:2])
    latest = latest_two[0] if latest_two else None
    previous = latest_two[1] if len(latest_two) > 1 else None
    latest_scores = {s.domain_id: s for s in latest.scores.all()} if latest else {}
    previous_scores = {s.domain_id: s for s in previous.scores.all()} if previous else {}
    rows = [
        DomainComparison(
            domain=domain,
            previous=previous_scores[domain.pk].score if domain.pk in previous_scores else None,
            latest=latest_scores[domain.pk].score if domain.pk in latest_scores else None,
            latest_notes=latest_scores[domain.pk].notes if domain.pk in latest_scores else "",
        )
        for domain in LifeDomain.objects.all()
        if domain.pk in latest_scores or domain.pk in previous_scores
    ]
    return latest, previous, rows


# --- Registries: timeline and landing page -------------------------------------------------


def timeline_entries(user: Any, person_ids: list[int]) -> Iterable[TimelineEntry]:
    """Case events, interventions and notes of the cases this user sees, for these persons."""
    cases = cases_visible_to(user).filter(person_id__in=person_ids)
    organization: dict[int, str] = dict(cases.values_list("pk", "organization__name"))
    if not organization:
        return []
    entries: list[TimelineEntry] = []
    events = (
        CaseEvent.objects.filter(case_id__in=organization)
        .select_related("case")
        .order_by("-at")[:TIMELINE_CAP]
    )
    for event in events:
        entries.append(
            TimelineEntry(
                at=event.at,
                kind="cases",
                title=f"{event.get_kind_display()} — {event.case}",
                detail=event.detail,
                url=reverse("cases:detail", args=[event.case_id]),
                organization=organization[event.case_id],
            )
        )
    interventions = (
        Intervention.objects.filter(case_id__in=organization)
        .select_related("type")
        .order_by("-created_at")[:TIMELINE_CAP]
    )
    for intervention in interventions:
        amount = f" — {intervention.amount} €" if intervention.amount is not None else ""
        entries.append(
            TimelineEntry(
                at=intervention.created_at,
                kind="cases",
                title=_("Prestazione %(code)s %(name)s")
                % {"code": intervention.type.code, "name": intervention.type.name},
                detail=f"{intervention.get_status_display()}{amount}",
                url=reverse("cases:detail", args=[intervention.case_id]),
                organization=organization[intervention.case_id],
            )
        )
    notes = (
        Note.objects.filter(case_id__in=organization)
        .readable_by(user)
        .order_by("-at")[:TIMELINE_CAP]
    )
    for note in notes:
        entries.append(
            TimelineEntry(
                at=note.at,
                kind="cases",
                title=(_("Nota riservata: %(kind)s") if note.reserved else _("Nota: %(kind)s"))
                % {"kind": note.get_kind_display()},
                detail=note.text[:300],
                url=reverse("cases:detail", args=[note.case_id]),
                organization=organization[note.case_id],
            )
        )
    return entries


def attention_items(user: Any) -> list[AttentionItem]:
    """Follow-ups due within a week and reviews due, for the landing page."""
    if not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    soon = today + timedelta(days=7)
    items = []
    followups = (
        FollowUp.objects.filter(
            assigned_to_id=user.pk,
            done_at__isnull=True,
            due_on__lte=soon,
            case__in=cases_visible_to(user),
        )
        .select_related("case")
        .order_by("due_on")[:20]
    )
    for followup in followups:
        items.append(
            AttentionItem(
                title=followup.title,
                detail=_("%(case)s, entro il %(d)s")
                % {"case": followup.case, "d": followup.due_on.strftime("%d/%m/%Y")},
                url=reverse("cases:detail", args=[followup.case_id]),
                severity="danger" if followup.due_on < today else "warning",
            )
        )
    reviews = (
        cases_visible_to(user)
        .open()
        .filter(responsible_id=user.pk, next_review_on__lte=soon)
        .order_by("next_review_on")[:20]
    )
    for case in reviews:
        review_on = case.next_review_on
        items.append(
            AttentionItem(
                title=_("Verifica del progetto: %(case)s") % {"case": case},
                detail=_("entro il %(d)s") % {"d": review_on.strftime("%d/%m/%Y")}
                if review_on
                else "",
                url=reverse("cases:detail", args=[case.pk]),
                severity="danger" if review_on and review_on < today else "warning",
            )
        )
    items.extend(
        AttentionItem(
            title=_("Prestazione da approvare: %(code)s, %(amount)s €")
            % {"code": intervention.type.code, "amount": intervention.amount},
            detail=str(intervention.case),
            url=reverse("cases:detail", args=[intervention.case_id]),
            severity="warning",
        )
        for intervention in interventions_waiting_for(user)[:20]
    )
    return items
