"""Writes of the cold emergency: atomic, audited, notifying after commit.

A bed is assigned by inserting one stay row for (bed, night); the database's conditional
unique constraint refuses a second one, so two operators racing for the same bed leave
exactly one stay and the loser gets a clear conflict. Status changes are conditional
updates (``UPDATE … WHERE status = …``). Encounters are idempotent on their client key.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.accounts.models import Membership, Organization, Role, User
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import notify
from solidale.people.models import LinkReason, Person
from solidale.people.services import person_link_open

from .forecast import DailyForecast, ForecastSource, default_source
from .models import (
    HOLDING,
    Activation,
    ActivationOrigin,
    ActivationStatus,
    Answer,
    Bed,
    BedRequest,
    BedRequestStatus,
    Encounter,
    EncounterGood,
    Facility,
    FacilityKind,
    FollowUp,
    FollowUpOutcome,
    Forecast,
    Guest,
    OutreachGood,
    Round,
    Season,
    Stay,
    StayStatus,
)
from .permissions import (
    OPERATOR_ROLES,
    can_do_outreach,
    facilities_visible_to,
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


# --- Stays: the bed board ---------------------------------------------------------------------


def _bed_fits(bed: Bed, *, guest: str, accessible: bool, pet: bool) -> str:
    """Why the bed does not fit the guest ("" when it does)."""
    wanted: dict[str, bool] = {
        Guest.MAN: bed.for_men,
        Guest.WOMAN: bed.for_women,
        Guest.FAMILY: bed.for_families,
    }
    if not wanted.get(guest, False):
        return _("Il posto %(bed)s non è per %(guest)s.") % {
            "bed": bed.label,
            "guest": Guest(guest).label,
        }
    if accessible and not bed.accessible:
        return _("Serve un posto accessibile: %(bed)s non lo è.") % {"bed": bed.label}
    if pet and not bed.pets_allowed:
        return _("Il posto %(bed)s non ammette animali.") % {"bed": bed.label}
    return ""


def _check_bed_open(bed: Bed, night: date) -> Activation | None:
    """The bed can take someone on that night; returns the activation covering it."""
    facility = bed.facility
    if not facility.is_open or not bed.is_active:
        raise DomainError(
            _("La struttura %(name)s è chiusa.") % {"name": facility.name}, field="bed"
        )
    activation = activation_for(night)
    needs_activation = bed.surge_only or facility.kind != FacilityKind.NIGHT_SHELTER
    if needs_activation and activation is None:
        raise DomainError(
            _("La notte del %(night)s è fuori dall'attivazione: %(name)s apre solo in emergenza.")
            % {"night": _short(night), "name": facility.name if not bed.surge_only else bed},
            field="night",
        )
    if bed.surge_only and activation is not None and not activation.opens_surge_beds:
        raise DomainError(
            _("Il posto %(bed)s è di emergenza e questa attivazione non li apre.")
            % {"bed": bed.label},
            field="bed",
        )
    return activation


def _insert_stay(stay: Stay) -> Stay:
    try:
        with transaction.atomic():
            stay.save()
    except IntegrityError as error:
        if Stay.objects.filter(bed=stay.bed, night=stay.night, status__in=HOLDING).exists():
            raise ConflictError(
                _("Il posto %(bed)s è già occupato per la notte del %(night)s.")
                % {"bed": stay.bed.label, "night": _short(stay.night)},
                field="bed",
            ) from error
        raise ConflictError(
            _("Questa persona ha già un posto per la notte del %(night)s.")
            % {"night": _short(stay.night)},
            field="person",
        ) from error
    return stay


def _link_guest(actor: Any, person: Person | None, facility: Facility, source: str) -> None:
    if person is not None:
        person_link_open(
            actor=actor,
            person=person,
            organization=facility.organization,
            reason=LinkReason.PROGRAM,
            source=source,
        )


@transaction.atomic
def bed_assign(
    *,
    actor: Any,
    bed: Bed,
    night: date,
    person: Person | None = None,
    alias: str = "",
    description: str = "",
    guest: str = Guest.MAN,
    request: BedRequest | None = None,
) -> Stay:
    """Give a bed for one night to a known person or to someone known by an alias."""
    _require(
        facilities_visible_to(actor).filter(pk=bed.facility_id).exists(),
        _("Non gestisci questa struttura."),
    )
    if request is not None:
        person, alias, description, guest = (
            request.person,
            request.alias,
            request.description,
            request.guest,
        )
        if request.night != night:
            raise DomainError(_("La richiesta è per un'altra notte."), field="night")
        if request.status != BedRequestStatus.WAITING:
            raise ConflictError(_("La richiesta non è più in attesa."), field="request")
    alias = alias.strip()
    if person is None and not alias:
        raise DomainError(
            _("Indica la persona o almeno un nome d'uso e una descrizione."), field="alias"
        )
    activation = _check_bed_open(bed, night)
    misfit = _bed_fits(
        bed,
        guest=guest,
        accessible=bool(request and request.needs_accessible),
        pet=bool(request and request.with_pet),
    )
    if misfit:
        raise DomainError(misfit, field="bed")
    stay = _insert_stay(
        Stay(
            bed=bed,
            night=night,
            person=person,
            alias=alias,
            description=description.strip(),
            guest=guest,
            activation=activation,
            request=request,
            assigned_by=actor,
            assigned_at=timezone.now(),
        )
    )
    if request is not None:
        updated = BedRequest.objects.filter(pk=request.pk, status=BedRequestStatus.WAITING).update(
            status=BedRequestStatus.PLACED
        )
        if not updated:
            raise ConflictError(_("La richiesta è già stata sistemata da un altro operatore."))
    _link_guest(actor, person, bed.facility, f"shelter.stay:{stay.pk}")
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=stay,
        person_id=person.pk if person else None,
        changes={"bed": str(bed), "night": night, "alias": alias},
    )
    return stay


def _stay_move(stay: Stay, *, from_statuses: Iterable[str], **changes: Any) -> None:
    updated = Stay.objects.filter(pk=stay.pk, status__in=list(from_statuses)).update(**changes)
    if not updated:
        raise ConflictError(_("Il pernottamento è già stato aggiornato da un altro operatore."))
    for name, value in changes.items():
        setattr(stay, name, value)


def _require_stay(actor: Any, stay: Stay) -> None:
    _require(
        facilities_visible_to(actor).filter(pk=stay.bed.facility_id).exists(),
        _("Non gestisci questa struttura."),
    )


@transaction.atomic
def stay_check_in(*, actor: Any, stay: Stay) -> Stay:
    _require_stay(actor, stay)
    if stay.status != StayStatus.ASSIGNED:
        raise DomainError(_("Si entra solo da un posto assegnato."), field="status")
    _stay_move(
        stay,
        from_statuses=[StayStatus.ASSIGNED],
        status=StayStatus.CHECKED_IN,
        checked_in_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=stay,
        person_id=stay.person_id,
        changes={"status": "checked_in"},
    )
    return stay


@transaction.atomic
def stay_check_out(*, actor: Any, stay: Stay) -> Stay:
    _require_stay(actor, stay)
    if stay.status != StayStatus.CHECKED_IN:
        raise DomainError(_("Non si può registrare l'uscita prima dell'entrata."), field="status")
    _stay_move(
        stay,
        from_statuses=[StayStatus.CHECKED_IN],
        status=StayStatus.CHECKED_OUT,
        checked_out_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=stay,
        person_id=stay.person_id,
        changes={"status": "checked_out"},
    )
    return stay


@transaction.atomic
def stay_cancel(*, actor: Any, stay: Stay) -> Stay:
    _require_stay(actor, stay)
    _stay_move(stay, from_statuses=[StayStatus.ASSIGNED], status=StayStatus.CANCELLED)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=stay,
        person_id=stay.person_id,
        changes={"status": "cancelled"},
    )
    return stay


@transaction.atomic
def stay_transfer(*, actor: Any, stay: Stay, bed: Bed) -> Stay:
    """Move a guest to a bed of another (or the same) facility for the same night."""
    _require_stay(actor, stay)
    if stay.status not in (StayStatus.ASSIGNED, StayStatus.CHECKED_IN):
        raise DomainError(_("Si trasferisce solo un ospite assegnato o entrato."), field="status")
    if bed.pk == stay.bed_id:
        raise DomainError(_("Scegli un altro posto."), field="bed")
    _check_bed_open(bed, stay.night)
    misfit = _bed_fits(bed, guest=stay.guest, accessible=False, pet=False)
    if misfit:
        raise DomainError(misfit, field="bed")
    _stay_move(
        stay,
        from_statuses=[StayStatus.ASSIGNED, StayStatus.CHECKED_IN],
        status=StayStatus.TRANSFERRED,
    )
    moved = _insert_stay(
        Stay(
            bed=bed,
            night=stay.night,
            person=stay.person,
            alias=stay.alias,
            description=stay.description,
            guest=stay.guest,
            activation=stay.activation,
            assigned_by=actor,
            assigned_at=timezone.now(),
        )
    )
    Stay.objects.filter(pk=stay.pk).update(transferred_to=moved)
    _link_guest(actor, stay.person, bed.facility, f"shelter.stay:{moved.pk}")
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=stay,
        person_id=stay.person_id,
        changes={"transferred_to": str(bed)},
    )
    return moved


@transaction.atomic
def stay_identify(*, actor: Any, stay: Stay, person: Person) -> int:
    """Link an alias to a registry record: this stay and every unlinked row with the alias."""
    _require_stay(actor, stay)
    if stay.person_id is not None:
        raise DomainError(_("Il pernottamento è già collegato a una persona."), field="person")
    same = Q(alias__iexact=stay.alias, person__isnull=True)
    linked = Stay.objects.filter(
        Q(pk=stay.pk) | (same & Q(bed__facility=stay.bed.facility))
    ).update(person=person)
    linked += Encounter.objects.filter(same).update(person=person)
    BedRequest.objects.filter(same).update(person=person)
    _link_guest(actor, person, stay.bed.facility, f"shelter.stay:{stay.pk}")
    audit_record(
        actor=actor,
        action=AuditAction.MERGE,
        obj=stay,
        person_id=person.pk,
        changes={"alias": stay.alias, "rows": linked},
    )
    return linked


def stays_release_no_shows(*, now: datetime | None = None) -> int:
    """Free the beds of tonight's guests who have not checked in by the release hour."""
    now = now or timezone.now()
    night = night_of(now)
    season = season_for(night)
    release = season.no_show_release_at if season else time(22, 30)
    if timezone.localtime(now) < timezone.make_aware(datetime.combine(night, release)):
        return 0
    with transaction.atomic():
        stays = list(
            Stay.objects.filter(night=night, status=StayStatus.ASSIGNED).values_list(
                "pk", "person_id"
            )
        )
        released = Stay.objects.filter(
            pk__in=[pk for pk, _person in stays], status=StayStatus.ASSIGNED
        ).update(status=StayStatus.NO_SHOW)
        if released:
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                object_type="shelter.stay",
                object_id=night.isoformat(),
                changes={"released": [pk for pk, _person in stays]},
            )
    return released


