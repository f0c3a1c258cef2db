"""Who may reach food support's pages and API.

The Comune runs a parcel program and a home-meal program at its own point (with a
warehouse, a second warehouse for transfers, a card and a planned round). Only the
Comune's operators (social workers, desk operators, coordinators) see them; other
organizations' operators open the list pages but find only their own (none); volunteers
reach a counter only while on duty (nobody is on duty here), viewers read the aggregate
report only; the housing agency and citizens are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from solidale.food import rounds, services, stock
from solidale.food.models import (
    Card,
    DistributionPoint,
    Item,
    ItemCategory,
    NutritionalGroup,
    Round,
    Transfer,
    Warehouse,
)
from solidale.people import services as people

from .access_matrix_registry import (
    FAMILY_NAME,
    GIVEN_NAME,
    STAFF,
    Builder,
    Endpoint,
    Target,
    comune_person,
    scoped,
)

if TYPE_CHECKING:
    from conftest import Personas

COMUNE = frozenset({"social_worker", "desk_operator", "coordinator"})
OTHER_MANAGERS = frozenset({"association_operator", "association_admin", "outsider"})
EVERY_MEMBER = frozenset(STAFF)
PROGRAM_NAME = "Pacco riservato del Comune"
DONOR = "Forno Sant'Erasmo"
HOLDER_SECRETS = (FAMILY_NAME, GIVEN_NAME)
POINT_NAME = "Sportello cibo Centro"


@dataclass(frozen=True)
class ComuneFood:
    point: DistributionPoint
    warehouse: Warehouse
    central: Warehouse
    card: Card
    item: Item
    transfer: Transfer
    round: Round


def comune_food(personas: Personas) -> ComuneFood:
    point = DistributionPoint.objects.create(
        organization=personas.comune,
        name=POINT_NAME,
        latitude=44.035,
        longitude=10.14,
    )
    warehouse = Warehouse.objects.create(
        organization=personas.comune, name="Magazzino dello sportello", point=point
    )
    central = Warehouse.objects.create(organization=personas.comune, name="Magazzino centrale")
    program = services.program_create(
        actor=personas.coordinator,
        organization_id=personas.comune.pk,
        data={"name": PROGRAM_NAME, "kind": "parcel"},
        entitlements=[(1, 2)],
        points=[point],
    )
    meals = services.program_create(
        actor=personas.coordinator,
        organization_id=personas.comune.pk,
        data={"name": "Pasti a casa del Comune", "kind": "home_meals"},
        entitlements=[(1, 22)],
        points=[point],
    )
    item = Item.objects.create(
        name="Riso 1 kg", category=ItemCategory.PASTA, nutritional_group=NutritionalGroup.CEREALS
    )
    stock.donation_record(
        actor=personas.desk_operator,
        warehouse=warehouse,
        donor=DONOR,
        source="private",
        lines=[stock.IncomingLine(item, 20)],
    )
    holder = comune_person(personas)
    household = people.household_create(actor=personas.social_worker, data={"name": "Nucleo Z"})
    people.household_member_add(
        actor=personas.social_worker, household=household, person=holder, relationship="head"
    )
    card = services.card_issue(
        actor=personas.social_worker, program=program, household=household, holder=holder, isee=None
    )
    meal_card = services.card_issue(
        actor=personas.social_worker, program=meals, household=household, holder=holder, isee=None
    )
    rounds.meal_recipient_add(
        actor=personas.social_worker,
        card=meal_card,
        person=holder,
        data={
            "address": "Via Aurelia 9",
            "latitude": 44.03,
            "longitude": 10.13,
            "weekdays": "1234567",
            "window_start": time(11, 0),
            "window_end": time(14, 0),
        },
    )
    lot = warehouse.lots.get()
    transfer = stock.transfer_send(
        actor=personas.desk_operator,
        from_warehouse=warehouse,
        to_warehouse=central,
        lines=[(lot, 2)],
    )
    planned = rounds.round_plan(
        actor=personas.social_worker,
        kitchen=point,
        day=timezone.localdate() + timedelta(days=1),
        vehicles=1,
        capacity=10,
        start_time=time(11, 0),
        time_limit_s=0.2,
    )
    return ComuneFood(point, warehouse, central, card, item, transfer, planned)


def build_food(personas: Personas) -> Target:
    food = comune_food(personas)
    stop = food.round.stops.get()
    return Target(
        kwargs={
            "pk": food.card.pk,
            "card_id": food.card.pk,
            "program_id": food.card.program_id,
            "point_id": food.point.pk,
            "code": food.card.code,
            "warehouse_id": food.warehouse.pk,
            "round_id": food.round.pk,
            "stop_id": stop.pk,
        },
        payload={"reason": "Intrusione", "quantity": 1, "outcome": "delivered"},
        secrets=(*HOLDER_SECRETS, PROGRAM_NAME),
    )


def build_warehouse(personas: Personas) -> Target:
    food = comune_food(personas)
    return Target(
        kwargs={"pk": food.warehouse.pk, "warehouse_id": food.warehouse.pk},
        payload={
            "donor": "Intruso",
            "source": "private",
            "reason": "x",
            "lines": [],
            "item_id": food.item.pk,
            "quantity": "1",
        },
        secrets=(DONOR,),
    )


def build_transfer(personas: Personas) -> Target:
    food = comune_food(personas)
    return Target(kwargs={"pk": food.transfer.pk}, secrets=("Magazzino centrale",))


def build_round(personas: Personas) -> Target:
    food = comune_food(personas)
    stop = food.round.stops.get()
    return Target(
        kwargs={"pk": food.round.pk, "round_id": food.round.pk, "stop_id": stop.pk},
        payload={"outcome": "delivered"},
        secrets=HOLDER_SECRETS,
    )


def build_stop(personas: Personas) -> Target:
    target = build_round(personas)
    return Target(
        kwargs={**target.kwargs, "pk": target.kwargs["stop_id"]},
        payload=target.payload,
        secrets=target.secrets,
    )


def build_program(personas: Personas) -> Target:
    target = build_food(personas)
    return Target(
        kwargs={**target.kwargs, "pk": target.kwargs["program_id"]},
        payload={"household_id": 1, "holder_id": 1},
        secrets=target.secrets,
    )


def build_point(personas: Personas) -> Target:
    target = build_food(personas)
    return Target(
        kwargs={"pk": target.kwargs["point_id"]},
        payload={"name": "Punto rinominato da un intruso"},
        secrets=(*target.secrets, POINT_NAME),
    )


def build_distribution_payload(personas: Personas) -> Target:
    target = build_food(personas)
    return Target(
        payload={
            "point_id": target.kwargs["point_id"],
            "card_code": target.kwargs["code"],
            "quantity": 1,
        },
        secrets=target.secrets,
    )


def build_new_round(personas: Personas) -> Target:
    food = comune_food(personas)
    return Target(
        payload={
            "kitchen_id": food.point.pk,
            "day": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        secrets=HOLDER_SECRETS,
    )


def _comune(build: Builder = build_food, *methods: str) -> Endpoint:
    return scoped(build, sees=COMUNE, methods=methods or ("GET",))


def _list(build: Builder = build_food, *, methods: tuple[str, ...] = ("GET",)) -> Endpoint:
    """A list page: the Comune sees its rows; other operators open it and find their own."""
    return scoped(build, sees=COMUNE, may_open=OTHER_MANAGERS, methods=methods)


def _api(build: Builder = build_food, *, lists: bool = False) -> Endpoint:
    return scoped(build, sees=COMUNE, may_open=OTHER_MANAGERS if lists else frozenset(), api=True)


ENDPOINTS: dict[str, Endpoint] = {
    # landing and counters: every member opens them, only the Comune finds its program
    "food:home": scoped(build_food, sees=COMUNE, may_open=EVERY_MEMBER - COMUNE),
    "food:counter_home": scoped(build_food, sees=COMUNE, may_open=EVERY_MEMBER - COMUNE),
    # programs and cards
    "food:program_list": _list(),
    "food:program_create": scoped(
        build_food,
        sees=frozenset({"coordinator"}),
        may_open=frozenset({"association_admin"}),
        methods=("GET", "POST"),
    ),
    "food:program_detail": _comune(build_program),
    # editing a program: the owning organization's coordinator (or admin), as creating one
    "food:program_update": scoped(
        build_program, sees=frozenset({"coordinator"}), methods=("GET", "POST")
    ),
    "food:card_create": _comune(build_program, "GET", "POST"),
    "food:card_list": _list(),
    "food:card_detail": _comune(),
    "food:card_print": _comune(),
    "food:card_suspend": _comune(build_food, "POST"),
    "food:card_reactivate": _comune(build_food, "POST"),
    "food:card_renew": _comune(build_food, "POST"),
    "food:card_scan": _comune(),
    # the counter
    "food:counter": _comune(),
    "food:counter_card": _comune(build_food, "GET", "POST"),
    "food:counter_emergency": _comune(build_food, "GET", "POST"),
    # stock
    "food:warehouse_list": _list(build_warehouse),
    "food:warehouse_detail": _comune(build_warehouse),
    "food:donation_create": _comune(build_warehouse, "GET", "POST"),
    "food:waste_create": _comune(build_warehouse, "POST"),
    "food:transfer_create": _comune(build_warehouse, "GET", "POST"),
    "food:stocktake": _comune(build_warehouse, "GET", "POST"),
    "food:transfer_list": _list(build_transfer),
    "food:transfer_receive": _comune(build_transfer, "POST"),
    "food:item_list": scoped(build_food, sees=COMUNE | OTHER_MANAGERS, methods=("GET", "POST")),
    "food:point_list": _list(methods=("GET", "POST")),
    "food:point_update": _comune(build_point, "GET", "POST"),
    "food:report": scoped(build_food, sees=COMUNE | {"viewer"}, may_open=OTHER_MANAGERS),
    # home meals
    "food:meal_recipient_list": _list(build_round),
    "food:meal_recipient_create": _list(build_round, methods=("GET", "POST")),
    "food:round_list": _list(build_round, methods=("GET", "POST")),
    "food:round_detail": _comune(build_round),
    "food:stop_outcome": _comune(build_stop, "POST"),
    # API
    "GET /api/v1/food/programs": _api(lists=True),
    "GET /api/v1/food/programs/{program_id}": _api(build_program),
    "POST /api/v1/food/programs/{program_id}/enrollments": _api(build_program),
    "GET /api/v1/food/enrollments": _api(lists=True),
    "GET /api/v1/food/enrollments/{card_id}": _api(),
    "GET /api/v1/food/points/{point_id}/cards/{code}": _api(),
    "POST /api/v1/food/distributions": _api(build_distribution_payload),
    "GET /api/v1/food/distributions": _api(lists=True),
    "GET /api/v1/food/warehouses/{warehouse_id}/movements": _api(build_warehouse),
    "POST /api/v1/food/warehouses/{warehouse_id}/donations": _api(build_warehouse),
    "POST /api/v1/food/warehouses/{warehouse_id}/issues": _api(build_warehouse),
    "GET /api/v1/food/rounds": _api(build_round, lists=True),
    "POST /api/v1/food/rounds": _api(build_new_round, lists=True),
    "GET /api/v1/food/rounds/{round_id}": _api(build_round),
    "POST /api/v1/food/stops/{stop_id}/outcome": _api(build_round),
}
