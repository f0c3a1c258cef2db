"""The coordination table: actions decided and concluded, and the rule "action overdue"."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from solidale.core import alerts, exports, indicators
from solidale.core.alerts import AlertCandidate
from solidale.core.indicators import Fact
from solidale.tavolo.models import Action, ActionStatus
from solidale.tavolo.permissions import actions_visible_to, is_network_member

from . import daily_facts, day_bounds

SECTION = _("Tavolo solidale")


def decided(start: date, end: date) -> Iterator[Fact]:
    low, high = day_bounds(start, end)
    return daily_facts(
        Action.objects.filter(created_at__range=(low, high)),
        day="created_at",
        neighbourhood=None,
        organization="owner_organization_id",
    )


def concluded(start: date, end: date) -> Iterator[Fact]:
    low, high = day_bounds(start, end)
    return daily_facts(
        Action.objects.filter(status=ActionStatus.DONE, updated_at__range=(low, high)),
        day="updated_at",
        neighbourhood=None,
        organization="owner_organization_id",
    )


def overdue(params: dict[str, Any], today: date) -> Iterator[AlertCandidate]:
    late = Action.objects.overdue(today - timedelta(days=int(params["grace_days"])))
    for action in late.iterator(chunk_size=2000):
        yield AlertCandidate(
            subject=f"tavolo.action:{action.pk}",
            title=gettext("Azione del tavolo in ritardo: %(title)s")
            % {"title": action.title[:120]},
            reason=gettext("L'azione decisa al tavolo aveva scadenza il %(due)s e non è conclusa.")
            % {"due": formats.date_format(action.deadline, "SHORT_DATE_FORMAT")},
            url=reverse("tavolo:action_detail", args=[action.pk]),
            organization_id=action.owner_organization_id,
            assignee_id=action.owner_id,
        )


def _actions(user: Any, params: dict[str, str]) -> Any:
    queryset = actions_visible_to(user)
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    return queryset.order_by(F("deadline").asc(), "pk")


def _action_rows(user: Any, params: dict[str, str]) -> Iterator[Sequence[Any]]:
    rows = _actions(user, params).select_related("owner_organization", "owner", "meeting")
    for action in rows.iterator(chunk_size=2000):
        yield (
            action.pk,
            action.title,
            action.owner_organization.name,
            str(action.owner) if action.owner else "",
            action.deadline.strftime("%d/%m/%Y"),
            action.get_status_display(),
            action.meeting.title,
        )


def register() -> None:
    indicators.register(
        indicators.Indicator(
            key="tavolo.actions_decided",
            label=_("Azioni decise al tavolo"),
            unit=_("azioni"),
            section=SECTION,
            facts=decided,
            order=60,
        )
    )
    indicators.register(
        indicators.Indicator(
            key="tavolo.actions_concluded",
            label=_("Azioni del tavolo concluse"),
            unit=_("azioni"),
            section=SECTION,
            facts=concluded,
            order=61,
        )
    )
    alerts.register(
        alerts.AlertRule(
            key="tavolo.action_overdue",
            title=_("Azione del tavolo in ritardo"),
            description=_(
                "Segnala le azioni decise al tavolo di coordinamento non concluse dopo la "
                "scadenza (più i giorni di tolleranza). La segnalazione va alla persona "
                "responsabile o, se manca, all'organizzazione responsabile."
            ),
            evaluate=overdue,
            defaults={"grace_days": 0},
            parameters={"grace_days": _("giorni di tolleranza")},
        )
    )
    exports.register(
        exports.ExportSource(
            key="tavolo.actions",
            label=_("Azioni del tavolo"),
            columns=(
                _("N."),
                _("Azione"),
                _("Organizzazione"),
                _("Responsabile"),
                _("Scadenza"),
                _("Stato"),
                _("Riunione"),
            ),
            rows=_action_rows,
            count=lambda user, params: _actions(user, params).count(),
            allowed=is_network_member,
            personal_data=False,
        )
    )
