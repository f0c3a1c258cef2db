"""Writes of the cold emergency: atomic, audited, notifying after commit.

A bed is assigned by inserting one stay row for (bed, night); the database's conditional
unique constraint refuses a second one, so two operators racing for the same bed leave
exactly one stay and the loser gets a clear conflict. Status changes are conditional
updates (``UPDATE … WHERE status = …``). Encounters are idempotent on their client key.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.accounts.models import Membership, Organization, Role, User
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify

from .forecast import DailyForecast, ForecastSource, default_source
from .models import (
    Activation,
    ActivationOrigin,
    ActivationStatus,
    Bed,
    Facility,
    Forecast,
    Season,
)
from .permissions import (
    OPERATOR_ROLES,
    is_coordinator,
    organization_id_of,
)

#: A night runs from noon of its date to noon of the next day (local time).
NIGHT_TURN = time(12, 0)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _organization_of(actor: Any) -> int:
    organization_id = organization_id_of(actor)
    if organization_id is None:
        raise PermissionDeniedError(_("Serve un'organizzazione."))
    return organization_id


def night_of(moment: datetime) -> date:
    """The night a moment belongs to: 3 a.m. on the 16th is the night of the 15th."""
    local = timezone.localtime(moment)
    return local.date() if local.time() >= NIGHT_TURN else local.date() - timedelta(days=1)


def night_window(night: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(night, NIGHT_TURN))
    return start, start + timedelta(days=1)


def _short(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def staff_of(organization_ids: Iterable[int]) -> list[User]:
    """The active operators, admins and coordinators of these organizations."""
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(organization_id__in=list(organization_ids), role__in=OPERATOR_ROLES)
            .values("user_id"),
        )
    )


def comune_coordinators() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(organization__kind=Organization.Kind.COMUNE, role=Role.COORDINATOR)
            .values("user_id"),
        )
    )


# --- Season plan ----------------------------------------------------------------------------

SEASON_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "min_temperature",
    "apparent_temperature",
    "consecutive_nights",
    "no_show_release_at",
    "contacts",
)


@transaction.atomic
def season_save(
    *,
    actor: Any,
    data: dict[str, Any],
    facilities: Iterable[Facility],
    organizations: Iterable[Organization],
    season: Season | None = None,
) -> Season:
    """Create or update the cold-emergency plan of a season."""
    _require(is_coordinator(actor), _("Solo un coordinatore del Comune scrive il piano freddo."))
    if data["ends_on"] < data["starts_on"]:
        raise DomainError(_("La fine della finestra precede l'inizio."), field="ends_on")
    overlapping = Season.objects.filter(
        starts_on__lte=data["ends_on"], ends_on__gte=data["starts_on"]
    )
    if season is not None:
        overlapping = overlapping.exclude(pk=season.pk)
    if overlapping.exists():
        raise DomainError(
            _("Un altro piano copre già una parte di queste date."), field="starts_on"
        )
    created = season is None
    season = season or Season(created_by=actor)
    for name in SEASON_FIELDS:
        if name in data:
            setattr(season, name, data[name])
    season.save()
    season.facilities.set(facilities)
    season.organizations.set(organizations)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=season,
        changes={name: data.get(name) for name in SEASON_FIELDS},
    )
    return season


def season_for(day: date) -> Season | None:
    return Season.objects.filter(starts_on__lte=day, ends_on__gte=day).first()


# --- Forecast and activations --------------------------------------------------------------


def forecast_store(days: Iterable[DailyForecast], *, fetched_at: datetime | None = None) -> int:
    fetched_at = fetched_at or timezone.now()
    count = 0
    for day in days:
        Forecast.objects.update_or_create(
            day=day.day,
            defaults={
                "min_temperature": day.min_temperature,
                "apparent_min_temperature": day.apparent_min_temperature,
                "max_wind_speed": day.max_wind_speed,
                "fetched_at": fetched_at,
            },
        )
        count += 1
    return count


def is_cold(season: Season, forecast: Forecast) -> bool:
    """The night meets the season's threshold (minimum, or apparent with the wind)."""
    if forecast.min_temperature <= season.min_temperature:
        return True
    return (
        season.apparent_temperature is not None
        and forecast.apparent_min_temperature <= season.apparent_temperature
    )


