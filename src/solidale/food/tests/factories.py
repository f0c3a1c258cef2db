"""Food support state for tests, built through the services.

The Comune runs a monthly parcel program distributed at its own point and at the
cooperative's point; the other association runs its own parcel program at its point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from conftest import Personas
from solidale.people import services as people
from solidale.people.models import Household, Person

from .. import services, stock
from ..models import (
    Card,
    DistributionPoint,
    Item,
    ItemCategory,
    NutritionalGroup,
    Program,
    Warehouse,
)

HOLDER_GIVEN = "Gelsomina"
HOLDER_FAMILY = "Pieracciniz"


@dataclass
class FoodWorld:
    personas: Personas
    program: Program
    other_program: Program
    comune_point: DistributionPoint
    ponte_point: DistributionPoint
    other_point: DistributionPoint
    ponte_warehouse: Warehouse
    other_warehouse: Warehouse
    pasta: Item
    milk: Item


def point_with_warehouse(organization: Any, name: str, lat: float = 44.035) -> DistributionPoint:
    point = DistributionPoint.objects.create(
        organization=organization, name=name, address="Via Roma 1", latitude=lat, longitude=10.14
    )
    Warehouse.objects.create(organization=organization, name=f"Magazzino {name}", point=point)
    return point


def items() -> tuple[Item, Item]:
    pasta, _ = Item.objects.get_or_create(
        name="Pasta di semola 500 g",
        defaults={
            "category": ItemCategory.PASTA,
            "unit_weight_kg": Decimal("0.5"),
            "nutritional_group": "cereals",
            "low_stock_threshold": Decimal("20"),
        },
    )
    milk, _ = Item.objects.get_or_create(
        name="Latte UHT 1 l",
        defaults={
            "category": ItemCategory.DAIRY,
            "unit": Item.Unit.LITRE,
            "nutritional_group": NutritionalGroup.DAIRY,
            "perishable": True,
        },
    )
    return pasta, milk


def food_world(personas: Personas, *, pasta_stock: int = 40) -> FoodWorld:
    comune_point = point_with_warehouse(personas.comune, "Sportello Centro")
    ponte_point = point_with_warehouse(personas.cooperative, "Emporio del Ponte", 44.04)
    other_point = point_with_warehouse(personas.other_association, "Punto Altrove", 44.03)
    program = services.program_create(
        actor=personas.coordinator,
        organization_id=personas.comune.pk,
        data={
            "name": "Pacco mensile del Comune",
            "kind": "parcel",
            "isee_ceiling": Decimal("8000"),
            "validity_months": 3,
            "exclusive_group": "pacco",
        },
        entitlements=[(1, 1), (4, 2)],
        points=[comune_point, ponte_point],
    )
    other_program = services.program_create(
        actor=personas.outsider,
        organization_id=personas.other_association.pk,
        data={"name": "Pacco Altrove", "kind": "parcel", "validity_months": 6},
        entitlements=[(1, 1)],
        points=[other_point],
    )
    pasta, milk = items()
    ponte_warehouse = ponte_point.warehouse
    other_warehouse = other_point.warehouse
    if pasta_stock:
        stock.donation_record(
            actor=personas.association_operator,
            warehouse=ponte_warehouse,
            donor="Banco Alimentare",
            source="food_bank",
            lines=[
                stock.IncomingLine(pasta, pasta_stock),
                stock.IncomingLine(milk, 10, timezone.localdate() + timedelta(days=5)),
            ],
        )
    return FoodWorld(
        personas,
        program,
        other_program,
        comune_point,
        ponte_point,
        other_point,
        ponte_warehouse,
        other_warehouse,
        pasta,
        milk,
    )


def household_with_holder(
    actor: Any, *, members: int = 2, suffix: str = ""
) -> tuple[Household, Person]:
    holder = people.person_create(
        actor=actor,
        data={
            "given_name": HOLDER_GIVEN,
            "family_name": HOLDER_FAMILY + suffix,
            "residence_municipality": "Massa",
        },
        confirm_similar=True,
    )
    household = people.household_create(
        actor=actor, data={"name": f"Nucleo {HOLDER_FAMILY}{suffix}", "address": "Via Bassa 3"}
    )
    people.household_member_add(
        actor=actor,
        household=household,
        person=holder,
        relationship="head",
        start_date=date(2024, 1, 1),
    )
    for index in range(members - 1):
        child = people.person_create(
            actor=actor,
            data={"given_name": f"Figlio{index}", "family_name": HOLDER_FAMILY + suffix},
            confirm_similar=True,
        )
        people.household_member_add(
            actor=actor,
            household=household,
            person=child,
            relationship="child",
            start_date=date(2024, 1, 1),
        )
    return household, holder


def issued_card(
    world: FoodWorld, *, members: int = 2, isee: str = "5000", suffix: str = ""
) -> Card:
    household, holder = household_with_holder(
        world.personas.social_worker, members=members, suffix=suffix
    )
    return services.card_issue(
        actor=world.personas.social_worker,
        program=world.program,
        household=household,
        holder=holder,
        isee=Decimal(isee),
    )
