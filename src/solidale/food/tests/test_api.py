"""The API: an association's own tool pushes distributions through the same checks."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from conftest import Personas

from ..models import Distribution, Lot
from .factories import FoodWorld, food_world, issued_card


@pytest.fixture
def world(personas: Personas) -> FoodWorld:
    return food_world(personas)


def post(client: Client, path: str, payload: dict[str, object]) -> object:
    return client.post(f"/api/v1/food{path}", json.dumps(payload), content_type="application/json")


def test_a_distribution_pushed_by_api_takes_stock(world: FoodWorld, client: Client) -> None:
    card = issued_card(world)
    client.force_login(world.personas.association_operator)
    status = client.get(f"/api/v1/food/points/{world.ponte_point.pk}/cards/{card.code}").json()
    assert status["left"] == 1 and status["problems"] == []
    response = post(
        client,
        "/distributions",
        {
            "point_id": world.ponte_point.pk,
            "card_code": card.code,
            "quantity": 1,
            "items": [{"item_id": world.pasta.pk, "quantity": "2"}],
        },
    )
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    assert Lot.objects.get(item=world.pasta).quantity == Decimal(38)


def test_bad_input_answers_a_json_error_and_changes_nothing(
    world: FoodWorld, client: Client
) -> None:
    card = issued_card(world)
    client.force_login(world.personas.association_operator)
    response = post(
        client,
        "/distributions",
        {
            "point_id": world.ponte_point.pk,
            "card_code": card.code,
            "quantity": 1,
            "items": [{"item_id": world.pasta.pk, "quantity": "-2"}],
        },
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["error"]["code"]  # type: ignore[attr-defined]
    assert not Distribution.objects.exists()
    response = post(
        client,
        f"/warehouses/{world.ponte_warehouse.pk}/donations",
        {"donor": "X", "source": "private", "lines": [{"item_id": world.milk.pk, "quantity": "3"}]},
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["error"]["fields"]  # type: ignore[attr-defined]


def test_enrolment_and_programs_through_the_api(world: FoodWorld, client: Client) -> None:
    from .factories import household_with_holder

    household, holder = household_with_holder(world.personas.social_worker)
    client.force_login(world.personas.social_worker)
    programs = client.get("/api/v1/food/programs").json()
    assert [program["name"] for program in programs] == [world.program.name]
    response = post(
        client,
        f"/programs/{world.program.pk}/enrollments",
        {"household_id": household.pk, "holder_id": holder.pk, "isee": "3000"},
    )
    assert response.status_code == 201  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert all(rule["passed"] for rule in body["eligibility"])
    assert client.get(f"/api/v1/food/enrollments/{body['id']}").status_code == 200


def test_goods_issue_through_the_api(world: FoodWorld, client: Client) -> None:
    client.force_login(world.personas.association_admin)
    response = post(
        client,
        f"/warehouses/{world.ponte_warehouse.pk}/issues",
        {"item_id": world.pasta.pk, "quantity": "5", "reason": "Unità di strada"},
    )
    assert response.status_code == 201  # type: ignore[attr-defined]
    movements = client.get(f"/api/v1/food/warehouses/{world.ponte_warehouse.pk}/movements").json()
    assert movements[0]["kind"] == "issue"
