"""Writes on the network: organization profiles, agreements, the services directory and
live capacity. Each runs in one transaction, checks who acts and writes the audit trail.

Pages, API, demo seed and CLI call these functions; none of them checks a rule of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from typing import Any, cast

from django.db import transaction
from django.db.models import F, Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import Organization
from solidale.core.audit import Action, audit_record, diff_fields
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import Neighbourhood

from .models import (
    WEEKDAY_CODES,
    Agreement,
    Capacity,
    Location,
    NeedCategory,
    OrganizationProfile,
    Program,
    Schedule,
    ScheduleFreq,
    Service,
    ServiceAtLocation,
)
from .permissions import can_edit_organization, can_update_capacity, is_comune_coordinator

PROFILE_DATA_FIELDS = (
    "legal_form",
    "description",
    "website",
    "public_email",
    "public_phone",
    "contact_role",
)
SERVICE_DATA_FIELDS = (
    "name",
    "description",
    "program",
    "status",
    "eligibility_description",
    "languages",
    "is_free",
    "fees_description",
    "required_documents",
    "application_process",
    "url",
    "email",
    "phone",
)
LOCATION_DATA_FIELDS = (
    "name",
    "description",
    "address",
    "city",
    "postal_code",
    "neighbourhood",
    "latitude",
    "longitude",
    "accessibility",
)


def _require_editor(actor: Any, organization: Organization) -> None:
    if actor is not None and not can_edit_organization(actor, organization):
        raise PermissionDeniedError(
            _("Solo gli amministratori dell'organizzazione o i coordinatori del Comune.")
        )


def _apply(instance: Model, data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise DomainError(_("Campi non modificabili: %s") % ", ".join(sorted(unknown)))
    for name, value in data.items():
        setattr(instance, name, value)


def _audited(instance: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The values of ``fields`` (foreign keys as ids, so nothing is fetched)."""
    return {
        name: getattr(instance, cast(Field[Any, Any], instance._meta.get_field(name)).attname)
        for name in fields
    }


def _clean_languages(value: str) -> str:
    codes = [code.strip().lower() for code in value.split(",") if code.strip()]
    for code in codes:
        if len(code) != 2 or not code.isalpha():
            raise DomainError(
                _("Lingua non valida: %(code)s (usa i codici di due lettere, come it, en, ar).")
                % {"code": code},
                field="languages",
            )
    return ",".join(dict.fromkeys(codes))


# --- Organization profile and agreements --------------------------------------------------


@transaction.atomic
def organization_profile_update(
    *,
    organization: Organization,
    data: dict[str, Any],
    actor: Any,
    areas: Iterable[NeedCategory] | None = None,
    neighbourhoods: Iterable[Neighbourhood] | None = None,
) -> OrganizationProfile:
    """Create or change the profile of ``organization``."""
    _require_editor(actor, organization)
    profile, created = OrganizationProfile.objects.select_for_update().get_or_create(
        organization=organization
    )
    before = _audited(profile, PROFILE_DATA_FIELDS)
    _apply(profile, data, PROFILE_DATA_FIELDS)
    profile.full_clean()
    profile.save()
    changes = diff_fields(before, _audited(profile, PROFILE_DATA_FIELDS))
    if areas is not None:
        area_list = list(areas)
        old = sorted(profile.areas.values_list("code", flat=True))
        profile.areas.set(area_list)
        new = sorted(area.code for area in area_list)
        if old != new:
            changes["areas"] = [old, new]
    if neighbourhoods is not None:
        neighbourhood_list = list(neighbourhoods)
        old = sorted(profile.neighbourhoods.values_list("slug", flat=True))
        profile.neighbourhoods.set(neighbourhood_list)
        new = sorted(item.slug for item in neighbourhood_list)
        if old != new:
            changes["neighbourhoods"] = [old, new]
    audit_record(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        obj=profile,
        changes=changes,
    )
    return profile


def _check_agreement_dates(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise DomainError(
            _("La data di scadenza non può precedere l'inizio della validità."), field="valid_to"
        )


@transaction.atomic
def agreement_create(
    *,
    organization: Organization,
    kind: str,
    title: str,
    valid_from: date,
    valid_to: date | None,
    actor: Any,
    reference: str = "",
    notes: str = "",
) -> Agreement:
    """Record an agreement between ``organization`` and the Comune (coordinators only)."""
    if actor is not None and not is_comune_coordinator(actor):
        raise PermissionDeniedError(_("Gli accordi sono registrati dai coordinatori del Comune."))
    _check_agreement_dates(valid_from, valid_to)
    agreement = Agreement(
        organization=organization,
        kind=kind,
        title=title,
        reference=reference,
        valid_from=valid_from,
        valid_to=valid_to,
        notes=notes,
    )
    agreement.full_clean()
    agreement.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=agreement,
        changes={"organization": organization.pk, "kind": kind, "valid_to": valid_to},
    )
    return agreement


# --- Programs, services, locations, schedules ---------------------------------------------


