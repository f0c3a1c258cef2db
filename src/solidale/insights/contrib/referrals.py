"""Closed-loop referrals: received, accepted, declined, completed, with their times, and the
rule "referral not accepted within its target"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from solidale.core import alerts, exports, indicators
from solidale.core.alerts import AlertCandidate
from solidale.core.indicators import Fact
from solidale.referrals.models import Referral, ReferralStatus
from solidale.referrals.permissions import can_use_referrals, referrals_visible_to

from . import daily_facts, day_bounds

SECTION = _("Invii tra organizzazioni")
ACCEPTED = (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED)


def received(start: date, end: date) -> Iterator[Fact]:
    low, high = day_bounds(start, end)
    return daily_facts(
        Referral.objects.filter(sent_at__range=(low, high)),
        day="sent_at",
        neighbourhood="person__neighbourhood_id",
        organization="receiver_organization_id",
    )


def _timed(start: date, end: date, *, field: str, statuses: Sequence[str]) -> Any:
    """(day, neighbourhood, organization) → hours from sending to ``field`` per referral."""
    low, high = day_bounds(start, end)
    rows = Referral.objects.filter(
        **{f"{field}__range": (low, high)}, status__in=statuses
    ).values_list(field, "sent_at", "person__neighbourhood_id", "receiver_organization_id")
    groups: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for at, sent_at, neighbourhood_id, organization_id in rows.iterator(chunk_size=5000):
        hours = max((at - sent_at).total_seconds() / 3600, 0)
        groups[(timezone.localtime(at).date(), neighbourhood_id, organization_id)].append(hours)
    return groups


def _counts(field: str, statuses: Sequence[str], *, hours: bool) -> Any:
    def facts(start: date, end: date) -> Iterator[Fact]:
        for (day, nbhd, org), values in _timed(start, end, field=field, statuses=statuses).items():
            yield Fact(day, round(sum(values)) if hours else len(values), nbhd, org)

    return facts


def not_accepted(params: dict[str, Any], today: date) -> Iterator[AlertCandidate]:
    grace = timedelta(hours=int(params["grace_hours"]))
    now = timezone.make_aware(datetime.combine(today, datetime.max.time()))
    overdue = Referral.objects.overdue(now - grace).select_related("service")
    for referral in overdue.iterator(chunk_size=2000):
        yield AlertCandidate(
            subject=f"referrals.referral:{referral.pk}",
            title=gettext("Invio n. %(id)s non ancora accettato") % {"id": referral.pk},
            reason=gettext(
                "L'invio al servizio «%(service)s» doveva essere accettato o rifiutato "
                "entro il %(due)s e aspetta ancora una risposta."
            )
            % {
                "service": referral.service.name,
                "due": formats.date_format(
                    timezone.localtime(referral.accept_due_at), "SHORT_DATETIME_FORMAT"
                ),
            },
            url=reverse("referrals:detail", args=[referral.pk]),
            organization_id=referral.receiver_organization_id,
            person_id=referral.person_id,
        )


def _referrals(user: Any, params: dict[str, str]) -> Any:
    queryset = referrals_visible_to(user)
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("date_from"):
        queryset = queryset.filter(sent_at__date__gte=params["date_from"])
    if params.get("date_to"):
        queryset = queryset.filter(sent_at__date__lte=params["date_to"])
    return queryset.order_by("-sent_at", "-pk")


def _referral_rows(user: Any, params: dict[str, str]) -> Iterator[Sequence[Any]]:
    rows = _referrals(user, params).select_related(
        "service", "sender_organization", "receiver_organization"
    )
    for referral in rows.iterator(chunk_size=2000):
        yield (
            referral.pk,
            timezone.localtime(referral.sent_at).strftime("%d/%m/%Y %H:%M"),
            referral.sender_organization.name,
            referral.receiver_organization.name,
            referral.service.name,
            referral.get_status_display(),
            referral.get_outcome_display(),
        )


def register() -> None:
    for order, key, label, unit, facts in (
        (50, "referrals.received", _("Invii ricevuti"), _("invii"), received),
        (
            51,
            "referrals.accepted",
            _("Invii accettati"),
            _("invii"),
            _counts("handled_at", ACCEPTED, hours=False),
        ),
        (
            52,
            "referrals.declined",
            _("Invii rifiutati"),
            _("invii"),
            _counts("handled_at", (ReferralStatus.DECLINED,), hours=False),
        ),
        (
            53,
            "referrals.completed",
            _("Invii conclusi"),
            _("invii"),
            _counts("closed_at", (ReferralStatus.COMPLETED,), hours=False),
        ),
        (
            54,
            "referrals.hours_to_accept",
            _("Ore dall'invio all'accettazione (totale)"),
            _("ore"),
            _counts("handled_at", ACCEPTED, hours=True),
        ),
        (
            55,
            "referrals.hours_to_complete",
            _("Ore dall'invio alla conclusione (totale)"),
            _("ore"),
            _counts("closed_at", (ReferralStatus.COMPLETED,), hours=True),
        ),
    ):
        indicators.register(
            indicators.Indicator(
                key=key,
                label=label,
                unit=unit,
                section=SECTION,
                facts=facts,
                order=order,
                counts_people=unit != _("ore"),
            )
        )
    alerts.register(
        alerts.AlertRule(
            key="referrals.not_accepted",
            title=_("Invio non accettato in tempo"),
            description=_(
                "Segnala gli invii ancora in attesa di risposta oltre il termine di "
                "accettazione (più le ore di tolleranza). La segnalazione va ai "
                "coordinatori e agli operatori dell'organizzazione che riceve l'invio."
            ),
            evaluate=not_accepted,
            defaults={"grace_hours": 0},
            parameters={"grace_hours": _("ore di tolleranza")},
        )
    )
    exports.register(
        exports.ExportSource(
            key="referrals.referrals",
            label=_("Invii"),
            columns=(
                _("N."),
                _("Inviato il"),
                _("Da"),
                _("A"),
                _("Servizio"),
                _("Stato"),
                _("Esito"),
            ),
            rows=_referral_rows,
            count=lambda user, params: _referrals(user, params).count(),
            allowed=can_use_referrals,
        )
    )