def cold_run(season: Season, *, today: date) -> list[Forecast]:
    """The first run of at least N consecutive cold nights in the forecast, from today."""
    run: list[Forecast] = []
    for forecast in Forecast.objects.filter(day__gte=today, day__lte=season.ends_on).order_by(
        "day"
    ):
        contiguous = not run or forecast.day == run[-1].day + timedelta(days=1)
        if season.covers(forecast.day) and is_cold(season, forecast) and contiguous:
            run.append(forecast)
        elif len(run) >= season.consecutive_nights:
            break
        else:
            run = [forecast] if season.covers(forecast.day) and is_cold(season, forecast) else []
    return run if len(run) >= season.consecutive_nights else []


def forecast_evaluate(*, today: date | None = None) -> Activation | None:
    """Propose an activation to the coordinators when the thresholds are met."""
    today = today or timezone.localdate()
    season = (
        season_for(today)
        or Season.objects.filter(starts_on__gt=today).order_by("starts_on").first()
    )
    if season is None:
        return None
    run = cold_run(season, today=today)
    if not run:
        return None
    first, last = run[0].day, run[-1].day
    covering = season.activations.filter(
        status__in=(ActivationStatus.PROPOSED, ActivationStatus.ACTIVE),
        starts_on__lte=last,
        ends_on__gte=first,
    )
    if covering.exists():
        return None
    coldest = min(run, key=lambda forecast: forecast.min_temperature)
    reason = _(
        "Previste %(n)s notti fredde consecutive dal %(first)s al %(last)s: minima fino a "
        "%(min)s °C, percepita fino a %(apparent)s °C (soglia %(threshold)s °C)."
    ) % {
        "n": len(run),
        "first": _short(first),
        "last": _short(last),
        "min": coldest.min_temperature,
        "apparent": min(forecast.apparent_min_temperature for forecast in run),
        "threshold": season.min_temperature,
    }
    try:
        with transaction.atomic():
            activation = Activation.objects.create(
                season=season,
                origin=ActivationOrigin.FORECAST,
                starts_on=first,
                ends_on=last,
                reason=reason,
            )
            audit_record(
                actor=None, action=AuditAction.CREATE, obj=activation, changes={"reason": reason}
            )
            notify(
                users=comune_coordinators(),
                kind="shelter.activation_proposed",
                title=_("Emergenza freddo: attivazione proposta"),
                body=reason,
                url=reverse("shelter:home"),
            )
    except IntegrityError:
        return None  # a proposal is already waiting for the coordinator
    return activation


@task()
def forecast_task() -> int:
    """Daily: fetch the forecast for the town and propose an activation when it is cold."""
    return forecast_refresh(source=default_source())


def forecast_refresh(*, source: ForecastSource) -> int:
    stored = forecast_store(source.daily())
    forecast_evaluate()
    return stored


def _notify_on_duty(activation: Activation, *, kind: str, title: str, body: str) -> None:
    organization_ids = list(activation.season.organizations.values_list("pk", flat=True))
    organization_ids += list(activation.season.facilities.values_list("organization_id", flat=True))
    notify(
        users=[*staff_of(organization_ids), *comune_coordinators()],
        kind=kind,
        title=title,
        body=body,
        url=reverse("shelter:home"),
    )