@transaction.atomic
def program_create(
    *, organization: Organization, name: str, actor: Any, description: str = ""
) -> Program:
    _require_editor(actor, organization)
    if Program.objects.filter(organization=organization, name=name).exists():
        raise ConflictError(_("Esiste già un programma con questo nome."), field="name")
    program = Program.objects.create(organization=organization, name=name, description=description)
    audit_record(actor=actor, action=Action.CREATE, obj=program)
    return program


def _check_service_data(service: Service) -> None:
    if service.program is not None and service.program.organization_id != service.organization_id:
        raise DomainError(_("Il programma appartiene a un'altra organizzazione."), field="program")
    service.languages = _clean_languages(service.languages)
    service.full_clean()


@transaction.atomic
def service_create(
    *,
    organization: Organization,
    data: dict[str, Any],
    actor: Any,
    need_categories: Iterable[NeedCategory] = (),
) -> Service:
    """Publish a new service of ``organization``; publishing it confirms it."""
    _require_editor(actor, organization)
    service = Service(organization=organization)
    _apply(service, data, SERVICE_DATA_FIELDS)
    _check_service_data(service)
    service.last_confirmed_at = timezone.now()
    service.last_confirmed_by = actor
    service.save()
    service.need_categories.set(list(need_categories))
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=service,
        changes=_audited(service, ("name", "status")),
    )
    return service


@transaction.atomic
def service_update(
    *,
    service: Service,
    data: dict[str, Any],
    actor: Any,
    need_categories: Iterable[NeedCategory] | None = None,
) -> Service:
    """Change a service; whoever edits it also confirms it is current."""
    _require_editor(actor, service.organization)
    service = Service.objects.select_for_update().select_related("organization").get(pk=service.pk)
    before = _audited(service, SERVICE_DATA_FIELDS)
    _apply(service, data, SERVICE_DATA_FIELDS)
    _check_service_data(service)
    service.last_confirmed_at = timezone.now()
    service.last_confirmed_by = actor
    service.save()
    changes = diff_fields(before, _audited(service, SERVICE_DATA_FIELDS))
    if need_categories is not None:
        categories = list(need_categories)
        old = sorted(service.need_categories.values_list("code", flat=True))
        service.need_categories.set(categories)
        new = sorted(category.code for category in categories)
        if old != new:
            changes["need_categories"] = [old, new]
    audit_record(actor=actor, action=Action.UPDATE, obj=service, changes=changes)
    return service


@transaction.atomic
def service_confirm(*, service: Service, actor: Any) -> Service:
    """Confirm that a directory entry is still valid, as it is."""
    _require_editor(actor, service.organization)
    now = timezone.now()
    Service.objects.filter(pk=service.pk).update(last_confirmed_at=now, last_confirmed_by=actor)
    service.last_confirmed_at = now
    service.last_confirmed_by = actor
    audit_record(actor=actor, action=Action.UPDATE, obj=service, changes={"last_confirmed_at": now})
    return service


def _check_location(location: Location) -> None:
    if (location.latitude is None) != (location.longitude is None):
        raise DomainError(_("Indica sia la latitudine sia la longitudine."), field="latitude")
    location.full_clean()


@transaction.atomic
def location_create(*, organization: Organization, data: dict[str, Any], actor: Any) -> Location:
    _require_editor(actor, organization)
    location = Location(organization=organization)
    _apply(location, data, LOCATION_DATA_FIELDS)
    _check_location(location)
    location.save()
    audit_record(actor=actor, action=Action.CREATE, obj=location)
    return location


@transaction.atomic
def location_update(*, location: Location, data: dict[str, Any], actor: Any) -> Location:
    _require_editor(actor, location.organization)
    before = _audited(location, LOCATION_DATA_FIELDS)
    _apply(location, data, LOCATION_DATA_FIELDS)
    _check_location(location)
    location.save()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=location,
        changes=diff_fields(before, _audited(location, LOCATION_DATA_FIELDS)),
    )
    return location


@transaction.atomic
def service_location_add(
    *, service: Service, location: Location, actor: Any, description: str = ""
) -> ServiceAtLocation:
    """Say that ``service`` is delivered at ``location`` (a place of the same organization)."""
    _require_editor(actor, service.organization)
    if location.organization_id != service.organization_id:
        raise DomainError(_("Il luogo appartiene a un'altra organizzazione."), field="location")
    if ServiceAtLocation.objects.filter(service=service, location=location).exists():
        raise ConflictError(_("Il servizio è già offerto in questo luogo."), field="location")
    link = ServiceAtLocation.objects.create(
        service=service, location=location, description=description
    )
    audit_record(actor=actor, action=Action.CREATE, obj=link)
    return link


def clean_byday(value: str) -> str:
    codes = [code.strip().upper() for code in value.split(",") if code.strip()]
    wrong = [code for code in codes if code not in WEEKDAY_CODES]
    if wrong:
        raise DomainError(
            _("Giorni non validi: %(days)s (usa MO, TU, WE, TH, FR, SA, SU).")
            % {"days": ", ".join(wrong)},
            field="byday",
        )
    return ",".join(sorted(set(codes), key=WEEKDAY_CODES.index))


