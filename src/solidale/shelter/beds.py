"""Writes of tonight's bed board: assignments, check-in and out, transfers, no-shows,
the waiting list. A bed is assigned by inserting one stay row for (bed, night); the
database's conditional unique constraint refuses a second one, so two operators racing
for the same bed leave exactly one stay and the loser gets a clear conflict."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError
from solidale.people.models import LinkReason, Person
from solidale.people.services import person_link_open

from .models import (
    HOLDING,
    Activation,
    Bed,
    BedRequest,
    BedRequestStatus,
    Encounter,
    Facility,
    FacilityKind,
    Guest,
    Stay,
    StayStatus,
)
from .permissions import (
    facilities_visible_to,
)
from .services import (
    _organization_of,
    _require,
    _short,
    activation_for,
    night_of,
    season_for,
)

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
