"""Eligibility, cards and distributions at the counter, with the network-wide check."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.core import duty
from solidale.core.audit import AuditEvent
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.notifications import Notification
from solidale.people.models import LinkReason, PersonLink

from .. import services
from ..models import Card, CardStatus, Distribution, Lot, Movement
from ..services import ItemLine
from .factories import FoodWorld, food_world, household_with_holder, issued_card


@pytest.fixture
def world(personas: Personas) -> FoodWorld:
    return food_world(personas)


def test_the_check_shows_which_rule_failed(world: FoodWorld) -> None:
    results = services.eligibility_check(
        program=world.program, household_size=2, isee=Decimal("9000"), residence="Massa"
    )
    by_rule = {result.rule: result for result in results}
    assert by_rule["isee"].passed is False
    assert "9000" in by_rule["isee"].detail
    assert by_rule["household_size"].passed is True


def test_enrolment_opens_a_program_link_and_issues_a_card(world: FoodWorld) -> None:
    card = issued_card(world)
    assert card.status == CardStatus.ACTIVE
    assert card.valid_until > timezone.localdate() + timedelta(days=80)
    assert all(rule["passed"] for rule in card.eligibility)
    link = PersonLink.objects.get(source=f"food.card:{card.pk}")
    assert link.reason == LinkReason.PROGRAM
    assert link.organization_id == world.program.organization_id


def test_a_failed_rule_needs_a_social_workers_exception(world: FoodWorld) -> None:
    household, holder = household_with_holder(world.personas.social_worker)
    with pytest.raises(DomainError) as error:
        services.card_issue(
            actor=world.personas.social_worker,
            program=world.program,
            household=household,
            holder=holder,
            isee=Decimal("12000"),
        )
    assert "Soglia ISEE" in error.value.message
    with pytest.raises(PermissionDeniedError):
        services.card_issue(
            actor=world.personas.desk_operator,
            program=world.program,
            household=household,
            holder=holder,
            isee=Decimal("12000"),
            exception_reason="Perdita del lavoro",
        )
    assert not Card.objects.exists()
    card = services.card_issue(
        actor=world.personas.social_worker,
        program=world.program,
        household=household,
        holder=holder,
        isee=Decimal("12000"),
        exception_reason="Perdita del lavoro, ISEE corrente in arrivo",
    )
    assert card.exception_by == world.personas.social_worker


def test_one_open_card_per_household_and_program(world: FoodWorld) -> None:
    card = issued_card(world)
    with pytest.raises(ConflictError):
        services.card_issue(
            actor=world.personas.social_worker,
            program=world.program,
            household=card.household,
            holder=card.holder,
            isee=Decimal("1000"),
        )


def test_suspension_blocks_the_counter_until_reactivated(world: FoodWorld) -> None:
    card = issued_card(world)
    operator = world.personas.association_operator
    services.card_suspend(actor=world.personas.social_worker, card=card, reason="Verifica ISEE")
    with pytest.raises(DomainError, match="sospesa"):
        services.distribution_record(
            actor=operator, point=world.ponte_point, card=card, quantity=1, items=[]
        )
    with pytest.raises(DomainError):
        services.card_reactivate(actor=world.personas.social_worker, card=card, reason="")
    services.card_reactivate(actor=world.personas.social_worker, card=card, reason="ISEE ok")
    services.distribution_record(
        actor=operator, point=world.ponte_point, card=card, quantity=1, items=[]
    )


def test_a_distribution_takes_the_goods_from_the_points_stock(world: FoodWorld) -> None:
    card = issued_card(world)
    distribution = services.distribution_record(
        actor=world.personas.association_operator,
        point=world.ponte_point,
        card=card,
        quantity=1,
        items=[ItemLine(world.pasta, 4), ItemLine(world.milk, 2)],
    )
    assert distribution.organization_id == world.personas.cooperative.pk
    assert Lot.objects.get(item=world.pasta).quantity == Decimal(36)
    assert distribution.movements.count() == 2


def test_over_entitlement_is_refused_and_nothing_changes(world: FoodWorld) -> None:
    card = issued_card(world)
    with pytest.raises(DomainError) as error:
        services.distribution_record(
            actor=world.personas.association_operator,
            point=world.ponte_point,
            card=card,
            quantity=2,
            items=[ItemLine(world.pasta, 4)],
        )
    assert error.value.code == "over_entitlement"
    assert not Distribution.objects.exists()
    assert Lot.objects.get(item=world.pasta).quantity == Decimal(40)


def test_items_not_in_stock_are_refused_and_nothing_changes(world: FoodWorld) -> None:
    card = issued_card(world)
    with pytest.raises(ConflictError):
        services.distribution_record(
            actor=world.personas.association_operator,
            point=world.ponte_point,
            card=card,
            quantity=1,
            items=[ItemLine(world.pasta, 4), ItemLine(world.milk, 11)],
        )
    assert not Distribution.objects.exists()
    assert not Movement.objects.filter(kind="distribution").exists()


def test_negative_quantities_are_refused(world: FoodWorld) -> None:
    card = issued_card(world)
    with pytest.raises(DomainError):
        services.distribution_record(
            actor=world.personas.association_operator,
            point=world.ponte_point,
            card=card,
            quantity=1,
            items=[ItemLine(world.pasta, -2)],
        )
    assert not Distribution.objects.exists()


def test_an_expired_card_is_refused(world: FoodWorld) -> None:
    card = issued_card(world)
    Card.objects.filter(pk=card.pk).update(
        valid_from=timezone.localdate() - timedelta(days=100),
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    card.refresh_from_db()
    with pytest.raises(DomainError, match="scaduta"):
        services.distribution_record(
            actor=world.personas.association_operator,
            point=world.ponte_point,
            card=card,
            quantity=1,
            items=[],
        )


def test_delegates_are_refused_when_presence_is_required(world: FoodWorld) -> None:
    card = issued_card(world)
    world.program.presence_required = True
    world.program.save()
    with pytest.raises(DomainError):
        services.distribution_record(
            actor=world.personas.association_operator,
            point=world.ponte_point,
            card=card,
            quantity=1,
            items=[],
            collected_by="delegate",
            delegate_name="Mario Rossi",
        )


def test_another_organization_is_warned_with_its_name_only(world: FoodWorld) -> None:
    card = issued_card(world)
    personas = world.personas
    services.distribution_record(
        actor=personas.association_operator,
        point=world.ponte_point,
        card=card,
        quantity=1,
        items=[],
    )
    other_card = services.card_issue(
        actor=personas.outsider,
        program=world.other_program,
        household=card.household,
        holder=card.holder,
        isee=None,
    )
    status = services.counter_status(card=other_card, point=world.other_point)
    assert status.elsewhere == ["Cooperativa Sociale Il Ponte"]
    with pytest.raises(ConflictError, match="Il Ponte"):
        services.distribution_record(
            actor=personas.outsider, point=world.other_point, card=other_card, quantity=1, items=[]
        )
    distribution = services.distribution_record(
        actor=personas.outsider,
        point=world.other_point,
        card=other_card,
        quantity=1,
        items=[],
        override_reason="Nucleo con neonato, pacco integrativo concordato",
    )
    assert distribution.warnings
    assert AuditEvent.objects.filter(
        object_id=str(distribution.pk), purpose__startswith="Nucleo con neonato"
    ).exists()


def test_exclusive_programs_refuse_the_same_month(world: FoodWorld) -> None:
    card = issued_card(world)
    emporio = services.program_create(
        actor=world.personas.coordinator,
        organization_id=world.personas.comune.pk,
        data={"name": "Emporio", "kind": "emporio", "exclusive_group": "pacco"},
        entitlements=[(1, 100)],
        points=[world.comune_point],
    )
    services.distribution_record(
        actor=world.personas.desk_operator,
        point=world.comune_point,
        card=card,
        quantity=1,
        items=[],
    )
    emporio_card = services.card_issue(
        actor=world.personas.social_worker,
        program=emporio,
        household=card.household,
        holder=card.holder,
        isee=None,
    )
    with pytest.raises(DomainError, match="esclude"):
        services.distribution_record(
            actor=world.personas.desk_operator,
            point=world.comune_point,
            card=emporio_card,
            quantity=10,
            items=[],
        )


def test_a_volunteer_uses_the_counter_only_on_duty(world: FoodWorld) -> None:
    card = issued_card(world)
    volunteer = world.personas.volunteer
    with pytest.raises(PermissionDeniedError):
        services.distribution_record(
            actor=volunteer, point=world.ponte_point, card=card, quantity=1, items=[]
        )
    now = timezone.now()
    shift = duty.Duty(
        1,
        "food.distribution",
        world.personas.cooperative.pk,
        now - timedelta(hours=1),
        now + timedelta(hours=1),
        world.ponte_point.duty_target,
    )
    saved = list(duty._provider)
    duty.register_provider(lambda user, activity, at: [shift] if user.pk == volunteer.pk else [])
    try:
        services.distribution_record(
            actor=volunteer, point=world.ponte_point, card=card, quantity=1, items=[]
        )
    finally:
        duty._provider[:] = saved


def test_renewal_reminders_go_out_once(world: FoodWorld) -> None:
    card = issued_card(world)
    Card.objects.filter(pk=card.pk).update(valid_until=timezone.localdate() + timedelta(days=5))
    assert services.card_reminders_send() == 1
    assert services.card_reminders_send() == 0
    assert Notification.objects.filter(kind="food.card_renewal").exists()
    renewed = services.card_renew(
        actor=world.personas.social_worker, card=card, isee=Decimal("4000")
    )
    assert renewed.valid_until > timezone.localdate() + timedelta(days=80)
    assert renewed.reminded_at is None


def test_emergency_mode_counts_without_a_person(world: FoodWorld) -> None:
    record = services.anonymous_distribution_record(
        actor=world.personas.association_operator,
        point=world.ponte_point,
        kind="meal",
        count=3,
        age_band="65+",
        sex="M",
    )
    assert record.count == 3
    with pytest.raises(DomainError):
        services.anonymous_distribution_record(
            actor=world.personas.association_operator, point=world.ponte_point, kind="meal", count=0
        )
