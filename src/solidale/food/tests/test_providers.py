"""What food support gives the shared registries: indicators, contacts, alerts, duty, exports."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.core import alerts, duty, exports, indicators

from .. import providers, services
from ..models import Card
from .factories import FoodWorld, food_world, issued_card


@pytest.fixture
def world(personas: Personas) -> FoodWorld:
    return food_world(personas)


def _two_parcels(world: FoodWorld) -> Card:
    card = issued_card(world, members=4)
    services.distribution_record(
        actor=world.personas.association_operator,
        point=world.ponte_point,
        card=card,
        quantity=2,
        items=[],
    )
    return card


def test_parcels_and_distributions_are_counted_per_day_and_organization(world: FoodWorld) -> None:
    card = _two_parcels(world)
    today = timezone.localdate()
    parcels = list(providers.parcels_facts(today, today))
    assert [(fact.value, fact.organization_id) for fact in parcels] == [
        (2, world.personas.cooperative.pk)
    ]
    assert [fact.value for fact in providers.distributions_facts(today, today)] == [1]
    assert [fact.value for fact in providers.households_facts(today, today)] == [1]
    contacts = list(providers.contacts(today, today))
    assert [contact.person_id for contact in contacts] == [card.holder_id]
    keys = {indicator.key for indicator in indicators.registered()}
    assert {"food.parcels", "food.meals", "food.distributions", "food.anonymous"} <= keys


def test_an_expired_card_still_in_use_raises_the_alert(world: FoodWorld) -> None:
    card = issued_card(world)
    services.distribution_record(
        actor=world.personas.association_operator,
        point=world.ponte_point,
        card=card,
        quantity=1,
        items=[],
    )
    later = timezone.localdate() + timedelta(days=30)
    Card.objects.filter(pk=card.pk).update(valid_until=timezone.localdate() + timedelta(days=20))
    rule = alerts.get("food.card_expired")
    assert rule is not None
    candidates = list(rule.evaluate(rule.defaults, later))
    assert [candidate.subject for candidate in candidates] == [f"food.card:{card.pk}"]
    assert candidates[0].organization_id == world.personas.comune.pk
    assert not list(rule.evaluate(rule.defaults, timezone.localdate()))


def test_the_duty_activity_targets_the_points_and_opens_the_counter(world: FoodWorld) -> None:
    activity = next(a for a in duty.activities() if a.key == "food.distribution")
    targets = activity.targets(world.personas.cooperative.pk)
    assert targets == [(world.ponte_point.duty_target, world.ponte_point.name)]
    assert activity.url is not None
    assert activity.url(world.ponte_point.duty_target) == reverse(
        "food:counter", args=[world.ponte_point.pk]
    )


def test_exports_follow_the_pages_scoping(world: FoodWorld) -> None:
    card = issued_card(world)
    source = exports.get("food.cards")
    assert source is not None
    assert [row[0] for row in source.rows(world.personas.social_worker, {})] == [card.code]
    assert source.count(world.personas.outsider, {}) == 0
    assert not source.allowed(world.personas.volunteer)


def test_facts_name_their_program_and_the_programs_are_listed(world: FoodWorld) -> None:
    card = _two_parcels(world)
    today = timezone.localdate()
    key = f"food.program:{card.program_id}"
    for facts in (
        providers.parcels_facts,
        providers.distributions_facts,
        providers.households_facts,
    ):
        assert {fact.program for fact in facts(today, today)} == {key}
    assert all(fact.program == "" for fact in providers.anonymous_facts(today, today))
    listed = {program.key: program for program in indicators.programs()}
    assert listed[key].label == card.program.name
    assert listed[key].organization_id == card.program.organization_id
    by_program = {i.key for i in indicators.registered() if i.by_program}
    assert {"food.parcels", "food.meals", "food.distributions", "food.households"} <= by_program
    assert "food.anonymous" not in by_program
