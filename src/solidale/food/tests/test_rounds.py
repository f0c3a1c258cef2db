"""Home meal rounds: OR-Tools routes, the round sheet, stop outcomes and the alert."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.core.errors import ConflictError, DomainError
from solidale.core.notifications import Notification

from .. import providers, rounds, services
from ..models import MealRecipient, Round, StopOutcome
from .factories import FoodWorld, food_world, household_with_holder


@pytest.fixture
def world(personas: Personas) -> FoodWorld:
    return food_world(personas, pasta_stock=0)


def meal_recipients(world: FoodWorld, count: int) -> list[MealRecipient]:
    program = services.program_create(
        actor=world.personas.coordinator,
        organization_id=world.personas.comune.pk,
        data={"name": "Pasti a domicilio", "kind": "home_meals"},
        entitlements=[(1, 22)],
        points=[world.comune_point],
    )
    recipients = []
    for index in range(count):
        household, holder = household_with_holder(
            world.personas.social_worker, members=1, suffix=f"r{index}"
        )
        card = services.card_issue(
            actor=world.personas.social_worker,
            program=program,
            household=household,
            holder=holder,
            isee=None,
        )
        recipients.append(
            rounds.meal_recipient_add(
                actor=world.personas.social_worker,
                card=card,
                person=holder,
                data={
                    "address": f"Via {index}",
                    "latitude": 44.02 + index * 0.004,
                    "longitude": 10.12 + (index % 3) * 0.006,
                    "weekdays": "1234567",
                    "window_start": time(11, 0),
                    "window_end": time(14, 0),
                    "social_worker": world.personas.social_worker,
                },
            )
        )
    return recipients


def test_haversine_is_right_on_a_known_distance() -> None:
    # Massa (Piazza Aranci) to Carrara (Duomo): about 6.2 km as the crow flies.
    assert 5800 < rounds.haversine_m((44.0354, 10.1396), (44.0795, 10.0977)) < 6300


def test_the_solver_respects_capacity_and_visits_every_stop() -> None:
    stops = [
        rounds.Stop(at=(44.0 + i * 0.003, 10.1 + (i % 4) * 0.004), demand=1, window=(0, 240))
        for i in range(12)
    ]
    plan = rounds.solve_routes(
        depot=(44.02, 10.11), stops=stops, vehicles=3, capacity=5, time_limit_s=0.5
    )
    assert not plan.dropped
    assert sorted(index for route in plan.routes for index, _ in route) == list(range(12))
    assert all(len(route) <= 5 for route in plan.routes)
    assert plan.distance_m > 0


def test_a_planned_round_lists_ordered_stops_and_a_map(world: FoodWorld) -> None:
    meal_recipients(world, 5)
    client_user = world.personas.social_worker
    planned = rounds.round_plan(
        actor=client_user,
        kitchen=world.comune_point,
        day=timezone.localdate() + timedelta(days=1),
        vehicles=2,
        capacity=3,
        start_time=time(11, 0),
        time_limit_s=0.3,
    )
    assert planned.stops.count() == 5
    for vehicle in (1, 2):
        sequences = list(planned.stops.filter(vehicle=vehicle).values_list("sequence", flat=True))
        assert sequences == list(range(1, len(sequences) + 1))
        assert len(sequences) <= 3


def test_round_page_shows_the_sheet_and_map_data(world: FoodWorld, client: Client) -> None:
    meal_recipients(world, 3)
    client.force_login(world.personas.social_worker)
    response = client.post(
        reverse("food:round_list"),
        {
            "kitchen": world.comune_point.pk,
            "day": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "vehicles": 1,
            "capacity": 10,
            "start_time": "11:00",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "round-map-data" in page and "list-group-numbered" in page


def test_not_at_home_twice_alerts_the_social_worker(world: FoodWorld) -> None:
    (recipient,) = meal_recipients(world, 1)
    for offset in (1, 2):
        planned = rounds.round_plan(
            actor=world.personas.social_worker,
            kitchen=world.comune_point,
            day=timezone.localdate() + timedelta(days=offset),
            vehicles=1,
            capacity=5,
            start_time=time(11, 0),
            time_limit_s=0.2,
        )
        stop = planned.stops.get()
        rounds.stop_outcome_record(
            actor=world.personas.desk_operator, stop=stop, outcome=StopOutcome.NOT_HOME
        )
    recipient.refresh_from_db()
    assert recipient.missed_in_a_row == 2
    assert Notification.objects.filter(
        kind="food.not_home", user=world.personas.social_worker
    ).exists()
    candidates = list(providers.not_home_twice({"times": 2}, timezone.localdate()))
    assert [candidate.person_id for candidate in candidates] == [recipient.person_id]
    with pytest.raises(ConflictError):
        rounds.stop_outcome_record(
            actor=world.personas.desk_operator, stop=stop, outcome=StopOutcome.DELIVERED
        )


def test_a_started_round_cannot_be_planned_again(world: FoodWorld) -> None:
    meal_recipients(world, 2)
    day = timezone.localdate() + timedelta(days=1)
    arguments = {
        "actor": world.personas.social_worker,
        "kitchen": world.comune_point,
        "day": day,
        "vehicles": 1,
        "capacity": 5,
        "start_time": time(11, 0),
        "time_limit_s": 0.2,
    }
    rounds.round_plan(**arguments)  # type: ignore[arg-type]
    rounds.round_plan(**arguments)  # type: ignore[arg-type]
    assert Round.objects.count() == 1
    planned = Round.objects.get()
    rounds.stop_outcome_record(
        actor=world.personas.social_worker,
        stop=planned.stops.all()[0],
        outcome="delivered",
    )
    with pytest.raises(ConflictError):
        rounds.round_plan(**arguments)  # type: ignore[arg-type]
    with pytest.raises(DomainError):
        rounds.round_plan(**{**arguments, "vehicles": 0})  # type: ignore[arg-type]
