"""Inventory writes: every stock change is an append-only movement on a lot.

A lot's ``quantity`` changes only here, by a conditional UPDATE (``quantity >= taken``)
in the same transaction as the movement, after locking the lots it reads: two counters
giving out the last packs at the same moment cannot both succeed, on PostgreSQL
(row locks) and on SQLite (IMMEDIATE transactions serialize writers). The
``lot_stock_never_negative`` check constraint backs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError

from .models import (
    ZERO,
    Distribution,
    Donation,
    Item,
    Lot,
    Movement,
    MovementKind,
    Source,
    StockTake,
    StockTakeLine,
    Transfer,
    TransferLine,
    Warehouse,
)
from .permissions import MANAGER_ROLES, membership_of


def require_member(
    actor: Any, organization_id: int, *, roles: Iterable[str] = MANAGER_ROLES
) -> None:
    if actor is None:
        return  # system work (demo seed, tasks)
    membership = membership_of(actor)
    if (
        membership is None
        or membership.organization_id != organization_id
        or membership.role not in set(roles)
    ):
        raise PermissionDeniedError(
            _("Non puoi movimentare il magazzino di un'altra organizzazione.")
        )


def positive_quantity(value: Any, *, field: str = "quantity") -> Decimal:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise DomainError(_("Indica una quantità numerica."), field=field) from error
    if not quantity.is_finite() or quantity <= 0:
        raise DomainError(_("La quantità deve essere maggiore di zero."), field=field)
    if quantity != quantity.quantize(Decimal("0.01")):
        raise DomainError(_("Al massimo due decimali."), field=field)
    return quantity


def _move(
    *,
    lot: Lot,
    kind: str,
    quantity: Decimal,
    actor: Any,
    reason: str = "",
    reference: str = "",
    distribution: Distribution | None = None,
) -> Movement:
    """Apply a signed quantity to a lot and append the movement (inside a transaction)."""
    lots = Lot.objects.filter(pk=lot.pk)
    if quantity < 0:
        lots = lots.filter(quantity__gte=-quantity)
    if lots.update(quantity=F("quantity") + quantity) != 1:
        raise ConflictError(
            _("Giacenza insufficiente per %(item)s.") % {"item": lot.item}, field="quantity"
        )
    return Movement.objects.create(
        lot=lot,
        kind=kind,
        quantity=quantity,
        reason=reason[:255],
        reference=reference[:100],
        distribution=distribution,
        actor=actor,
    )


def fefo_lots(warehouse: Warehouse, item: Item, *, day: date | None = None) -> QuerySet[Lot]:
    """The lots to take from, first expiry first out; expired lots are never given out."""
    day = day or timezone.localdate()
    return (
        Lot.objects.filter(warehouse=warehouse, item=item, quantity__gt=0)
        .filter(Q(expiry__isnull=True) | Q(expiry__gte=day))
        .order_by(F("expiry").asc(nulls_last=True), "id")
    )


@dataclass(frozen=True)
class Pick:
    lot: Lot
    quantity: Decimal


def fefo_pick(warehouse: Warehouse, item: Item, quantity: Decimal) -> list[Pick]:
    """The picking suggestion: which lots, in which amounts (may fall short of ``quantity``)."""
    picks: list[Pick] = []
    remaining = quantity
    for lot in fefo_lots(warehouse, item):
        if remaining <= 0:
            break
        take = min(lot.quantity, remaining)
        picks.append(Pick(lot, take))
        remaining -= take
    return picks


def take_fefo(
    *,
    warehouse: Warehouse,
    item: Item,
    quantity: Decimal,
    kind: str,
    actor: Any,
    reason: str = "",
    reference: str = "",
    distribution: Distribution | None = None,
) -> list[Movement]:
    """Take ``quantity`` of ``item`` out of the warehouse, first expiry first; all or nothing."""
    lots = list(fefo_lots(warehouse, item).select_for_update())
    if sum((lot.quantity for lot in lots), ZERO) < quantity:
        raise ConflictError(
            _("%(item)s: in magazzino non ce n'è abbastanza (chiesti %(wanted)s).")
            % {"item": item, "wanted": quantity},
            field="items",
        )
    movements = []
    remaining = quantity
    for lot in lots:
        if remaining <= 0:
            break
        take = min(lot.quantity, remaining)
        movements.append(
            _move(
                lot=lot,
                kind=kind,
                quantity=-take,
                actor=actor,
                reason=reason,
                reference=reference,
                distribution=distribution,
            )
        )
        remaining -= take
    return movements


@transaction.atomic
def goods_issue(
    *,
    actor: Any,
    warehouse: Warehouse,
    item: Item,
    quantity: Decimal | int | str,
    reason: str,
    reference: str = "",
) -> list[Movement]:
    """Give goods out of a warehouse for another service (e.g. street outreach), FEFO.

    Raises ``PermissionDeniedError`` unless the actor works for the warehouse's
    organization (volunteers included), ``DomainError`` for a bad quantity or no reason,
    ``ConflictError`` when the stock is short; nothing changes on error.
    """
    require_member(actor, warehouse.organization_id, roles=MANAGER_ROLES | {"volunteer"})
    amount = positive_quantity(quantity)
    if not reason.strip():
        raise DomainError(_("Indica il motivo dell'uscita."), field="reason")
    movements = take_fefo(
        warehouse=warehouse,
        item=item,
        quantity=amount,
        kind=MovementKind.ISSUE,
        actor=actor,
        reason=reason.strip(),
        reference=reference,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=warehouse,
        changes={"issue": str(item), "quantity": str(amount), "reason": reason, "ref": reference},
    )
    return movements


def _receive(
    *,
    actor: Any,
    warehouse: Warehouse,
    item: Item,
    quantity: Any,
    expiry: date | None,
    source: str,
    kind: str,
    donation: Donation | None = None,
    reference: str = "",
) -> Lot:
    amount = positive_quantity(quantity)
    if item.perishable and expiry is None:
        raise DomainError(
            _("%(item)s è deperibile: indica la data di scadenza del lotto.") % {"item": item},
            field="expiry",
        )
    if source not in Source.values:
        raise DomainError(_("Fonte sconosciuta."), field="source")
    lot = Lot.objects.create(
        item=item,
        warehouse=warehouse,
        expiry=expiry,
        source=source,
        donation=donation,
        received_on=donation.received_on if donation else timezone.localdate(),
    )
    _move(lot=lot, kind=kind, quantity=amount, actor=actor, reference=reference)
    return lot


@dataclass(frozen=True)
class IncomingLine:
    item: Item
    quantity: Any
    expiry: date | None = None


@transaction.atomic
def donation_record(
    *,
    actor: Any,
    warehouse: Warehouse,
    donor: str,
    source: str,
    lines: list[IncomingLine],
    received_on: date | None = None,
    note: str = "",
) -> Donation:
    require_member(actor, warehouse.organization_id)
    if not donor.strip():
        raise DomainError(_("Indica il donatore."), field="donor")
    if not lines:
        raise DomainError(_("Aggiungi almeno un articolo."), field="items")
    donation = Donation.objects.create(
        organization_id=warehouse.organization_id,
        warehouse=warehouse,
        donor=donor.strip(),
        source=source,
        received_on=received_on or timezone.localdate(),
        note=note,
        recorded_by=actor,
    )
    for line in lines:
        _receive(
            actor=actor,
            warehouse=warehouse,
            item=line.item,
            quantity=line.quantity,
            expiry=line.expiry,
            source=source,
            kind=MovementKind.PURCHASE if source in PURCHASE_SOURCES else MovementKind.DONATION,
            donation=donation,
            reference=f"food.donation:{donation.pk}",
        )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=donation,
        changes={"donor": donation.donor, "source": source, "lines": len(lines)},
    )
    return donation


#: Sources that are purchases: recorded as purchase movements, still reported by source.
PURCHASE_SOURCES = frozenset({Source.MUNICIPAL, Source.PURCHASE})


@transaction.atomic
def waste_record(*, actor: Any, lot: Lot, quantity: Any, reason: str) -> Movement:
    require_member(actor, lot.warehouse.organization_id)
    amount = positive_quantity(quantity)
    if not reason.strip():
        raise DomainError(
            _("Indica il motivo dello scarto (scaduto, danneggiato…)."), field="reason"
        )
    Lot.objects.select_for_update().filter(pk=lot.pk).first()
    movement = _move(
        lot=lot, kind=MovementKind.WASTE, quantity=-amount, actor=actor, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=movement,
        changes={"lot": lot.pk, "quantity": str(amount), "reason": reason},
    )
    return movement


@transaction.atomic
def transfer_send(
    *,
    actor: Any,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    lines: list[tuple[Lot, Any]],
    note: str = "",
) -> Transfer:
    require_member(actor, from_warehouse.organization_id)
    if from_warehouse.pk == to_warehouse.pk:
        raise DomainError(_("Un magazzino non trasferisce a se stesso."), field="to_warehouse")
    if not lines:
        raise DomainError(_("Aggiungi almeno un lotto."), field="items")
    transfer = Transfer.objects.create(
        from_warehouse=from_warehouse, to_warehouse=to_warehouse, note=note, sent_by=actor
    )
    for lot, quantity in lines:
        if lot.warehouse_id != from_warehouse.pk:
            raise DomainError(_("Il lotto non è in questo magazzino."), field="items")
        amount = positive_quantity(quantity)
        Lot.objects.select_for_update().filter(pk=lot.pk).first()
        _move(
            lot=lot,
            kind=MovementKind.TRANSFER_OUT,
            quantity=-amount,
            actor=actor,
            reference=f"food.transfer:{transfer.pk}",
        )
        TransferLine.objects.create(transfer=transfer, lot=lot, quantity=amount)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=transfer,
        changes={"to": str(to_warehouse), "lines": len(lines)},
    )
    return transfer


@transaction.atomic
def transfer_receive(*, actor: Any, transfer: Transfer) -> Transfer:
    """The receiving organization confirms receipt: the goods enter its warehouse."""
    require_member(actor, transfer.to_warehouse.organization_id)
    claimed = Transfer.objects.filter(pk=transfer.pk, status=Transfer.Status.SENT).update(
        status=Transfer.Status.RECEIVED, received_at=timezone.now(), received_by=actor
    )
    if claimed != 1:
        raise ConflictError(_("Il trasferimento è già stato ricevuto."))
    for line in transfer.lines.select_related("lot__item"):
        source_lot = line.lot
        lot = Lot.objects.create(
            item=source_lot.item,
            warehouse=transfer.to_warehouse,
            expiry=source_lot.expiry,
            source=source_lot.source,
            donation=source_lot.donation,
        )
        _move(
            lot=lot,
            kind=MovementKind.TRANSFER_IN,
            quantity=line.quantity,
            actor=actor,
            reference=f"food.transfer:{transfer.pk}",
        )
        TransferLine.objects.filter(pk=line.pk).update(received_lot=lot)
    transfer.refresh_from_db()
    audit_record(actor=actor, action=Action.UPDATE, obj=transfer, changes={"status": "received"})
    return transfer


@transaction.atomic
def stocktake_start(*, actor: Any, warehouse: Warehouse) -> StockTake:
    require_member(actor, warehouse.organization_id)
    if StockTake.objects.filter(warehouse=warehouse, status=StockTake.Status.OPEN).exists():
        raise ConflictError(_("Un inventario è già in corso in questo magazzino."))
    stocktake = StockTake.objects.create(warehouse=warehouse, started_by=actor)
    StockTakeLine.objects.bulk_create(
        StockTakeLine(stocktake=stocktake, lot=lot, expected=lot.quantity)
        for lot in warehouse.lots.filter(quantity__gt=0)
    )
    audit_record(actor=actor, action=Action.CREATE, obj=stocktake)
    return stocktake


@transaction.atomic
def stocktake_close(*, actor: Any, stocktake: StockTake, counts: dict[int, Any]) -> list[Movement]:
    """Record the counted quantities (line id → count) and adjust every difference."""
    require_member(actor, stocktake.warehouse.organization_id)
    if (
        StockTake.objects.filter(pk=stocktake.pk, status=StockTake.Status.OPEN).update(
            status=StockTake.Status.CLOSED, closed_at=timezone.now()
        )
        != 1
    ):
        raise ConflictError(_("L'inventario è già chiuso."))
    movements = []
    for line in stocktake.lines.select_related("lot__item"):
        if line.pk not in counts or counts[line.pk] in ("", None):
            continue
        try:
            counted = Decimal(str(counts[line.pk]))
        except InvalidOperation as error:
            raise DomainError(
                _("Indica una quantità numerica."), field=f"line_{line.pk}"
            ) from error
        if counted < 0:
            raise DomainError(
                _("La quantità contata non può essere negativa."), field=f"line_{line.pk}"
            )
        StockTakeLine.objects.filter(pk=line.pk).update(counted=counted)
        difference = counted - line.expected
        if difference:
            Lot.objects.select_for_update().filter(pk=line.lot_id).first()
            movements.append(
                _move(
                    lot=line.lot,
                    kind=MovementKind.ADJUSTMENT,
                    quantity=difference,
                    actor=actor,
                    reason=_("Inventario del %(day)s")
                    % {"day": timezone.localdate().strftime("%d/%m/%Y")},
                    reference=f"food.stocktake:{stocktake.pk}",
                )
            )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=stocktake,
        changes={"status": "closed", "adjustments": len(movements)},
    )
    return movements