def _check_nights(season: Season, starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise DomainError(_("L'ultima notte precede la prima."), field="ends_on")
    if not (season.covers(starts_on) and season.covers(ends_on)):
        raise DomainError(
            _("Le notti devono stare nella finestra del piano (%(start)s - %(end)s).")
            % {"start": _short(season.starts_on), "end": _short(season.ends_on)},
            field="starts_on",
        )


def _lock_season(season: Season) -> Season:
    return Season.objects.select_for_update().get(pk=season.pk)


def _no_overlap(
    season: Season, starts_on: date, ends_on: date, *, exclude: int | None = None
) -> None:
    active = season.activations.filter(
        status=ActivationStatus.ACTIVE, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if exclude is not None:
        active = active.exclude(pk=exclude)
    if active.exists():
        raise ConflictError(_("Un'altra attivazione copre già queste notti."), field="starts_on")


def _activation_text(activation: Activation) -> str:
    return _("Notti dal %(first)s al %(last)s.") % {
        "first": _short(activation.starts_on),
        "last": _short(activation.ends_on),
    }


@transaction.atomic
def activation_open(
    *,
    actor: Any,
    season: Season,
    starts_on: date,
    ends_on: date,
    ordinance: str = "",
    reason: str = "",
    opens_surge_beds: bool = False,
) -> Activation:
    """Open an activation by hand (e.g. after the mayor's ordinance)."""
    _require(is_coordinator(actor), _("Solo un coordinatore del Comune attiva l'emergenza."))
    season = _lock_season(season)
    _check_nights(season, starts_on, ends_on)
    _no_overlap(season, starts_on, ends_on)
    activation = Activation.objects.create(
        season=season,
        status=ActivationStatus.ACTIVE,
        origin=ActivationOrigin.ORDINANCE,
        starts_on=starts_on,
        ends_on=ends_on,
        ordinance=ordinance,
        reason=reason,
        opens_surge_beds=opens_surge_beds,
        proposed_by=actor,
        approved_by=actor,
        approved_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=activation,
        changes={"starts_on": starts_on, "ends_on": ends_on, "ordinance": ordinance},
    )
    _notify_on_duty(
        activation,
        kind="shelter.activation_opened",
        title=_("Emergenza freddo attivata"),
        body=_activation_text(activation) + (f" {ordinance}" if ordinance else ""),
    )
    return activation


def _transition(activation: Activation, *, from_status: str, **changes: Any) -> None:
    updated = Activation.objects.filter(pk=activation.pk, status=from_status).update(**changes)
    if not updated:
        raise ConflictError(_("L'attivazione è già stata gestita da un altro utente."))
    for name, value in changes.items():
        setattr(activation, name, value)


@transaction.atomic
def activation_approve(
    *, actor: Any, activation: Activation, opens_surge_beds: bool = False
) -> Activation:
    _require(is_coordinator(actor), _("Solo un coordinatore del Comune attiva l'emergenza."))
    _lock_season(activation.season)
    _no_overlap(activation.season, activation.starts_on, activation.ends_on)
    _transition(
        activation,
        from_status=ActivationStatus.PROPOSED,
        status=ActivationStatus.ACTIVE,
        approved_by=actor,
        approved_at=timezone.now(),
        opens_surge_beds=opens_surge_beds,
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=activation, changes={"status": "active"}
    )
    _notify_on_duty(
        activation,
        kind="shelter.activation_opened",
        title=_("Emergenza freddo attivata"),
        body=_activation_text(activation) + " " + activation.reason,
    )
    return activation


@transaction.atomic
def activation_decline(*, actor: Any, activation: Activation) -> Activation:
    _require(is_coordinator(actor), _("Solo un coordinatore del Comune attiva l'emergenza."))
    _transition(
        activation,
        from_status=ActivationStatus.PROPOSED,
        status=ActivationStatus.DECLINED,
        closed_at=timezone.now(),
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=activation, changes={"status": "declined"}
    )
    return activation


@transaction.atomic
def activation_extend(*, actor: Any, activation: Activation, ends_on: date) -> Activation:
    _require(is_coordinator(actor), _("Solo un coordinatore del Comune attiva l'emergenza."))
    season = _lock_season(activation.season)
    if ends_on <= activation.ends_on:
        raise DomainError(_("La nuova ultima notte deve seguire quella attuale."), field="ends_on")
    _check_nights(season, activation.starts_on, ends_on)
    _no_overlap(season, activation.starts_on, ends_on, exclude=activation.pk)
    previous = activation.ends_on
    _transition(activation, from_status=ActivationStatus.ACTIVE, ends_on=ends_on)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=activation,
        changes={"ends_on": [previous, ends_on]},
    )
    _notify_on_duty(
        activation,
        kind="shelter.activation_extended",
        title=_("Emergenza freddo prorogata"),
        body=_activation_text(activation),
    )
    return activation


@transaction.atomic
def activation_close(*, actor: Any, activation: Activation) -> Activation:
    _require(is_coordinator(actor), _("Solo un coordinatore del Comune attiva l'emergenza."))
    today = night_of(timezone.now())
    changes: dict[str, Any] = {"status": ActivationStatus.CLOSED, "closed_at": timezone.now()}
    if activation.ends_on > today:
        changes["ends_on"] = max(today, activation.starts_on)
    _transition(activation, from_status=ActivationStatus.ACTIVE, **changes)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=activation, changes={"status": "closed"}
    )
    _notify_on_duty(
        activation,
        kind="shelter.activation_closed",
        title=_("Emergenza freddo chiusa"),
        body=_activation_text(activation),
    )
    return activation