@task()
def no_shows_task() -> int:
    return stays_release_no_shows()


# --- Waiting list -----------------------------------------------------------------------------


@transaction.atomic
def bed_request_add(
    *,
    actor: Any,
    night: date,
    person: Person | None = None,
    alias: str = "",
    description: str = "",
    guest: str = Guest.MAN,
    needs_accessible: bool = False,
    with_pet: bool = False,
    encounter: Encounter | None = None,
) -> BedRequest:
    organization_id = _organization_of(actor)
    if person is None and not alias.strip():
        raise DomainError(_("Indica la persona o almeno un nome d'uso."), field="alias")
    today = night_of(timezone.now())
    if not today - timedelta(days=1) <= night <= today + timedelta(days=1):
        raise DomainError(_("La lista d'attesa è per stanotte o per domani."), field="night")
    request = BedRequest.objects.create(
        night=night,
        person=person,
        alias=alias.strip(),
        description=description.strip(),
        guest=guest,
        needs_accessible=needs_accessible,
        with_pet=with_pet,
        encounter=encounter,
        organization_id=organization_id,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=request,
        person_id=person.pk if person else None,
        changes={"night": night, "alias": request.alias},
    )
    return request


@transaction.atomic
def bed_request_close(*, actor: Any, request: BedRequest, status: str) -> BedRequest:
    """Nobody could give a bed (turned away) or the person no longer needs it."""
    if status not in (BedRequestStatus.TURNED_AWAY, BedRequestStatus.WITHDRAWN):
        raise DomainError(_("Esito non valido."), field="status")
    updated = BedRequest.objects.filter(pk=request.pk, status=BedRequestStatus.WAITING).update(
        status=status
    )
    if not updated:
        raise ConflictError(_("La richiesta non è più in attesa."))
    request.status = status
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=request,
        person_id=request.person_id,
        changes={"status": status},
    )
    return request


