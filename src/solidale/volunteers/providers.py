"""What the volunteers app adds to the shared registries: the landing page, indicators,
the "nobody left behind" alert rules and the exportable lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from solidale.core.alerts import AlertCandidate, AlertRule
from solidale.core.attention import AttentionItem
from solidale.core.exports import ExportSource
from solidale.core.indicators import Fact, Indicator

from .models import HoursStatus, ShiftStatus, Signup, SignupStatus, Volunteer
from .permissions import is_manager, volunteers_visible_to
from .selectors import expiring_volunteers, hours_by_volunteer, my_signups, swap_offers_for
from .services import expiry_notice_days, expiry_text, volunteer_url

SECTION = gettext_lazy("Volontariato")


# --- Landing page ----------------------------------------------------------------------------


def attention_items(user: Any) -> list[AttentionItem]:
    """Managers: expiring insurance/training and hours to confirm; volunteers: shifts, offers."""
    items: list[AttentionItem] = []
    today = timezone.localdate()
    for field, volunteers in expiring_volunteers(
        user, today=today, days=expiry_notice_days()
    ).items():
        for volunteer in volunteers:
            expired = getattr(volunteer, field) < today
            items.append(
                AttentionItem(
                    title=expiry_text(volunteer, field, today),
                    detail=_("Senza assicurazione valida non può essere iscritto ai turni.")
                    if field == "insurance_until"
                    else _("Programma il rinnovo della formazione."),
                    url=volunteer_url(volunteer),
                    severity="danger" if expired else "warning",
                )
            )
    if is_manager(user):
        pending = Signup.objects.filter(
            shift__organization_id=user.membership.organization_id,
            hours_status=HoursStatus.LOGGED,
            status=SignupStatus.ACTIVE,
        ).count()
        if pending:
            items.append(
                AttentionItem(
                    title=_("Ore di volontariato da confermare: %(count)s") % {"count": pending},
                    detail=_("I volontari hanno registrato le ore dei loro turni."),
                    url=reverse("volunteers:hours_pending"),
                )
            )
    current, _upcoming = my_signups(user)
    for signup in current:
        items.append(
            AttentionItem(
                title=_("Sei di turno ora: «%(title)s»") % {"title": signup.shift.title},
                detail=_("Fino alle %(time)s.")
                % {"time": formats.time_format(timezone.localtime(signup.shift.ends_at), "H:i")},
                url=reverse("volunteers:my_shift"),
                severity="warning",
            )
        )
    for offer in swap_offers_for(user):
        items.append(
            AttentionItem(
                title=_("%(name)s ti offre il turno «%(title)s»")
                % {"name": offer.signup.volunteer.full_name, "title": offer.signup.shift.title},
                detail=formats.date_format(
                    timezone.localtime(offer.signup.shift.starts_at), "SHORT_DATETIME_FORMAT"
                ),
                url=reverse("volunteers:my_shift"),
            )
        )
    return items


# --- Indicators ------------------------------------------------------------------------------


def _day_range(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(start, datetime.min.time())),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), datetime.min.time())),
    )


def _served(start: date, end: date) -> Any:
    low, high = _day_range(start, end)
    return (
        Signup.objects.filter(
            status=SignupStatus.ACTIVE,
            shift__status=ShiftStatus.OPEN,
            shift__starts_at__gte=low,
            shift__starts_at__lt=high,
        )
        .annotate(day=TruncDate("shift__starts_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "shift__organization_id")
        .order_by("day", "shift__organization_id")
    )


def hours_facts(start: date, end: date) -> Iterable[Fact]:
    """Confirmed hours of volunteering per day (of the shift) and organization, rounded."""
    rows = (
        _served(start, end).filter(hours_status=HoursStatus.CONFIRMED).annotate(total=Sum("hours"))
    )
    for row in rows:
        yield Fact(
            day=row["day"],
            value=round(row["total"] or 0),
            organization_id=row["shift__organization_id"],
        )


def active_facts(start: date, end: date) -> Iterable[Fact]:
    """Volunteers on a shift per day and organization."""
    for row in _served(start, end).annotate(count=Count("volunteer_id", distinct=True)):
        yield Fact(
            day=row["day"], value=row["count"], organization_id=row["shift__organization_id"]
        )


INDICATORS = (
    Indicator(
        key="volunteers.hours",
        label=gettext_lazy("Ore di volontariato confermate"),
        unit=gettext_lazy("ore"),
        section=SECTION,
        facts=hours_facts,
        order=80,
    ),
    Indicator(
        key="volunteers.active",
        label=gettext_lazy("Volontari in turno"),
        unit=gettext_lazy("volontari"),
        section=SECTION,
        facts=active_facts,
        counts_people=True,
        order=81,
    ),
)


# --- Alert rules -----------------------------------------------------------------------------


def _expiry_rule(field: str) -> Any:
    def evaluate(params: dict[str, Any], day: date) -> Iterable[AlertCandidate]:
        until = day + timedelta(days=int(params.get("days", 30)))
        for volunteer in Volunteer.objects.expiring(field=field, until=until):
            expiry: date = getattr(volunteer, field)
            yield AlertCandidate(
                subject=f"volunteers.volunteer:{volunteer.pk}:{field}:{expiry.isoformat()}",
                title=expiry_text(volunteer, field, day),
                reason=_(
                    "La data è entro %(days)s giorni (o già passata): senza copertura il "
                    "volontario non può prestare servizio."
                )
                % {"days": params.get("days", 30)},
                url=volunteer_url(volunteer),
                organization_id=volunteer.organization_id,
            )

    return evaluate


ALERT_RULES = (
    AlertRule(
        key="volunteers.insurance_expiring",
        title=gettext_lazy("Assicurazione dei volontari in scadenza"),
        description=gettext_lazy(
            "Un volontario attivo ha l'assicurazione obbligatoria scaduta o in scadenza entro "
            "i giorni indicati: l'organizzazione deve rinnovarla prima dei prossimi turni."
        ),
        evaluate=_expiry_rule("insurance_until"),
        defaults={"days": 30},
        parameters={"days": gettext_lazy("Giorni di preavviso")},
    ),
    AlertRule(
        key="volunteers.training_expiring",
        title=gettext_lazy("Formazione dei volontari in scadenza"),
        description=gettext_lazy(
            "Un volontario attivo ha la formazione (ad esempio HACCP o primo soccorso) scaduta "
            "o in scadenza entro i giorni indicati."
        ),
        evaluate=_expiry_rule("training_until"),
        defaults={"days": 30},
        parameters={"days": gettext_lazy("Giorni di preavviso")},
    ),
)


# --- Exports ---------------------------------------------------------------------------------


def _date(value: date | None) -> str:
    return value.isoformat() if value else ""


def registry_rows(user: Any, params: dict[str, str]) -> Iterable[Sequence[Any]]:
    for volunteer in volunteers_visible_to(user).order_by("full_name"):
        yield (
            volunteer.full_name,
            volunteer.email,
            volunteer.phone,
            ", ".join(volunteer.skill_labels),
            volunteer.languages,
            _date(volunteer.started_on),
            _date(volunteer.training_until),
            _date(volunteer.insurance_until),
            _("sì") if volunteer.is_active else _("no"),
        )


def _year(params: dict[str, str]) -> int:
    value = params.get("year", "")
    return int(value) if value.isdigit() else timezone.localdate().year


def hours_rows(user: Any, params: dict[str, str]) -> Iterable[Sequence[Any]]:
    year = _year(params)
    for row in hours_by_volunteer(user=user, year=year):
        yield (year, row.volunteer.full_name, row.shifts, row.confirmed, row.pending)


REGISTRY_COLUMNS = (
    gettext_lazy("Nome e cognome"),
    gettext_lazy("E-mail"),
    gettext_lazy("Telefono"),
    gettext_lazy("Competenze"),
    gettext_lazy("Lingue"),
    gettext_lazy("Volontario dal"),
    gettext_lazy("Formazione valida fino al"),
    gettext_lazy("Assicurazione valida fino al"),
    gettext_lazy("Attivo"),
)
HOURS_COLUMNS = (
    gettext_lazy("Anno"),
    gettext_lazy("Volontario"),
    gettext_lazy("Turni"),
    gettext_lazy("Ore confermate"),
    gettext_lazy("Ore da confermare"),
)

EXPORT_SOURCES = (
    ExportSource(
        key="volunteers.registry",
        label=gettext_lazy("Registro dei volontari"),
        columns=REGISTRY_COLUMNS,
        rows=registry_rows,
        count=lambda user, params: volunteers_visible_to(user).count(),
        allowed=is_manager,
    ),
    ExportSource(
        key="volunteers.hours",
        label=gettext_lazy("Ore di volontariato per volontario"),
        columns=HOURS_COLUMNS,
        rows=hours_rows,
        count=lambda user, params: len(hours_by_volunteer(user=user, year=_year(params))),
        allowed=is_manager,
    ),
)
