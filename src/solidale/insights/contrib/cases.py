"""Cartella sociale: cases opened and closed, interventions by SIUSS area and spend, the
diary as contacts, and two "nobody left behind" rules (no contact, follow-up overdue)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from solidale.cases.models import Case, CaseStatus, FollowUp, Note, Provision
from solidale.cases.permissions import cases_visible_to, is_case_staff
from solidale.core import alerts, exports, indicators
from solidale.core.alerts import AlertCandidate
from solidale.core.indicators import Contact, Fact
from solidale.people.models import Person

from ..models import LastContact
from . import contacts_of, daily_facts, day_bounds

SECTION = _("Cartella sociale")
#: The macro-areas of the SIUSS provision table (first two characters of the code).
SIUSS_AREAS = (
    ("a1", "A1", _("contributi economici")),
    ("a2", "A2", _("servizi e interventi")),
    ("a3", "A3", _("strutture")),
)


def opened(start: date, end: date) -> Iterator[Fact]:
    low, high = day_bounds(start, end)
    return daily_facts(
        Case.objects.filter(opened_at__range=(low, high)),
        day="opened_at",
        neighbourhood="person__neighbourhood_id",
        organization="organization_id",
    )


def closed(start: date, end: date) -> Iterator[Fact]:
    low, high = day_bounds(start, end)
    return daily_facts(
        Case.objects.filter(closed_at__range=(low, high)),
        day="closed_at",
        neighbourhood="person__neighbourhood_id",
        organization="organization_id",
    )


def _area_filter(prefix: str | None) -> Q:
    if prefix is not None:
        return Q(intervention__type__code__startswith=prefix)
    other = Q()
    for _key, code, _label in SIUSS_AREAS:
        other &= ~Q(intervention__type__code__startswith=code)
    return other


def _provisions(prefix: str | None, *, spend: bool) -> Any:
    def facts(start: date, end: date) -> Iterator[Fact]:
        return daily_facts(
            Provision.objects.filter(_area_filter(prefix), provided_on__range=(start, end)),
            day="provided_on",
            is_date=True,
            neighbourhood="intervention__case__person__neighbourhood_id",
            organization="intervention__provider_id",
            value=Sum("amount") if spend else None,
        )

    return facts


def contacts(start: date, end: date) -> Iterable[Contact]:
    low, high = day_bounds(start, end)
    yield from contacts_of(
        Note.objects.filter(at__range=(low, high)),
        person="case__person_id",
        at="at",
        organization="case__organization_id",
        kind="cases.note",
    )
    yield from contacts_of(
        Case.objects.filter(opened_at__range=(low, high)),
        person="person_id",
        at="opened_at",
        organization="organization_id",
        kind="cases.opened",
    )


# --- Rules ----------------------------------------------------------------------------------


def fragile_without_contact(params: dict[str, Any], today: date) -> Iterator[AlertCandidate]:
    """Open cases whose person nobody in the network met for ``days`` days."""
    days = int(params["days"])
    cutoff = today - timedelta(days=days)
    recent = LastContact.objects.filter(person_id=OuterRef("person_id"), day__gte=cutoff)
    cases = (
        Case.objects.open()
        .filter(opened_at__date__lt=cutoff)
        .exclude(Exists(recent))
        .select_related("person")
        .only("pk", "person_id", "organization_id", "responsible_id", "person__given_name")
    )
    last = dict(
        LastContact.objects.filter(person_id__in=cases.values("person_id")).values_list(
            "person_id", "day"
        )
    )
    for case in cases.iterator(chunk_size=2000):
        seen = last.get(case.person_id)
        when = formats.date_format(seen, "SHORT_DATE_FORMAT") if seen else gettext("mai registrato")
        yield AlertCandidate(
            subject=f"cases.case:{case.pk}",
            title=gettext("Nessun contatto da oltre %(days)s giorni (cartella n. %(id)s)")
            % {"days": days, "id": case.pk},
            reason=gettext(
                "La persona ha una cartella aperta e nessuno della rete l'ha incontrata "
                "da più di %(days)s giorni. Ultimo contatto: %(when)s."
            )
            % {"days": days, "when": when},
            url=reverse("cases:detail", args=[case.pk]),
            organization_id=case.organization_id,
            assignee_id=case.responsible_id,
            person_id=case.person_id,
        )


def homeless_without_contact(params: dict[str, Any], today: date) -> Iterator[AlertCandidate]:
    """People without a home, known to the network, nobody met for ``days`` days."""
    days = int(params["days"])
    cutoff = today - timedelta(days=days)
    recent = LastContact.objects.filter(person_id=OuterRef("pk"), day__gte=cutoff)
    people = (
        Person.objects.filter(
            homeless=True,
            merged_into__isnull=True,
            pseudonymized_at__isnull=True,
            registered_by__isnull=False,
            created_at__date__lt=cutoff,
        )
        .exclude(Exists(recent))
        .exclude(cases__status=CaseStatus.OPEN)
        .only("pk", "registered_by_id")
    )
    for person in people.iterator(chunk_size=2000):
        yield AlertCandidate(
            subject=f"people.person:{person.pk}",
            title=gettext("Persona senza dimora non incontrata da oltre %(days)s giorni")
            % {"days": days},
            reason=gettext(
                "La persona è registrata come senza dimora e nessuno della rete l'ha "
                "incontrata negli ultimi %(days)s giorni."
            )
            % {"days": days},
            url=reverse("people:detail", args=[person.pk]),
            organization_id=person.registered_by_id,
            person_id=person.pk,
        )


def follow_up_overdue(params: dict[str, Any], today: date) -> Iterator[AlertCandidate]:
    grace = int(params["grace_days"])
    overdue = FollowUp.objects.filter(
        done_at__isnull=True, due_on__lt=today - timedelta(days=grace), case__status="open"
    ).select_related("case")
    for follow_up in overdue.iterator(chunk_size=2000):
        yield AlertCandidate(
            subject=f"cases.followup:{follow_up.pk}",
            title=gettext("Scadenza superata: %(title)s") % {"title": follow_up.title[:120]},
            reason=gettext(
                "La scadenza della cartella n. %(case)s era fissata per il %(due)s e non è "
                "ancora segnata come fatta."
            )
            % {
                "case": follow_up.case_id,
                "due": formats.date_format(follow_up.due_on, "SHORT_DATE_FORMAT"),
            },
            url=reverse("cases:detail", args=[follow_up.case_id]),
            organization_id=follow_up.case.organization_id,
            assignee_id=follow_up.assigned_to_id,
            person_id=follow_up.case.person_id,
        )


# --- Export ---------------------------------------------------------------------------------


def _case_rows(user: Any, params: dict[str, str]) -> Iterator[Sequence[Any]]:
    for case in (
        _cases(user, params).select_related("person", "responsible").iterator(chunk_size=2000)
    ):
        yield (
            case.pk,
            str(case.person),
            case.get_area_display(),
            case.get_status_display(),
            case.get_phase_display(),
            str(case.responsible),
            timezone.localtime(case.opened_at).strftime("%d/%m/%Y"),
            timezone.localtime(case.closed_at).strftime("%d/%m/%Y") if case.closed_at else "",
        )


def _cases(user: Any, params: dict[str, str]) -> Any:
    queryset = cases_visible_to(user)
    if params.get("status"):
        queryset = queryset.filter(status=params["status"])
    if params.get("area"):
        queryset = queryset.filter(area=params["area"])
    if params.get("date_from"):
        queryset = queryset.filter(opened_at__date__gte=params["date_from"])
    if params.get("date_to"):
        queryset = queryset.filter(opened_at__date__lte=params["date_to"])
    return queryset.order_by("-opened_at", "-pk")


def register() -> None:
    indicators.register(
        indicators.Indicator(
            key="cases.opened",
            label=_("Prese in carico"),
            unit=_("cartelle"),
            section=SECTION,
            facts=opened,
            counts_people=True,
            order=20,
        )
    )
    indicators.register(
        indicators.Indicator(
            key="cases.closed",
            label=_("Cartelle chiuse"),
            unit=_("cartelle"),
            section=SECTION,
            facts=closed,
            counts_people=True,
            order=21,
        )
    )
    for position, (key, code, label) in enumerate((*SIUSS_AREAS, ("other", None, _("altro")))):
        indicators.register(
            indicators.Indicator(
                key=f"cases.provisions.{key}",
                label=label,
                unit=_("erogazioni"),
                section=_("Prestazioni per tipo"),
                facts=_provisions(code, spend=False),
                counts_people=True,
                order=30 + position,
            )
        )
        indicators.register(
            indicators.Indicator(
                key=f"cases.spend.{key}",
                label=label,
                unit="€",
                section=_("Spesa per tipo di prestazione"),
                facts=_provisions(code, spend=True),
                order=40 + position,
            )
        )
    indicators.register_contacts("cases.diary", contacts)
    alerts.register(
        alerts.AlertRule(
            key="cases.no_contact",
            title=_("Persona fragile senza contatti"),
            description=_(
                "Segnala le persone con una cartella aperta che nessuna organizzazione "
                "della rete ha incontrato (accesso, colloquio, distribuzione, notte in "
                "struttura…) negli ultimi N giorni. La segnalazione va all'assistente "
                "sociale responsabile."
            ),
            evaluate=fragile_without_contact,
            defaults={"days": 30},
            parameters={"days": _("giorni senza contatti")},
        )
    )
    alerts.register(
        alerts.AlertRule(
            key="people.homeless_no_contact",
            title=_("Persona senza dimora non più incontrata"),
            description=_(
                "Segnala le persone registrate come senza dimora, senza cartella aperta, "
                "che nessuno della rete ha incontrato negli ultimi N giorni. La "
                "segnalazione va all'organizzazione che ha registrato la persona."
            ),
            evaluate=homeless_without_contact,
            defaults={"days": 14},
            parameters={"days": _("giorni senza contatti")},
        )
    )
    alerts.register(
        alerts.AlertRule(
            key="cases.follow_up_overdue",
            title=_("Scadenza della cartella superata"),
            description=_(
                "Segnala le scadenze di una cartella aperta non segnate come fatte oltre "
                "la data prevista (più i giorni di tolleranza). La segnalazione va a chi "
                "ha in carico la scadenza."
            ),
            evaluate=follow_up_overdue,
            defaults={"grace_days": 0},
            parameters={"grace_days": _("giorni di tolleranza")},
        )
    )
    exports.register(
        exports.ExportSource(
            key="cases.cases",
            label=_("Cartelle sociali"),
            columns=(
                _("N."),
                _("Persona"),
                _("Area"),
                _("Stato"),
                _("Fase"),
                _("Assistente sociale"),
                _("Aperta il"),
                _("Chiusa il"),
            ),
            rows=_case_rows,
            count=lambda user, params: _cases(user, params).count(),
            allowed=is_case_staff,
        )
    )