# --- Street outreach --------------------------------------------------------------------------


@transaction.atomic
def round_start(
    *, actor: Any, team: str, area: str, vehicle: str = "", night: date | None = None
) -> Round:
    _require(
        can_do_outreach(actor), _("La tua organizzazione non è di turno per le uscite in strada.")
    )
    if not team.strip() or not area.strip():
        raise DomainError(
            _("Indica la squadra e la zona."), field="team" if not team.strip() else "area"
        )
    outing = Round.objects.create(
        night=night or night_of(timezone.now()),
        organization_id=_organization_of(actor),
        team=team.strip(),
        area=area.strip(),
        vehicle=vehicle.strip(),
        started_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=outing, changes={"area": outing.area})
    return outing


@transaction.atomic
def round_end(*, actor: Any, outing: Round) -> Round:
    _require(
        can_do_outreach(actor) and organization_id_of(actor) == outing.organization_id,
        _("Non è un'uscita della tua organizzazione."),
    )
    updated = Round.objects.filter(pk=outing.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if not updated:
        raise ConflictError(_("L'uscita è già conclusa."))
    outing.refresh_from_db()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=outing, changes={"ended": True})
    return outing


def _encounter_checked(outing: Round, data: dict[str, Any]) -> None:
    met_at = data.get("met_at")
    if met_at is None:
        raise DomainError(_("Indica l'ora dell'incontro."), field="met_at")
    start, end = night_window(outing.night)
    if not start <= met_at < end or met_at > timezone.now() + timedelta(minutes=10):
        raise DomainError(
            _(
                "L'ora dell'incontro deve cadere nella notte dell'uscita (%(night)s) e non nel futuro."
            )
            % {"night": _short(outing.night)},
            field="met_at",
        )
    if data.get("latitude") is None or data.get("longitude") is None:
        raise DomainError(
            _("Manca la posizione: usa il GPS del telefono o tocca la mappa."), field="latitude"
        )
    if not (-90 <= data["latitude"] <= 90 and -180 <= data["longitude"] <= 180):
        raise DomainError(_("Posizione non valida."), field="latitude")
    if data.get("answer") and not (data.get("offered_bed") or data.get("offered_referral")):
        raise DomainError(
            _("C'è una risposta ma non un'offerta: indica cosa è stato offerto."), field="answer"
        )
    if data.get("person") is None and not (data.get("alias") or data.get("description")):
        raise DomainError(
            _("Indica la persona, un nome d'uso o almeno una descrizione."), field="description"
        )


