"""What the cold emergency adds to the shared registries: timeline, landing page,
indicators and contacts, alert rules, duty activities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidale.core.alerts import AlertCandidate, AlertRule
from solidale.core.attention import AttentionItem
from solidale.core.duty import Activity
from solidale.core.exports import ExportSource
from solidale.core.indicators import Contact, Fact, Indicator
from solidale.core.timeline import TimelineEntry

from . import followups
from .models import (
    HOLDING,
    Activation,
    ActivationStatus,
    Answer,
    BedRequest,
    BedRequestStatus,
    Encounter,
    Facility,
    Stay,
)
from .permissions import (
    can_do_outreach,
    encounters_visible_to,
    facilities_visible_to,
    followups_visible_to,
    is_coordinator,
    sees_names,
    stays_visible_to,
)

SECTION = gettext_lazy("Emergenza Freddo")


def _evening(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(20, 0)))


# --- Timeline -------------------------------------------------------------------------------


def timeline_entries(user: Any, person_ids: list[int]) -> Iterable[TimelineEntry]:
    for stay in (
        stays_visible_to(user)
        .filter(person_id__in=person_ids)
        .select_related("bed__facility__organization")
    ):
        yield TimelineEntry(
            at=stay.checked_in_at or _evening(stay.night),
            kind="shelter",
            title=_("Notte in struttura: %(facility)s, posto %(bed)s")
            % {"facility": stay.bed.facility.name, "bed": stay.bed.label},
            detail=stay.get_status_display(),
            url=reverse("shelter:board") + f"?night={stay.night.isoformat()}",
            organization=str(stay.bed.facility.organization),
        )
    for encounter in (
        encounters_visible_to(user)
        .filter(person_id__in=person_ids)
        .select_related("round__organization")
    ):
        yield TimelineEntry(
            at=encounter.met_at,
            kind="shelter",
            title=_("Incontro in strada (%(area)s)") % {"area": encounter.round.area},
            detail=encounter.get_answer_display() if encounter.answer else "",
            url=reverse("shelter:round_detail", kwargs={"pk": encounter.round_id}),
            organization=str(encounter.round.organization),
        )


# --- Landing page ---------------------------------------------------------------------------


def attention_items(user: Any) -> list[AttentionItem]:
    items = []
    if is_coordinator(user):
        for activation in Activation.objects.filter(status=ActivationStatus.PROPOSED):
            items.append(
                AttentionItem(
                    title=_("Emergenza freddo: attivazione proposta dalle previsioni"),
                    detail=activation.reason,
                    url=reverse("shelter:home"),
                    severity="danger",
                )
            )
    for item in (
        followups_visible_to(user).filter(closed_at__isnull=True).select_related("person")[:20]
    ):
        items.append(
            AttentionItem(
                title=_("Da seguire: %(who)s") % {"who": item.alias or item.person or "—"},
                detail=f"{item.get_kind_display()} — {item.detail}",
                url=reverse("shelter:followups"),
                severity="warning",
            )
        )
    return items


# --- Indicators and contacts ---------------------------------------------------------------


def _per_day(rows: Iterable[dict[str, Any]], day_key: str, org_key: str) -> list[Fact]:
    return [Fact(day=row[day_key], value=row["n"], organization_id=row[org_key]) for row in rows]


def bed_nights(start: date, end: date) -> list[Fact]:
    rows = (
        Stay.objects.filter(night__range=(start, end), status__in=HOLDING)
        .values("night", "bed__facility__organization_id")
        .annotate(n=Count("pk"))
    )
    return _per_day(rows, "night", "bed__facility__organization_id")


def _encounters(start: date, end: date, only: Q | None = None) -> list[Fact]:
    encounters = Encounter.objects.filter(round__night__range=(start, end))
    if only is not None:
        encounters = encounters.filter(only)
    rows = encounters.values("round__night", "round__organization_id").annotate(n=Count("pk"))
    return _per_day(rows, "round__night", "round__organization_id")


def encounters_count(start: date, end: date) -> list[Fact]:
    return _encounters(start, end)


def refusals(start: date, end: date) -> list[Fact]:
    return _encounters(start, end, Q(answer=Answer.REFUSED))


def health_alerts(start: date, end: date) -> list[Fact]:
    return _encounters(start, end, Q(health_alert=True))


def turned_away(start: date, end: date) -> list[Fact]:
    rows = (
        BedRequest.objects.filter(night__range=(start, end), status=BedRequestStatus.TURNED_AWAY)
        .values("night", "organization_id")
        .annotate(n=Count("pk"))
    )
    return _per_day(rows, "night", "organization_id")


INDICATORS = (
    Indicator(
        "shelter.bed_nights",
        gettext_lazy("Notti in struttura"),
        gettext_lazy("notti"),
        SECTION,
        bed_nights,
        counts_people=True,
        order=60,
    ),
    Indicator(
        "shelter.encounters",
        gettext_lazy("Incontri in strada"),
        gettext_lazy("incontri"),
        SECTION,
        encounters_count,
        counts_people=True,
        order=61,
    ),
    Indicator(
        "shelter.refusals",
        gettext_lazy("Posti rifiutati in strada"),
        gettext_lazy("rifiuti"),
        SECTION,
        refusals,
        counts_people=True,
        order=62,
    ),
    Indicator(
        "shelter.turned_away",
        gettext_lazy("Persone senza posto"),
        gettext_lazy("persone"),
        SECTION,
        turned_away,
        counts_people=True,
        order=63,
    ),
    Indicator(
        "shelter.health_alerts",
        gettext_lazy("Allerte sanitarie in strada"),
        gettext_lazy("allerte"),
        SECTION,
        health_alerts,
        counts_people=True,
        order=64,
    ),
)


def contacts(start: date, end: date) -> Iterable[Contact]:
    for person_id, night, organization_id in Stay.objects.filter(
        night__range=(start, end), status__in=HOLDING, person__isnull=False
    ).values_list("person_id", "night", "bed__facility__organization_id"):
        yield Contact(
            person_id=person_id, day=night, organization_id=organization_id, kind="shelter"
        )
    for person_id, night, organization_id in Encounter.objects.filter(
        round__night__range=(start, end), person__isnull=False
    ).values_list("person_id", "round__night", "round__organization_id"):
        yield Contact(
            person_id=person_id, day=night, organization_id=organization_id, kind="shelter"
        )


# --- Alert rules ---------------------------------------------------------------------------


def _candidates(situations: list[followups.Situation]) -> list[AlertCandidate]:
    return [
        AlertCandidate(
            subject=f"{situation.kind}:{situation.subject}",
            title=_("Da seguire: %(who)s") % {"who": situation.alias or _("persona registrata")},
            reason=situation.detail,
            url=reverse("shelter:followups"),
            organization_id=situation.organization_id,
            person_id=situation.person_id,
        )
        for situation in situations
    ]


def left_outside_rule(params: dict[str, Any], day: date) -> list[AlertCandidate]:
    return _candidates(followups.left_outside(day - timedelta(days=1)))


def met_often_rule(params: dict[str, Any], day: date) -> list[AlertCandidate]:
    return _candidates(
        followups.met_often(day, times=int(params["times"]), days=int(params["days"]))
    )


def repeated_stays_rule(params: dict[str, Any], day: date) -> list[AlertCandidate]:
    return _candidates(
        followups.repeated_stays(day, stays=int(params["stays"]), days=int(params["days"]))
    )


ALERT_RULES = (
    AlertRule(
        key="shelter.left_outside",
        title=gettext_lazy("Persona incontrata fuori in una notte fredda, senza un posto"),
        description=gettext_lazy(
            "Una persona incontrata dall'unità di strada in una notte sotto la soglia del piano "
            "freddo (o durante un'attivazione) che ha rifiutato il posto o non l'ha avuto: va "
            "ricercata il giorno dopo."
        ),
        evaluate=left_outside_rule,
    ),
    AlertRule(
        key="shelter.met_often",
        title=gettext_lazy("Incontrata più volte in strada senza una presa in carico"),
        description=gettext_lazy(
            "Una persona incontrata in strada più volte in poche settimane senza una cartella "
            "aperta: proporla allo sportello."
        ),
        evaluate=met_often_rule,
        defaults=dict(followups.MET_OFTEN),
        parameters={"times": gettext_lazy("incontri"), "days": gettext_lazy("giorni")},
    ),
    AlertRule(
        key="shelter.repeated_stays",
        title=gettext_lazy("Pernottamenti ripetuti senza una presa in carico"),
        description=gettext_lazy(
            "Una persona che dorme spesso nelle strutture dell'emergenza freddo senza una "
            "cartella aperta: lo sportello valuti di aprirne una."
        ),
        evaluate=repeated_stays_rule,
        defaults=dict(followups.REPEATED_STAYS),
        parameters={"stays": gettext_lazy("notti"), "days": gettext_lazy("giorni")},
    ),
)


# --- Duty activities -----------------------------------------------------------------------


def outreach_targets(organization_id: int) -> list[tuple[str, str]]:
    return [("", _("Uscite serali dell'unità di strada"))]


def facility_targets(organization_id: int) -> list[tuple[str, str]]:
    return [
        (f"shelter.facility:{facility.pk}", facility.name)
        for facility in Facility.objects.filter(organization_id=organization_id)
    ]


ACTIVITIES = (
    Activity(
        key="shelter.outreach",
        label=gettext_lazy("Unità di strada (emergenza freddo)"),
        targets=outreach_targets,
        url=lambda target: reverse("shelter:outreach"),
    ),
    Activity(
        key="shelter.facility",
        label=gettext_lazy("Accoglienza notturna (emergenza freddo)"),
        targets=facility_targets,
        url=lambda target: reverse("shelter:board"),
    ),
)


# --- Exports ---------------------------------------------------------------------------------


def _night_param(params: dict[str, str]) -> date:
    from django.utils.dateparse import parse_date

    from .services import night_of

    return parse_date(params.get("night", "")) or night_of(timezone.now())


def _stays_for_export(user: Any, params: dict[str, str]) -> Any:
    return (
        stays_visible_to(user)
        .filter(night=_night_param(params), status__in=HOLDING)
        .select_related("bed__facility", "person")
        .order_by("bed__facility__name", "bed__label")
    )


def stay_rows(user: Any, params: dict[str, str]) -> Iterable[list[Any]]:
    for stay in _stays_for_export(user, params):
        yield [
            stay.night,
            stay.bed.facility.name,
            stay.bed.label,
            str(stay.person) if stay.person_id else stay.alias,
            stay.description,
            stay.get_status_display(),
        ]


def _encounters_for_export(user: Any, params: dict[str, str]) -> Any:
    return (
        encounters_visible_to(user)
        .filter(round__night=_night_param(params))
        .select_related("round", "person")
        .order_by("met_at")
    )


def encounter_rows(user: Any, params: dict[str, str]) -> Iterable[list[Any]]:
    names = sees_names(user)
    for encounter in _encounters_for_export(user, params):
        yield [
            timezone.localtime(encounter.met_at),
            encounter.round.area,
            encounter.who if names else (encounter.alias or encounter.description),
            ", ".join(encounter.conditions),
            encounter.get_answer_display() if encounter.answer else "",
            encounter.health_alert,
            round(encounter.latitude, 4),
            round(encounter.longitude, 4),
        ]


EXPORTS = (
    ExportSource(
        key="shelter.stays",
        label=gettext_lazy("Ospiti della notte"),
        columns=[
            gettext_lazy("Notte"),
            gettext_lazy("Struttura"),
            gettext_lazy("Posto"),
            gettext_lazy("Ospite"),
            gettext_lazy("Descrizione"),
            gettext_lazy("Stato"),
        ],
        rows=stay_rows,
        count=lambda user, params: _stays_for_export(user, params).count(),
        allowed=lambda user: facilities_visible_to(user).exists(),
    ),
    ExportSource(
        key="shelter.encounters",
        label=gettext_lazy("Incontri in strada della notte"),
        columns=[
            gettext_lazy("Ora"),
            gettext_lazy("Zona"),
            gettext_lazy("Persona"),
            gettext_lazy("Condizioni"),
            gettext_lazy("Risposta"),
            gettext_lazy("Allerta sanitaria"),
            gettext_lazy("Latitudine"),
            gettext_lazy("Longitudine"),
        ],
        rows=encounter_rows,
        count=lambda user, params: _encounters_for_export(user, params).count(),
        allowed=can_do_outreach,
    ),
)
