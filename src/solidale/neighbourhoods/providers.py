"""What the neighbourhoods app adds to the shared registries: indicators, contacts,
alert rules, duty activities, exports and the landing page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.core.alerts import AlertCandidate
from solidale.core.attention import AttentionItem
from solidale.core.indicators import Contact, Fact

from .models import ParticipationEvent, Presidio, PresidioSession, Report
from .permissions import can_handle_reports, reports_visible_to
from .selectors import (
    QueueFilters,
    moderation_counts,
    moderation_queue,
    reports_by_day,
    reports_filtered,
    sensitive_waiting,
)

# --- Indicators -------------------------------------------------------------------------


def report_facts(start: date, end: date) -> Iterable[Fact]:
    return reports_by_day(start, end)


def presidio_attendance_facts(start: date, end: date) -> Iterable[Fact]:
    rows = (
        PresidioSession.objects.filter(date__gte=start, date__lte=end)
        .values("date", "presidio__neighbourhood_id", "presidio__organization_id")
        .annotate(n=Sum("attendance"))
    )
    return [
        Fact(
            r["date"], r["n"] or 0, r["presidio__neighbourhood_id"], r["presidio__organization_id"]
        )
        for r in rows
    ]


def event_attendance_facts(start: date, end: date) -> Iterable[Fact]:
    rows = (
        ParticipationEvent.objects.filter(
            starts_at__date__gte=start, starts_at__date__lte=end, attendance__isnull=False
        )
        .values("starts_at__date", "neighbourhood_id", "organization_id")
        .annotate(n=Sum("attendance"))
    )
    return [
        Fact(r["starts_at__date"], r["n"] or 0, r["neighbourhood_id"], r["organization_id"])
        for r in rows
    ]


def proposal_facts(start: date, end: date) -> Iterable[Fact]:
    rows = (
        ParticipationEvent.objects.filter(
            proposals__created_at__date__gte=start, proposals__created_at__date__lte=end
        )
        .values("proposals__created_at__date", "neighbourhood_id", "organization_id")
        .annotate(n=Count("proposals"))
    )
    return [
        Fact(r["proposals__created_at__date"], r["n"], r["neighbourhood_id"], r["organization_id"])
        for r in rows
    ]


def contacts(start: date, end: date) -> Iterable[Contact]:
    """A sensitive report taken in charge for an identified person is a contact."""
    rows = Report.objects.filter(
        person__isnull=False, status_changed_at__date__gte=start, status_changed_at__date__lte=end
    ).values_list("person_id", "status_changed_at", "organization_id")
    return [
        Contact(person_id, timezone.localtime(at).date(), organization_id, "neighbourhoods.report")
        for person_id, at, organization_id in rows
    ]


# --- Alert rules ------------------------------------------------------------------------


def evaluate_sensitive_untaken(params: dict[str, Any], day: date) -> Iterable[AlertCandidate]:
    hours = int(params.get("hours", 24))
    for report in sensitive_waiting(older_than_hours=hours).select_related("category"):
        yield AlertCandidate(
            subject=f"neighbourhoods.report:{report.pk}",
            title=_("Segnalazione sociale %(code)s non presa in carico")
            % {"code": report.tracking_code},
            reason=_(
                "Una segnalazione «%(category)s» è arrivata il %(when)s e dopo più di %(hours)s "
                "ore nessuno l'ha presa in carico."
            )
            % {
                "category": report.category.name,
                "when": timezone.localtime(report.created_at).strftime("%d/%m/%Y %H:%M"),
                "hours": hours,
            },
            url=reverse("neighbourhoods:report_manage", args=[report.pk]),
            organization_id=report.organization_id,
        )


# --- Duty activities --------------------------------------------------------------------


def presidio_targets(organization_id: int) -> list[tuple[str, str]]:
    return [
        (f"neighbourhoods.presidio:{p.pk}", f"{p.title} ({p.neighbourhood.name})")
        for p in Presidio.objects.filter(
            organization_id=organization_id, is_active=True
        ).select_related("neighbourhood")
    ]


def event_targets(organization_id: int) -> list[tuple[str, str]]:
    upcoming = ParticipationEvent.objects.filter(
        organization_id=organization_id, starts_at__gte=timezone.now()
    )
    return [
        (f"neighbourhoods.event:{e.pk}", f"{e.title} ({timezone.localtime(e.starts_at):%d/%m/%Y})")
        for e in upcoming
    ]


def _target_pk(target: str) -> int:
    return int(target.rsplit(":", 1)[-1])


def presidio_url(target: str) -> str:
    return reverse("neighbourhoods:presidio_detail", args=[_target_pk(target)])


def event_url(target: str) -> str:
    return reverse("neighbourhoods:event_attendance", args=[_target_pk(target)])


# --- Exports ----------------------------------------------------------------------------


def _export_queryset(user: Any, params: dict[str, str]) -> Any:
    filters = QueueFilters(
        status=params.get("status", ""),
        category=params.get("category", ""),
        sensitive=params.get("sensitive", ""),
    )
    return reports_filtered(reports_visible_to(user), filters)


def export_rows(user: Any, params: dict[str, str]) -> Iterable[Sequence[Any]]:
    for report in _export_queryset(user, params).iterator(chunk_size=2000):
        yield (
            report.tracking_code,
            report.category.name,
            report.get_status_display(),
            report.neighbourhood.name if report.neighbourhood else "",
            report.address,
            timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(report.status_changed_at).strftime("%Y-%m-%d %H:%M"),
        )


def export_count(user: Any, params: dict[str, str]) -> int:
    return int(_export_queryset(user, params).count())


# --- Landing page -----------------------------------------------------------------------


def attention_items(user: Any) -> list[AttentionItem]:
    """Sensitive reports routed to the user's organization and not yet taken in charge."""
    if not can_handle_reports(user):
        return []
    waiting = reports_visible_to(user).filter(
        is_sensitive=True, access__isnull=True, status="received"
    )
    return [
        AttentionItem(
            title=_("Segnalazione sociale da prendere in carico: %(category)s")
            % {"category": report.category.name},
            detail=_("Arrivata il %(when)s (%(code)s).")
            % {
                "when": timezone.localtime(report.created_at).strftime("%d/%m/%Y %H:%M"),
                "code": report.tracking_code,
            },
            url=reverse("neighbourhoods:report_manage", args=[report.pk]),
            severity="danger",
        )
        for report in waiting.select_related("category")[:20]
    ] + moderation_items(user)


def moderation_items(user: Any) -> list[AttentionItem]:
    """One item for the public reports waiting for the user (as moderator) to publish."""
    counts = moderation_counts(moderation_queue(user))
    if not counts["total"]:
        return []
    detail = (
        _("%(held)s con possibili dati personali nel testo.") % {"held": counts["personal_data"]}
        if counts["personal_data"]
        else _("Controlla il testo e la foto prima che compaiano sulla mappa pubblica.")
    )
    return [
        AttentionItem(
            title=_("Segnalazioni da verificare prima della pubblicazione: %(n)s")
            % {"n": counts["total"]},
            detail=detail,
            url=reverse("neighbourhoods:report_moderation"),
            severity="danger" if counts["personal_data"] else "warning",
        )
    ]
