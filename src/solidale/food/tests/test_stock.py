"""Inventory: lots, append-only movements, FEFO, transfers, stock-take, goods issue."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from conftest import Personas
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError

from .. import stock
from ..models import Item, Lot, Movement, MovementKind, StockTake, Transfer, Warehouse
from ..services import goods_issue
from .factories import FoodWorld, food_world


@pytest.fixture
def world(personas: Personas) -> FoodWorld:
    return food_world(personas)


def stock_of(world: FoodWorld, item: Item, warehouse: Warehouse | None = None) -> Decimal:
    lots = Lot.objects.filter(item=item, warehouse=warehouse or world.ponte_warehouse)
    return lots.aggregate(total=Sum("quantity"))["total"] or Decimal(0)


def test_stock_is_the_sum_of_the_movements(world: FoodWorld) -> None:
    goods_issue(
        actor=world.personas.association_operator,
        warehouse=world.ponte_warehouse,
        item=world.pasta,
        quantity=5,
        reason="Unità di strada",
        reference="shelter.encounter:1",
    )
    for lot in Lot.objects.all():
        moved = lot.movements.aggregate(total=Sum("quantity"))["total"]
        assert lot.quantity == moved
    assert stock_of(world, world.pasta) == Decimal(35)


def test_goods_issue_picks_first_expiry_first(world: FoodWorld) -> None:
    soon = timezone.localdate() + timedelta(days=2)
    stock.donation_record(
        actor=world.personas.association_operator,
        warehouse=world.ponte_warehouse,
        donor="Coop",
        source="retail",
        lines=[stock.IncomingLine(world.milk, 3, soon)],
    )
    movements = goods_issue(
        actor=world.personas.volunteer,
        warehouse=world.ponte_warehouse,
        item=world.milk,
        quantity=4,
        reason="Unità di strada",
    )
    assert movements[0].lot.expiry == soon
    assert [movement.quantity for movement in movements] == [Decimal(-3), Decimal(-1)]
    assert all(movement.kind == MovementKind.ISSUE for movement in movements)


def test_goods_issue_refuses_short_stock_and_changes_nothing(world: FoodWorld) -> None:
    before = Movement.objects.count()
    with pytest.raises(ConflictError):
        goods_issue(
            actor=world.personas.association_operator,
            warehouse=world.ponte_warehouse,
            item=world.pasta,
            quantity=41,
            reason="Troppo",
        )
    assert Movement.objects.count() == before
    assert stock_of(world, world.pasta) == Decimal(40)


@pytest.mark.parametrize("quantity", [0, -3, "abc", "1.005"])
def test_goods_issue_refuses_bad_quantities(world: FoodWorld, quantity: object) -> None:
    with pytest.raises(DomainError):
        goods_issue(
            actor=world.personas.association_operator,
            warehouse=world.ponte_warehouse,
            item=world.pasta,
            quantity=quantity,  # type: ignore[arg-type]
            reason="x",
        )


def test_goods_issue_refuses_another_organizations_warehouse(world: FoodWorld) -> None:
    with pytest.raises(PermissionDeniedError):
        goods_issue(
            actor=world.personas.outsider,
            warehouse=world.ponte_warehouse,
            item=world.pasta,
            quantity=1,
            reason="x",
        )


def test_a_perishable_lot_needs_an_expiry(world: FoodWorld) -> None:
    with pytest.raises(DomainError) as error:
        stock.donation_record(
            actor=world.personas.association_operator,
            warehouse=world.ponte_warehouse,
            donor="Privato",
            source="private",
            lines=[stock.IncomingLine(world.milk, 3, None)],
        )
    assert error.value.field == "expiry"
    assert Lot.objects.filter(source="private").count() == 0


def test_waste_needs_a_reason(world: FoodWorld) -> None:
    lot = Lot.objects.get(item=world.milk)
    with pytest.raises(DomainError):
        stock.waste_record(
            actor=world.personas.association_operator, lot=lot, quantity=1, reason=" "
        )
    stock.waste_record(
        actor=world.personas.association_operator, lot=lot, quantity=2, reason="Scaduto"
    )
    lot.refresh_from_db()
    assert lot.quantity == Decimal(8)


def test_transfer_waits_for_the_receipt(world: FoodWorld) -> None:
    lot = Lot.objects.get(item=world.pasta)
    personas = world.personas
    with pytest.raises(DomainError):
        stock.transfer_send(
            actor=personas.association_operator,
            from_warehouse=world.ponte_warehouse,
            to_warehouse=world.ponte_warehouse,
            lines=[(lot, 5)],
        )
    transfer = stock.transfer_send(
        actor=personas.association_operator,
        from_warehouse=world.ponte_warehouse,
        to_warehouse=world.other_warehouse,
        lines=[(lot, 5)],
    )
    assert stock_of(world, world.pasta) == Decimal(35)
    assert stock_of(world, world.pasta, world.other_warehouse) == Decimal(0)
    with pytest.raises(PermissionDeniedError):
        stock.transfer_receive(actor=personas.association_operator, transfer=transfer)
    stock.transfer_receive(actor=personas.outsider, transfer=transfer)
    assert stock_of(world, world.pasta, world.other_warehouse) == Decimal(5)
    with pytest.raises(ConflictError):
        stock.transfer_receive(actor=personas.outsider, transfer=transfer)
    assert Transfer.objects.get().status == Transfer.Status.RECEIVED


def test_stocktake_adjusts_the_differences(world: FoodWorld) -> None:
    operator = world.personas.association_operator
    stocktake = stock.stocktake_start(actor=operator, warehouse=world.ponte_warehouse)
    with pytest.raises(ConflictError):
        stock.stocktake_start(actor=operator, warehouse=world.ponte_warehouse)
    line = stocktake.lines.get(lot__item=world.pasta)
    movements = stock.stocktake_close(actor=operator, stocktake=stocktake, counts={line.pk: "37"})
    assert [movement.quantity for movement in movements] == [Decimal(-3)]
    assert stock_of(world, world.pasta) == Decimal(37)
    assert StockTake.objects.get().status == StockTake.Status.CLOSED
