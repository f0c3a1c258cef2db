"""Writes of the street outreach: rounds, encounters (idempotent on their client key),
logged from a phone."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import ConflictError, DomainError
from solidale.core.notifications import notify
from solidale.food.models import Warehouse
from solidale.food.services import goods_issue

from .beds import bed_request_add
from .models import (
    Answer,
    Encounter,
    EncounterGood,
    Guest,
    OutreachGood,
    Round,
)
from .permissions import (
    can_do_outreach,
    organization_id_of,
)
from .services import _organization_of, _require, _short, night_of, night_window, staff_of

# --- Street outreach --------------------------------------------------------------------------


@transaction.atomic
def round_start(
    *,
    actor: Any,
    team: str,
    area: str,
    vehicle: str = "",
    night: date | None = None,
    warehouse: Warehouse | None = None,
) -> Round:
    """Start an evening round; with a ``warehouse``, the goods given are drawn from its stock."""
    _require(
        can_do_outreach(actor), _("La tua organizzazione non è di turno per le uscite in strada.")
    )
    if not team.strip() or not area.strip():
        raise DomainError(
            _("Indica la squadra e la zona."), field="team" if not team.strip() else "area"
        )
    organization_id = _organization_of(actor)
    if warehouse is not None and warehouse.organization_id != organization_id:
        raise DomainError(_("Scegli un magazzino della tua organizzazione."), field="warehouse")
    outing = Round.objects.create(
        night=night or night_of(timezone.now()),
        organization_id=organization_id,
        warehouse=warehouse,
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


def _draw_from_stock(
    actor: Any, outing: Round, encounter: Encounter, goods: dict[OutreachGood, int]
) -> None:
    """Take the goods given out of the round's warehouse (food app); short stock refuses all."""
    warehouse = outing.warehouse
    for good, quantity in goods.items():
        if warehouse is None or good.food_item is None:
            continue
        goods_issue(
            actor=actor,
            warehouse=warehouse,
            item=good.food_item,
            quantity=quantity,
            reason=_("Unità di strada: %(area)s") % {"area": outing.area},
            reference=f"shelter.encounter:{encounter.pk}",
        )


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
    if outing.warehouse_id is not None:
        _draw_from_stock(actor, outing, encounter, goods)
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
