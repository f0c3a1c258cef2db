"""Segretariato Sociale: accesses at every door, online requests, time to first answer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.core import exports, indicators
from solidale.core.indicators import Contact, Fact
from solidale.desk.models import Access, OnlineRequest
from solidale.desk.permissions import can_use_desk
from solidale.desk.selectors import access_list

from . import contacts_of, daily_facts, day_bounds

SECTION = _("Segretariato sociale")


def accesses(start: date, end: date) -> Iterator[Fact]:
    low, high = day_bounds(start, end)
    return daily_facts(
        Access.objects.filter(occurred_at__range=(low, high)),
        day="occurred_at",
        neighbourhood=Coalesce("person__neighbourhood_id", "office__neighbourhood_id"),
        organization="organization_id",
    )


def online_requests(start: date, end: date) -> Iterator[Fact]:
    low, high = day_bounds(start, end)
    return daily_facts(
        OnlineRequest.objects.filter(created_at__range=(low, high)),
        day="created_at",
        neighbourhood="person__neighbourhood_id",
        organization="organization_id",
    )


def _answered(start: date, end: date) -> dict[tuple[Any, ...], list[float]]:
    """Hours from arrival to the first answer of online requests answered in the range."""
    low, high = day_bounds(start, end)
    rows = OnlineRequest.objects.filter(answered_at__range=(low, high)).values_list(
        "answered_at", "created_at", "person__neighbourhood_id", "organization_id"
    )
    groups: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for answered_at, created_at, neighbourhood_id, organization_id in rows.iterator():
        if answered_at is None:
            continue
        day = timezone.localtime(answered_at).date()
        hours = max((answered_at - created_at).total_seconds() / 3600, 0)
        groups[(day, neighbourhood_id, organization_id)].append(hours)
    return groups


def first_answers(start: date, end: date) -> Iterator[Fact]:
    for (day, neighbourhood_id, organization_id), hours in _answered(start, end).items():
        yield Fact(day, len(hours), neighbourhood_id, organization_id)


def first_answer_hours(start: date, end: date) -> Iterator[Fact]:
    for (day, neighbourhood_id, organization_id), hours in _answered(start, end).items():
        yield Fact(day, round(sum(hours)), neighbourhood_id, organization_id)


def contacts(start: date, end: date) -> Iterable[Contact]:
    low, high = day_bounds(start, end)
    return contacts_of(
        Access.objects.filter(occurred_at__range=(low, high), person__isnull=False),
        person="person_id",
        at="occurred_at",
        organization="organization_id",
        kind="desk.access",
    )


def _access_rows(user: Any, params: dict[str, str]) -> Iterator[Sequence[Any]]:
    for access in (
        access_list(user, params).select_related("person", "office").iterator(chunk_size=2000)
    ):
        yield (
            access.pk,
            timezone.localtime(access.occurred_at).strftime("%d/%m/%Y %H:%M"),
            access.office.name if access.office else "",
            access.get_channel_display(),
            str(access.person) if access.person else access.unidentified_description[:80],
            ", ".join(str(need.need) for need in access.access_needs.all()),
            access.get_outcome_display(),
        )


def register() -> None:
    for order, key, label, unit, facts, people in (
        (10, "desk.accesses", _("Accessi agli sportelli"), _("accessi"), accesses, True),
        (11, "desk.online_requests", _("Richieste online"), _("richieste"), online_requests, True),
        (12, "desk.first_answers", _("Prime risposte date"), _("risposte"), first_answers, True),
        (
            13,
            "desk.first_answer_hours",
            _("Ore di attesa della prima risposta (totale)"),
            _("ore"),
            first_answer_hours,
            False,
        ),
    ):
        indicators.register(
            indicators.Indicator(
                key=key,
                label=label,
                unit=unit,
                section=SECTION,
                facts=facts,
                counts_people=people,
                order=order,
            )
        )
    indicators.register_contacts("desk.accesses", contacts)
    exports.register(
        exports.ExportSource(
            key="desk.accesses",
            label=_("Accessi agli sportelli"),
            columns=(
                _("N."),
                _("Data e ora"),
                _("Sportello"),
                _("Canale"),
                _("Persona"),
                _("Bisogni"),
                _("Esito"),
            ),
            rows=_access_rows,
            count=lambda user, params: access_list(user, params).count(),
            allowed=can_use_desk,
        )
    )
