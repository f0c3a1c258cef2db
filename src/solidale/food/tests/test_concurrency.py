"""Stock never goes negative: real concurrent counter registrations on one warehouse."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.db import connections
from django.db.models import Sum

from conftest import Personas, build_personas
from solidale.core.errors import DomainError

from .. import services
from ..models import Distribution, Lot
from ..services import ItemLine
from .factories import food_world, issued_card


def _race(actions: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    start = threading.Barrier(len(actions))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            start.wait()
            results.append(action())
        except BaseException as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.fixture
def racing_personas(transactional_db: None) -> Personas:
    return build_personas()


def test_concurrent_distributions_never_take_stock_below_zero(racing_personas: Personas) -> None:
    world = food_world(racing_personas, pasta_stock=10)
    cards = [issued_card(world, suffix=f"x{index}") for index in range(6)]
    operator = type(racing_personas.association_operator).objects.get(
        pk=racing_personas.association_operator.pk
    )
    results, errors = _race(
        [
            partial(
                services.distribution_record,
                actor=operator,
                point=world.ponte_point,
                card=card,
                quantity=1,
                items=[ItemLine(world.pasta, 3)],
            )
            for card in cards
        ]
    )
    assert len(results) == 3, errors
    assert len(errors) == 3 and all(isinstance(error, DomainError) for error in errors)
    lot = Lot.objects.get(item=world.pasta)
    assert lot.quantity == Decimal(1)
    assert lot.movements.aggregate(total=Sum("quantity"))["total"] == Decimal(1)
    assert Distribution.objects.count() == 3


def test_the_same_card_twice_at_once_is_registered_once(racing_personas: Personas) -> None:
    world = food_world(racing_personas, pasta_stock=10)
    card = issued_card(world)
    operator = racing_personas.association_operator
    admin = racing_personas.association_admin
    results, errors = _race(
        [
            partial(
                services.distribution_record,
                actor=type(user).objects.get(pk=user.pk),
                point=world.ponte_point,
                card=card,
                quantity=1,
                items=[ItemLine(world.pasta, 1)],
            )
            for user in (operator, admin)
        ]
    )
    assert len(results) == 1, errors
    assert Distribution.objects.filter(card=card).count() == 1
