"""What the housing area contributes to the shared registries: alert rules, indicators,
contacts, the person timeline, exportable lists and the landing page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidale.core.alerts import AlertCandidate, AlertRule
from solidale.core.attention import AttentionItem
from solidale.core.exports import ExportSource
from solidale.core.indicators import Contact, Fact, Indicator
from solidale.core.timeline import TimelineEntry

from .models import (
    CaseNote,
    EventKind,
    Grant,
    GrantStatus,
    HousingCase,
    Placement,
    PlacementNight,
    ProcedureEvent,
)
from .permissions import (
    applications_visible_to,
    grants_visible_to,
    housing_cases_visible_to,
    is_comune_staff,
    is_decider,
    is_housing_member,
)
from .selectors import evictions_without_plan, grants_due, placements_ending


def _day(value: date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


# --- Alert rules ------------------------------------------------------------------------------


def evictions_alert(params: dict[str, Any], today: date) -> Iterable[AlertCandidate]:
    days = int(params.get("days", 30))
    cases = (
        HousingCase.objects.access_within(days, today)
        .filter(plan_agreed_on__isnull=True)
        .with_next_event(today)
    )
    for case in cases:
        yield AlertCandidate(
            subject=f"housing.case:{case.pk}",
            title=_("Sfratto senza progetto abitativo: caso abitativo n. %(id)s") % {"id": case.pk},
            reason=_(
                "Accesso dell'ufficiale giudiziario il %(date)s (entro %(days)s giorni) e nessun "
                "progetto abitativo concordato."
            )
            % {"date": _day(case.next_on), "days": days},
            url=reverse("housing:case_detail", kwargs={"pk": case.pk}),
            organization_id=case.organization_id,
            assignee_id=case.responsible_id,
            person_id=case.person_id,
        )


def placements_alert(params: dict[str, Any], today: date) -> Iterable[AlertCandidate]:
    days = int(params.get("days", 30))
    placements = Placement.objects.filter(
        closed_on__isnull=True, ends_on__gte=today, ends_on__lte=today + timedelta(days=days)
    ).select_related("unit")
    for placement in placements:
        yield AlertCandidate(
            subject=f"housing.placement:{placement.pk}",
            title=_("Inserimento in scadenza: %(unit)s") % {"unit": placement.unit.name},
            reason=_(
                "L'inserimento termina il %(date)s (entro %(days)s giorni): serve un'uscita "
                "concordata o una proroga."
            )
            % {"date": _day(placement.ends_on), "days": days},
            url=reverse("housing:placement_detail", kwargs={"pk": placement.pk}),
            organization_id=placement.unit.organization_id,
            assignee_id=placement.created_by_id,
        )


def grants_alert(params: dict[str, Any], today: date) -> Iterable[AlertCandidate]:
    days = int(params.get("days", 15))
    grants = Grant.objects.filter(
        status__in=[GrantStatus.SUBMITTED, GrantStatus.ELIGIBLE],
        deadline__isnull=False,
        deadline__lte=today + timedelta(days=days),
    )
    for grant in grants:
        yield AlertCandidate(
            subject=f"housing.grant:{grant.pk}",
            title=_("Contributo in scadenza: domanda n. %(id)s") % {"id": grant.pk},
            reason=_("Scadenza il %(date)s e la domanda non è ancora approvata.")
            % {"date": _day(grant.deadline)},
            url=reverse("housing:grant_detail", kwargs={"pk": grant.pk}),
            organization_id=grant.organization_id,
            person_id=grant.applicant_id,
        )


ALERT_RULES = (
    AlertRule(
        key="housing.eviction_without_plan",
        title=gettext_lazy("Sfratto imminente senza progetto abitativo"),
        description=gettext_lazy(
            "Un nucleo ha l'accesso dell'ufficiale giudiziario entro pochi giorni e non ha "
            "ancora un progetto abitativo concordato con i servizi sociali."
        ),
        evaluate=evictions_alert,
        defaults={"days": 30},
        parameters={"days": gettext_lazy("Giorni prima dell'accesso")},
    ),
    AlertRule(
        key="housing.placement_ending",
        title=gettext_lazy("Inserimento in alloggio temporaneo in scadenza"),
        description=gettext_lazy(
            "Un inserimento in un alloggio temporaneo sta per finire: va concordata l'uscita o "
            "chiesta una proroga."
        ),
        evaluate=placements_alert,
        defaults={"days": 30},
        parameters={"days": gettext_lazy("Giorni prima della fine")},
    ),
    AlertRule(
        key="housing.grant_deadline",
        title=gettext_lazy("Domanda di contributo in scadenza"),
        description=gettext_lazy(
            "Una domanda di contributo affitto o morosità incolpevole si avvicina alla scadenza "
            "senza essere stata approvata."
        ),
        evaluate=grants_alert,
        defaults={"days": 15},
        parameters={"days": gettext_lazy("Giorni prima della scadenza")},
    ),
)


# --- Indicators and contacts --------------------------------------------------------------------


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def cases_open_facts(start: date, end: date) -> Iterable[Fact]:
    rows = list(
        HousingCase.objects.values_list(
            "opened_at", "closed_at", "organization_id", "household__neighbourhood_id"
        )
    )
    for day in _days(start, end):
        counts: dict[tuple[int, int | None], int] = {}
        for opened_at, closed_at, org_id, neighbourhood_id in rows:
            if timezone.localdate(opened_at) <= day and (
                closed_at is None or timezone.localdate(closed_at) > day
            ):
                key = (org_id, neighbourhood_id)
                counts[key] = counts.get(key, 0) + 1
        for (owner_id, area_id), value in counts.items():
            yield Fact(day, value, area_id, owner_id)


def evictions_ahead_facts(start: date, end: date) -> Iterable[Fact]:
    """Bailiff accesses scheduled on each day (the evictions ahead of the town)."""
    rows = (
        ProcedureEvent.objects.filter(kind=EventKind.ACCESS, on__gte=start, on__lte=end)
        .values("on", "case__organization_id", "case__household__neighbourhood_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        yield Fact(
            row["on"],
            row["n"],
            row["case__household__neighbourhood_id"],
            row["case__organization_id"],
        )


def placement_nights_facts(start: date, end: date) -> Iterable[Fact]:
    rows = (
        PlacementNight.objects.filter(night__gte=start, night__lte=end)
        .values("night", "unit__organization_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        yield Fact(row["night"], row["n"], None, row["unit__organization_id"])


def grants_approved_facts(start: date, end: date) -> Iterable[Fact]:
    rows = Grant.objects.filter(
        approved_at__date__gte=start, approved_at__date__lte=end
    ).values_list("approved_at", "organization_id")
    counts: dict[tuple[date, int], int] = {}
    for approved_at, organization_id in rows:
        key = (timezone.localdate(approved_at), organization_id)
        counts[key] = counts.get(key, 0) + 1
    for (day, organization_id), value in counts.items():
        yield Fact(day, value, None, organization_id)


SECTION = gettext_lazy("Emergenza abitativa")
INDICATORS = (
    Indicator(
        "housing.cases_open",
        gettext_lazy("Casi abitativi aperti"),
        gettext_lazy("casi"),
        SECTION,
        cases_open_facts,
        counts_people=True,
        order=70,
    ),
    Indicator(
        "housing.evictions_ahead",
        gettext_lazy("Accessi dell'ufficiale giudiziario"),
        gettext_lazy("accessi"),
        SECTION,
        evictions_ahead_facts,
        counts_people=True,
        order=71,
    ),
    Indicator(
        "housing.placement_nights",
        gettext_lazy("Notti in alloggi temporanei"),
        gettext_lazy("notti"),
        SECTION,
        placement_nights_facts,
        counts_people=True,
        order=72,
    ),
    Indicator(
        "housing.grants_approved",
        gettext_lazy("Contributi approvati"),
        gettext_lazy("contributi"),
        SECTION,
        grants_approved_facts,
        counts_people=True,
        order=73,
    ),
)


def contacts(start: date, end: date) -> Iterable[Contact]:
    """Every time the housing area met a person: a case opened, a shared note, a grant."""
    for opened_at, person_id, organization_id in HousingCase.objects.filter(
        opened_at__date__gte=start, opened_at__date__lte=end
    ).values_list("opened_at", "person_id", "organization_id"):
        yield Contact(person_id, timezone.localdate(opened_at), organization_id, "housing")
    for created_at, person_id, organization_id in CaseNote.objects.filter(
        created_at__date__gte=start, created_at__date__lte=end
    ).values_list("created_at", "case__person_id", "organization_id"):
        yield Contact(person_id, timezone.localdate(created_at), organization_id, "housing")
    for created_at, person_id, organization_id in Grant.objects.filter(
        created_at__date__gte=start, created_at__date__lte=end
    ).values_list("created_at", "applicant_id", "organization_id"):
        yield Contact(person_id, timezone.localdate(created_at), organization_id, "housing")


# --- Person timeline ------------------------------------------------------------------------------


def timeline(user: Any, person_ids: list[int]) -> Iterable[TimelineEntry]:
    if not is_housing_member(user) or not person_ids:
        return []
    entries: list[TimelineEntry] = []
    cases = list(
        housing_cases_visible_to(user)
        .filter(household__members__person_id__in=person_ids)
        .distinct()
        .select_related("organization")
    )
    for case in cases:
        url = reverse("housing:case_detail", kwargs={"pk": case.pk})
        entries.append(
            TimelineEntry(
                case.opened_at,
                "housing",
                _("Caso abitativo aperto: %(s)s") % {"s": case.get_situation_display()},
                case.get_risk_display(),
                url,
                case.organization.name,
            )
        )
        for event in case.events.all():
            entries.append(
                TimelineEntry(
                    _aware(event.on),
                    "housing",
                    event.get_kind_display(),
                    event.get_outcome_display() if event.outcome else "",
                    url,
                )
            )
        for note in case.shared_notes.select_related("organization"):
            entries.append(
                TimelineEntry(
                    note.created_at,
                    "housing",
                    note.get_kind_display(),
                    note.text[:120],
                    url,
                    note.organization.name,
                )
            )
        for placement in case.placements.select_related("unit"):
            entries.append(
                TimelineEntry(
                    _aware(placement.starts_on),
                    "housing",
                    _("Inserimento in %(unit)s") % {"unit": placement.unit.name},
                    _("fino al %(d)s") % {"d": _day(placement.last_night)},
                    url,
                )
            )
    for application in (
        applications_visible_to(user)
        .filter(household__members__person_id__in=person_ids)
        .distinct()
        .select_related("call")
    ):
        url = reverse("housing:application_detail", kwargs={"pk": application.pk})
        entries.append(
            TimelineEntry(
                _aware(application.submitted_on),
                "housing",
                _("Domanda ERP %(p)s") % {"p": application.protocol},
                _("%(points)s punti — %(status)s")
                % {"points": application.points, "status": application.get_status_display()},
                url,
            )
        )
        for allocation in application.allocations.select_related("offer"):
            entries.append(
                TimelineEntry(
                    allocation.decided_at or allocation.proposed_at,
                    "housing",
                    _("Alloggio %(code)s: %(status)s")
                    % {"code": allocation.offer.code, "status": allocation.get_status_display()},
                    "",
                    url,
                )
            )
    for grant in grants_visible_to(user).filter(applicant_id__in=person_ids):
        entries.append(
            TimelineEntry(
                grant.created_at,
                "housing",
                grant.get_kind_display(),
                grant.get_status_display(),
                reverse("housing:grant_detail", kwargs={"pk": grant.pk}),
            )
        )
    return entries


# --- Exportable lists ------------------------------------------------------------------------------


CASE_COLUMNS = (
    gettext_lazy("Caso"),
    gettext_lazy("Nucleo"),
    gettext_lazy("Situazione"),
    gettext_lazy("Rischio"),
    gettext_lazy("Prossima scadenza"),
    gettext_lazy("Progetto abitativo"),
    gettext_lazy("Stato"),
)


def _case_rows(user: Any, params: dict[str, str]) -> Iterable[Sequence[Any]]:
    cases = housing_cases_visible_to(user).with_next_event().select_related("household")
    if params.get("status"):
        cases = cases.filter(status=params["status"])
    for case in cases.order_by("pk"):
        yield (
            case.pk,
            case.household.name,
            case.get_situation_display(),
            case.get_risk_display(),
            case.next_on,
            case.plan_agreed_on,
            case.get_status_display(),
        )


PAYMENT_COLUMNS = (
    gettext_lazy("Domanda"),
    gettext_lazy("Tipo"),
    gettext_lazy("Anno"),
    gettext_lazy("Beneficiario"),
    gettext_lazy("Codice fiscale"),
    gettext_lazy("IBAN"),
    gettext_lazy("Importo (€)"),
)


def payment_rows(user: Any, params: dict[str, str]) -> Iterable[Sequence[Any]]:
    grants = grants_visible_to(user).filter(status=GrantStatus.APPROVED).select_related("applicant")
    if params.get("kind"):
        grants = grants.filter(kind=params["kind"])
    if params.get("year", "").isdigit():
        grants = grants.filter(year=int(params["year"]))
    for grant in grants.order_by("pk"):
        yield (
            grant.pk,
            grant.get_kind_display(),
            grant.year,
            str(grant.applicant),
            grant.applicant.codice_fiscale,
            grant.iban,
            grant.amount,
        )


EXPORTS = (
    ExportSource(
        key="housing.cases",
        label=gettext_lazy("Casi abitativi"),
        columns=CASE_COLUMNS,
        rows=_case_rows,
        count=lambda user, params: sum(1 for _row in _case_rows(user, params)),
        allowed=is_comune_staff,
    ),
    ExportSource(
        key="housing.payments",
        label=gettext_lazy("Elenco di pagamento dei contributi"),
        columns=PAYMENT_COLUMNS,
        rows=payment_rows,
        count=lambda user, params: sum(1 for _row in payment_rows(user, params)),
        allowed=is_decider,
    ),
)


# --- Landing page ------------------------------------------------------------------------------------


def attention_items(user: Any) -> list[AttentionItem]:
    if not is_housing_member(user):
        return []
    items = [
        AttentionItem(
            title=_("Sfratto il %(date)s senza progetto abitativo: %(household)s")
            % {"date": _day(case.next_on), "household": case.household.name},
            detail=_("Accesso dell'ufficiale giudiziario entro 30 giorni."),
            url=reverse("housing:case_detail", kwargs={"pk": case.pk}),
            severity="danger",
        )
        for case in evictions_without_plan(user=user, days=30)
    ]
    items += [
        AttentionItem(
            title=_("Inserimento in scadenza il %(date)s: %(unit)s")
            % {"date": _day(placement.ends_on), "unit": placement.unit.name},
            detail=placement.household.name,
            url=reverse("housing:placement_detail", kwargs={"pk": placement.pk}),
            severity="warning",
        )
        for placement in placements_ending(user=user, days=14)
    ]
    items += [
        AttentionItem(
            title=_("Contributo in scadenza il %(date)s") % {"date": _day(grant.deadline)},
            detail=grant.household.name,
            url=reverse("housing:grant_detail", kwargs={"pk": grant.pk}),
        )
        for grant in grants_due(user=user, days=7)
    ]
    return items