@transaction.atomic
def schedule_add(
    *,
    service: Service,
    opens_at: time,
    closes_at: time,
    actor: Any,
    freq: str = ScheduleFreq.WEEKLY,
    byday: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    service_at_location: ServiceAtLocation | None = None,
    description: str = "",
) -> Schedule:
    """Add opening hours to ``service`` (an iCalendar-like weekly or daily recurrence)."""
    _require_editor(actor, service.organization)
    byday = clean_byday(byday)
    if freq == ScheduleFreq.WEEKLY and not byday:
        raise DomainError(_("Indica almeno un giorno della settimana."), field="byday")
    if opens_at == closes_at:
        raise DomainError(
            _("L'orario di chiusura deve essere diverso da quello di apertura."), field="closes_at"
        )
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError(_("La fine della validità non può precedere l'inizio."), field="valid_to")
    if service_at_location is not None and service_at_location.service_id != service.pk:
        raise DomainError(_("Il luogo indicato non è di questo servizio."), field="location")
    schedule = Schedule.objects.create(
        service=service,
        service_at_location=service_at_location,
        freq=freq,
        byday=byday if freq == ScheduleFreq.WEEKLY else "",
        opens_at=opens_at,
        closes_at=closes_at,
        valid_from=valid_from,
        valid_to=valid_to,
        description=description,
    )
    audit_record(actor=actor, action=Action.CREATE, obj=schedule)
    return schedule


@transaction.atomic
def schedule_remove(*, schedule: Schedule, actor: Any) -> None:
    _require_editor(actor, schedule.service.organization)
    audit_record(actor=actor, action=Action.DELETE, obj=schedule)
    schedule.delete()


# --- Live capacity -------------------------------------------------------------------------


def _require_capacity_updater(actor: Any, organization: Organization) -> None:
    if actor is not None and not can_update_capacity(actor, organization):
        raise PermissionDeniedError(
            _("Solo l'organizzazione che offre il servizio ne aggiorna la disponibilità.")
        )


@transaction.atomic
def capacity_create(
    *, service: Service, kind: str, total: int, available: int, actor: Any
) -> Capacity:
    _require_editor(actor, service.organization)
    if total < 0 or not 0 <= available <= total:
        raise DomainError(_("I disponibili devono essere tra zero e il totale."), field="available")
    if Capacity.objects.filter(service=service, kind=kind).exists():
        raise ConflictError(_("Questo servizio pubblica già questa disponibilità."), field="kind")
    capacity = Capacity.objects.create(
        service=service, kind=kind, total=total, available=available, updated_by=actor
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=capacity,
        changes={"total": total, "available": available},
    )
    return capacity


@transaction.atomic
def capacity_adjust(*, capacity: Capacity, delta: int, actor: Any) -> Capacity:
    """Add ``delta`` (negative to take) to the available count, never past zero or the
    total: one conditional UPDATE, so concurrent changes can never oversell."""
    _require_capacity_updater(actor, capacity.service.organization)
    rows = Capacity.objects.filter(pk=capacity.pk)
    if delta < 0:
        rows = rows.filter(available__gte=-delta)
    else:
        rows = rows.filter(available__lte=F("total") - delta)
    changed = rows.update(
        available=F("available") + delta, updated_at=timezone.now(), updated_by=actor
    )
    if not changed:
        capacity.refresh_from_db()
        if delta < 0:
            raise ConflictError(
                _("Non ci sono abbastanza disponibili: ne restano %(available)s.")
                % {"available": capacity.available},
                field="available",
            )
        raise ConflictError(
            _("I disponibili non possono superare il totale (%(total)s).")
            % {"total": capacity.total},
            field="available",
        )
    capacity.refresh_from_db()
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=capacity,
        changes={"delta": delta, "available": capacity.available},
    )
    return capacity


@transaction.atomic
def capacity_set(
    *, capacity: Capacity, available: int, actor: Any, total: int | None = None
) -> Capacity:
    """Set the available count (and, optionally, the total) to what was counted."""
    _require_capacity_updater(actor, capacity.service.organization)
    capacity = Capacity.objects.select_for_update().select_related("service").get(pk=capacity.pk)
    new_total = capacity.total if total is None else total
    if new_total < 0 or not 0 <= available <= new_total:
        raise DomainError(
            _("I disponibili devono essere tra zero e il totale (%(total)s).")
            % {"total": new_total},
            field="available",
        )
    before = {"total": capacity.total, "available": capacity.available}
    capacity.total = new_total
    capacity.available = available
    capacity.updated_at = timezone.now()
    capacity.updated_by = actor
    capacity.save(update_fields=["total", "available", "updated_at", "updated_by"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=capacity,
        changes=diff_fields(before, {"total": new_total, "available": available}),
    )
    return capacity
