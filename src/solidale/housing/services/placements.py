"""Temporary units and placements: one household per unit per night, in the database."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError
from solidale.people.models import Household

from ..models import HousingCase, Placement, PlacementCause, PlacementNight, TemporaryUnit, UnitKind
from ._common import household_person_ids, require_comune


def placement_max_days() -> int:
    """Emergency housing lasts up to 3 years (L.R. 2/2019 art. 14; configurable)."""
    years: int = settings.SOLIDALE_HOUSING_PLACEMENT_MAX_YEARS
    return 365 * years


@transaction.atomic
def unit_create(
    *, actor: Any, name: str, kind: str, address: str = "", capacity: int = 4
) -> TemporaryUnit:
    organization = require_comune(actor)
    if kind not in UnitKind.values:
        raise DomainError(_("Tipo di unità sconosciuto."), field="kind")
    if not name.strip():
        raise DomainError(_("Dai un nome all'unità."), field="name")
    if capacity < 1:
        raise DomainError(_("L'unità ha almeno un posto."), field="capacity")
    unit = TemporaryUnit.objects.create(
        organization=organization, name=name.strip(), kind=kind, address=address, capacity=capacity
    )
    audit_record(actor=actor, action=Action.CREATE, obj=unit, changes={"name": unit.name})
    return unit


def _nights(start: date, end: date) -> list[date]:
    """The nights of a stay from ``start`` (arrival) to ``end`` (departure, not a night)."""
    return [start + timedelta(days=offset) for offset in range((end - start).days)]


def _occupy(placement: Placement, start: date, end: date) -> None:
    try:
        with transaction.atomic():
            PlacementNight.objects.bulk_create(
                PlacementNight(unit_id=placement.unit_id, night=night, placement=placement)
                for night in _nights(start, end)
            )
    except IntegrityError:
        taken = (
            PlacementNight.objects.filter(
                unit_id=placement.unit_id, night__gte=start, night__lt=end
            )
            .order_by("night")
            .values_list("night", flat=True)
            .first()
        )
        raise ConflictError(
            _("L'unità è già occupata da un altro nucleo (dalla notte del %(night)s).")
            % {"night": taken.strftime("%d/%m/%Y") if taken else "?"},
            field="starts_on",
        ) from None


def _check_period(start: date, end: date) -> None:
    if end <= start:
        raise DomainError(_("La fine deve seguire l'inizio."), field="ends_on")
    if (end - start).days > placement_max_days():
        raise DomainError(
            _("Un inserimento dura al massimo %(days)s giorni.") % {"days": placement_max_days()},
            field="ends_on",
        )


@transaction.atomic
def placement_create(
    *,
    actor: Any,
    unit: TemporaryUnit,
    household: Household,
    starts_on: date,
    ends_on: date,
    cause: str,
    housing_case: HousingCase | None = None,
) -> Placement:
    require_comune(actor)
    if cause not in PlacementCause.values:
        raise DomainError(_("Causa sconosciuta."), field="cause")
    _check_period(starts_on, ends_on)
    if not unit.active:
        raise DomainError(_("L'unità non è in uso."), field="unit")
    if housing_case is not None and housing_case.household_id != household.pk:
        raise DomainError(_("Il caso abitativo è di un altro nucleo."), field="housing_case")
    size = len(household_person_ids(household.pk))
    if size > unit.capacity:
        raise DomainError(
            _("Il nucleo (%(n)s persone) supera i posti dell'unità (%(c)s).")
            % {"n": size, "c": unit.capacity},
            field="unit",
        )
    overlapping = Placement.objects.filter(
        household=household, closed_on__isnull=True, starts_on__lt=ends_on, ends_on__gt=starts_on
    )
    if overlapping.exists():
        raise ConflictError(_("Il nucleo ha già un inserimento in quelle date."), field="household")
    placement = Placement.objects.create(
        unit=unit,
        household=household,
        housing_case=housing_case,
        cause=cause,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    _occupy(placement, starts_on, ends_on)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=placement,
        changes={
            "unit": unit.name,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
        },
    )
    return placement


def _locked(placement: Placement) -> Placement:
    locked = Placement.objects.select_for_update().select_related("unit").get(pk=placement.pk)
    if locked.closed_on is not None:
        raise ConflictError(_("L'inserimento è già chiuso."))
    return locked


@transaction.atomic
def placement_extend(*, actor: Any, placement: Placement, ends_on: date) -> Placement:
    """Renew while the cause persists: the extra nights must be free."""
    require_comune(actor)
    placement = _locked(placement)
    if ends_on <= placement.ends_on:
        raise DomainError(_("La nuova fine deve seguire quella attuale."), field="ends_on")
    _check_period(placement.starts_on, ends_on)
    _occupy(placement, placement.ends_on, ends_on)
    before = placement.ends_on
    placement.ends_on = ends_on
    placement.save(update_fields=["ends_on", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=placement,
        changes={"ends_on": [before.isoformat(), ends_on.isoformat()]},
    )
    return placement


@transaction.atomic
def placement_close(*, actor: Any, placement: Placement, closed_on: date, note: str) -> Placement:
    """The household leaves on ``closed_on``: the unit is free from that night."""
    require_comune(actor)
    placement = _locked(placement)
    if not placement.starts_on <= closed_on <= placement.ends_on:
        raise DomainError(
            _("La data di uscita deve cadere nel periodo dell'inserimento."), field="closed_on"
        )
    if not note.strip():
        raise DomainError(_("Indica l'esito (es. alloggio ERP assegnato)."), field="note")
    PlacementNight.objects.filter(placement=placement, night__gte=closed_on).delete()
    placement.closed_on, placement.closing_note = closed_on, note.strip()
    placement.save(update_fields=["closed_on", "closing_note", "updated_at"])
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=placement,
        changes={"closed_on": closed_on.isoformat(), "note": placement.closing_note},
    )
    return placement