def activation_for(night: date) -> Activation | None:
    return (
        Activation.objects.filter(
            status__in=(ActivationStatus.ACTIVE, ActivationStatus.CLOSED),
            starts_on__lte=night,
            ends_on__gte=night,
        )
        .select_related("season")
        .first()
    )


# --- Facilities and beds --------------------------------------------------------------------

FACILITY_FIELDS = ("name", "kind", "organization", "address", "opening_times", "rules")
FACILITY_PLACE = ("latitude", "longitude")
BED_FLAGS = ("for_men", "for_women", "for_families", "accessible", "pets_allowed", "surge_only")


@transaction.atomic
def facility_create(*, actor: Any, data: dict[str, Any]) -> Facility:
    _require(is_coordinator(actor), _("Solo un coordinatore del Comune registra le strutture."))
    if Facility.objects.filter(name__iexact=data["name"]).exists():
        raise DomainError(_("Esiste già una struttura con questo nome."), field="name")
    facility = Facility.objects.create(
        **{name: data.get(name) or "" for name in FACILITY_FIELDS},
        **{name: data.get(name) for name in FACILITY_PLACE},
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=facility, changes={"name": facility.name}
    )
    return facility


def _may_manage(actor: Any, facility: Facility) -> bool:
    return is_coordinator(actor) or (
        organization_id_of(actor) == facility.organization_id
        and getattr(actor.membership, "role", None) in (Role.ORG_ADMIN, Role.ORG_OPERATOR)
    )


@transaction.atomic
def beds_add(
    *, actor: Any, facility: Facility, count: int, prefix: str, flags: dict[str, bool]
) -> list[Bed]:
    """Add ``count`` beds with the same attributes, numbered after the existing ones."""
    _require(_may_manage(actor, facility), _("Non gestisci questa struttura."))
    if not 1 <= count <= 200:
        raise DomainError(_("Da 1 a 200 posti per volta."), field="count")
    if not (flags.get("for_men") or flags.get("for_women") or flags.get("for_families")):
        raise DomainError(
            _("Indica per chi è il posto (uomini, donne o famiglie)."), field="for_men"
        )
    existing = set(facility.beds.values_list("label", flat=True))
    beds: list[Bed] = []
    number = 1
    while len(beds) < count:
        label = f"{prefix}{number}"
        if label not in existing:
            beds.append(
                Bed(facility=facility, label=label, **{f: bool(flags.get(f)) for f in BED_FLAGS})
            )
        number += 1
    Bed.objects.bulk_create(beds)
    audit_record(
        actor=actor,
        action=AuditAction.BULK_CREATE,
        obj=facility,
        changes={"beds": [bed.label for bed in beds], **flags},
    )
    return beds


@transaction.atomic
def facility_set_open(*, actor: Any, facility: Facility, is_open: bool) -> Facility:
    _require(_may_manage(actor, facility), _("Non gestisci questa struttura."))
    Facility.objects.filter(pk=facility.pk).update(is_open=is_open)
    facility.is_open = is_open
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=facility, changes={"is_open": is_open})
    return facility
