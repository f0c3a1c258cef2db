"""Editing programs and distribution points: the rules change from now on, never the past."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas
from solidale.accounts.models import User
from solidale.core.audit import Action, AuditEvent
from solidale.core.errors import DomainError, PermissionDeniedError

from .. import services
from ..models import Distribution, DistributionPoint, Program
from ..services import ItemLine
from .factories import FoodWorld, food_world, issued_card

Login = Callable[[User], Client]

PROGRAM_POST = {
    "name": "Pacco mensile rinnovato",
    "isee_ceiling": "9000",
    "min_household_size": "1",
    "max_household_size": "8",
    "residence_municipality": "Massa",
    "validity_months": "6",
    "entitlements": "1:3, 4:5",
    "max_per_day": "1",
    "min_interval_days": "0",
    "exclusive_group": "pacco",
    "presence_required": "on",
}


@pytest.fixture
def world(personas: Personas) -> FoodWorld:
    return food_world(personas)


def _rules(program: Program) -> tuple[object, ...]:
    program.refresh_from_db()
    return (
        program.name,
        program.isee_ceiling,
        program.max_household_size,
        list(program.entitlements.values_list("household_size", "quantity")),
        sorted(program.points.values_list("pk", flat=True)),
    )


def test_the_coordinator_edits_the_rules_and_past_distributions_stay(
    world: FoodWorld, login: Login
) -> None:
    card = issued_card(world)
    past = services.distribution_record(
        actor=world.personas.association_operator,
        point=world.ponte_point,
        card=card,
        quantity=1,
        items=[ItemLine(world.pasta, 2)],
    )
    client = login(world.personas.coordinator)
    url = reverse("food:program_update", args=[world.program.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="1:1, 4:2"' in form.content.decode()
    detail = client.get(reverse("food:program_detail", args=[world.program.pk]))
    assert url in detail.content.decode()

    response = client.post(url, {**PROGRAM_POST, "points": [world.comune_point.pk]})
    assert response.status_code == 302
    program = world.program
    assert _rules(program) == (
        "Pacco mensile rinnovato",
        Decimal("9000.00"),
        8,
        [(1, 3), (4, 5)],
        [world.comune_point.pk],
    )
    assert program.kind == "parcel" and program.unit == "parcels"
    assert program.presence_required and program.validity_months == 6
    past.refresh_from_db()
    assert (past.quantity, past.program_id, past.point_id) == (1, program.pk, world.ponte_point.pk)
    assert Distribution.objects.count() == 1
    status = services.counter_status(card=card, point=world.comune_point)
    assert (status.entitlement, status.used, status.left) == (3, 1, 2)
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(program.pk))
    assert event.changes["name"] == ["Pacco mensile del Comune", "Pacco mensile rinnovato"]
    assert event.changes["entitlements"] == [[[1, 1], [4, 2]], [[1, 3], [4, 5]]]
    assert event.changes["points"][1] == [world.comune_point.pk]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_household_size": "0"}, "max_household_size"),
        ({"min_household_size": "5", "max_household_size": "3"}, "max_household_size"),
        ({"entitlements": "1:0"}, "entitlements"),
        ({"entitlements": "2:1, 2:3"}, "entitlements"),
        ({"entitlements": "tre pacchi"}, "entitlements"),
        ({"isee_ceiling": "-1"}, "isee_ceiling"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_rules_show_a_field_error_and_change_nothing(
    world: FoodWorld, login: Login, changes: dict[str, str], field: str
) -> None:
    before = _rules(world.program)
    client = login(world.personas.coordinator)
    response = client.post(
        reverse("food:program_update", args=[world.program.pk]),
        {**PROGRAM_POST, "points": [world.comune_point.pk], **changes},
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert _rules(world.program) == before
    assert not AuditEvent.objects.filter(action=Action.UPDATE).exists()


def test_only_who_may_create_a_program_of_that_organization_edits_it(
    world: FoodWorld, login: Login
) -> None:
    url = reverse("food:program_update", args=[world.program.pk])
    assert login(world.personas.desk_operator).get(url).status_code == 403
    assert login(world.personas.association_admin).get(url).status_code == 404
    before = _rules(world.program)
    for actor in (world.personas.desk_operator, world.personas.association_admin):
        with pytest.raises(PermissionDeniedError):
            services.program_update(
                actor=actor,
                program=world.program,
                data={"name": "Preso"},
                entitlements=[(1, 9)],
                points=[],
            )
    with pytest.raises(DomainError):
        services.program_update(
            actor=world.personas.coordinator,
            program=world.program,
            data={"kind": "voucher"},
            entitlements=[(1, 1)],
            points=[],
        )
    assert _rules(world.program) == before
    assert world.program.kind == "parcel"


def test_a_point_is_edited_by_its_organization_with_its_warehouse_kept(
    world: FoodWorld, login: Login
) -> None:
    point = world.comune_point
    warehouse_id = point.warehouse.pk
    client = login(world.personas.desk_operator)
    url = reverse("food:point_update", args=[point.pk])
    assert url in client.get(reverse("food:point_list")).content.decode()
    assert 'value="Sportello Centro"' in client.get(url).content.decode()

    bad = client.post(url, {"name": "Sportello Nuovo", "latitude": "200"})
    assert bad.status_code == 400 and bad.context["form"].errors["latitude"]
    point.refresh_from_db()
    assert point.name == "Sportello Centro"

    response = client.post(
        url, {"name": "Sportello Nuovo", "address": "Piazza Aranci 1", "latitude": "44.03"}
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.name, point.address, point.latitude, point.longitude) == (
        "Sportello Nuovo",
        "Piazza Aranci 1",
        44.03,
        None,
    )
    assert point.warehouse.pk == warehouse_id
    event = AuditEvent.objects.get(action=Action.UPDATE, object_id=str(point.pk))
    assert event.changes["name"] == ["Sportello Centro", "Sportello Nuovo"]

    assert login(world.personas.association_admin).get(url).status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.point_update(
            actor=world.personas.association_admin, point=point, data={"name": "Preso"}
        )
    assert DistributionPoint.objects.get(pk=point.pk).name == "Sportello Nuovo"


def test_creating_a_program_with_an_impossible_size_range_is_a_field_error(
    world: FoodWorld, login: Login
) -> None:
    response = login(world.personas.coordinator).post(
        reverse("food:program_create"),
        {
            **PROGRAM_POST,
            "kind": "parcel",
            "min_household_size": "5",
            "max_household_size": "3",
            "points": [world.comune_point.pk],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["max_household_size"]
    assert Program.objects.count() == 2


def test_the_service_refuses_invalid_values_with_the_field_and_changes_nothing(
    world: FoodWorld,
) -> None:
    before = _rules(world.program)
    with pytest.raises(DomainError) as error:
        services.program_update(
            actor=world.personas.coordinator,
            program=world.program,
            data={"name": "x" * 200},
            entitlements=[(1, 4)],
            points=[world.comune_point],
        )
    assert error.value.field == "name"
    with pytest.raises(DomainError):
        services.program_update(
            actor=world.personas.coordinator,
            program=world.program,
            data={"name": "Nuovo nome", "min_household_size": 5, "max_household_size": 2},
            entitlements=[(1, 4)],
            points=[world.comune_point],
        )
    assert _rules(world.program) == before