def encounter_record(
    *,
    actor: Any,
    outing: Round,
    key: uuid.UUID,
    data: dict[str, Any],
    goods: dict[OutreachGood, int] | None = None,
) -> tuple[Encounter, bool]:
    """Log an encounter; the same key sent again returns the first one (``created`` False)."""
    existing = Encounter.objects.filter(key=key).select_related("round").first()
    if existing is not None:
        return _same_sender(existing, actor), False
    try:
        with transaction.atomic():
            return _encounter_create(
                actor=actor, outing=outing, key=key, data=data, goods=goods or {}
            ), True
    except IntegrityError:
        existing = Encounter.objects.filter(key=key).first()
        if existing is None:
            raise
        return _same_sender(existing, actor), False


def _same_sender(encounter: Encounter, actor: Any) -> Encounter:
    if encounter.created_by_id != actor.pk:
        raise ConflictError(_("Questo invio appartiene a un altro operatore."), field="key")
    return encounter


def _encounter_create(
    *,
    actor: Any,
    outing: Round,
    key: uuid.UUID,
    data: dict[str, Any],
    goods: dict[OutreachGood, int],
) -> Encounter:
    _require(
        can_do_outreach(actor) and organization_id_of(actor) == outing.organization_id,
        _("Non è un'uscita della tua organizzazione."),
    )
    if outing.ended_at is not None:
        raise DomainError(_("L'uscita è conclusa: aprine una nuova."), field="round")
    _encounter_checked(outing, data)
    if any(quantity < 1 for quantity in goods.values()):
        raise DomainError(_("Le quantità distribuite sono almeno 1."), field="goods")
    person = data.get("person")
    encounter = Encounter.objects.create(
        key=key,
        round=outing,
        met_at=data["met_at"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        person=person,
        alias=(data.get("alias") or "").strip(),
        description=(data.get("description") or "").strip(),
        conditions=sorted(set(data.get("conditions") or [])),
        offered_bed=bool(data.get("offered_bed")),
        offered_referral=bool(data.get("offered_referral")),
        answer=data.get("answer") or "",
        health_alert=bool(data.get("health_alert")),
        notes=(data.get("notes") or "").strip(),
        created_by=actor,
        created_at=timezone.now(),
    )
    EncounterGood.objects.bulk_create(
        EncounterGood(encounter=encounter, good=good, quantity=quantity)
        for good, quantity in goods.items()
    )
    if encounter.offered_bed and encounter.answer == Answer.ACCEPTED:
        bed_request_add(
            actor=actor,
            night=outing.night,
            person=person,
            alias=encounter.alias or _("Incontrato in %(area)s") % {"area": outing.area},
            description=encounter.description,
            guest=data.get("guest") or Guest.MAN,
            encounter=encounter,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=encounter,
        person_id=person.pk if person else None,
        changes={
            "round": outing.pk,
            "answer": encounter.answer,
            "health_alert": encounter.health_alert,
            "goods": {good.name: quantity for good, quantity in goods.items()},
        },
    )
    if encounter.health_alert:
        notify(
            users=staff_of([outing.organization_id]),
            kind="shelter.health_alert",
            title=_("Allerta sanitaria in strada (%(area)s)") % {"area": outing.area},
            body=encounter.notes,
            url=reverse("shelter:round_detail", kwargs={"pk": outing.pk}),
        )
    return encounter


# --- Follow-up: nobody left on the street -----------------------------------------------------


def followup_close(*, actor: Any, followup: FollowUp, outcome: str, note: str = "") -> FollowUp:
    if outcome not in FollowUpOutcome.values:
        raise DomainError(_("Scegli un esito."), field="outcome")
    with transaction.atomic():
        updated = FollowUp.objects.filter(pk=followup.pk, closed_at__isnull=True).update(
            outcome=outcome, outcome_note=note.strip(), closed_by=actor, closed_at=timezone.now()
        )
        if not updated:
            raise ConflictError(_("Questa segnalazione ha già un esito."))
        followup.refresh_from_db()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=followup,
            person_id=followup.person_id,
            changes={"outcome": outcome, "note": note},
        )
    return followup
