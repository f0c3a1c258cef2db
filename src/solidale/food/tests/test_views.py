"""The pages: enrolment, card print, the counter on a phone, stock, reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import User
from solidale.core import duty
from solidale.core.audit import AuditEvent
from solidale.core.timeline import timeline_for

from .. import services
from ..models import Card, Distribution, Lot, StockTake, Transfer
from .factories import FoodWorld, food_world, household_with_holder, issued_card

Login = Callable[[User], Client]


@pytest.fixture
def world(personas: Personas) -> FoodWorld:
    return food_world(personas)


def test_enrolment_shows_the_failed_rule_and_changes_nothing(
    world: FoodWorld, login: Login
) -> None:
    household, holder = household_with_holder(world.personas.social_worker)
    client = login(world.personas.desk_operator)
    url = reverse("food:card_create", args=[world.program.pk])
    response = client.post(url, {"household": household.pk, "holder": holder.pk, "isee": "9500"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Soglia ISEE" in page and "non soddisfatto" in page
    assert not Card.objects.exists()
    response = client.post(url, {"household": household.pk, "holder": holder.pk, "isee": "6000"})
    card = Card.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/cards/{card.pk}/")


def test_the_printed_card_holds_a_qr_code_of_its_counter_url(
    world: FoodWorld, login: Login
) -> None:
    card = issued_card(world)
    response = login(world.personas.social_worker).get(reverse("food:card_print", args=[card.pk]))
    page = response.content.decode()
    assert "<svg" in page and card.code in page
    assert f"/food/c/{card.code}/" in page
    assert AuditEvent.objects.filter(object_id=str(card.pk), purpose="food.card_print").exists()


def test_the_counter_registers_a_distribution_in_one_post(world: FoodWorld, login: Login) -> None:
    card = issued_card(world)
    client = login(world.personas.association_operator)
    counter = client.get(
        reverse("food:counter", args=[world.ponte_point.pk]), {"code": card.code.lower()}
    )
    assert counter.status_code == 302
    page = client.get(counter["Location"])
    assert "Resta questo mese" in page.content.decode()
    response = client.post(
        reverse("food:counter_card", args=[world.ponte_point.pk, card.code]),
        {"quantity": 1, "collected_by": "holder", f"item_{world.pasta.pk}": "3"},
    )
    assert response.status_code == 302
    assert Distribution.objects.get().card == card
    assert Lot.objects.get(item=world.pasta).quantity == Decimal(37)


def test_the_counter_page_has_an_autofocused_code_field(world: FoodWorld, login: Login) -> None:
    response = login(world.personas.association_operator).get(
        reverse("food:counter", args=[world.ponte_point.pk])
    )
    page = response.content.decode()
    assert 'name="code"' in page and "autofocus" in page
    assert "food/counter" in page  # the camera-scanning script, loaded with defer


def test_a_scanned_qr_url_opens_the_counter_of_the_users_point(
    world: FoodWorld, login: Login
) -> None:
    card = issued_card(world)
    response = login(world.personas.association_operator).get(
        reverse("food:card_scan", args=[card.code])
    )
    assert response.status_code == 200
    assert card.holder.family_name in response.content.decode()
    assert 'action="/food/counter/' in response.content.decode()


def test_the_second_point_warns_and_needs_a_reason(world: FoodWorld, login: Login) -> None:
    card = issued_card(world)
    services.distribution_record(
        actor=world.personas.association_operator,
        point=world.ponte_point,
        card=card,
        quantity=1,
        items=[],
    )
    other = services.card_issue(
        actor=world.personas.outsider,
        program=world.other_program,
        household=card.household,
        holder=card.holder,
        isee=None,
    )
    client = login(world.personas.outsider)
    url = reverse("food:counter_card", args=[world.other_point.pk, other.code])
    page = client.get(url).content.decode()
    assert "Cooperativa Sociale Il Ponte" in page
    assert "Pasta" not in page.split("data-network-warning")[1].split("</div>")[0]
    response = client.post(url, {"quantity": 1, "collected_by": "holder"})
    assert response.status_code == 400
    assert Distribution.objects.count() == 1
    response = client.post(
        url,
        {"quantity": 1, "collected_by": "holder", "override_reason": "Concordato con il Comune"},
    )
    assert response.status_code == 302
    assert Distribution.objects.count() == 2


def test_a_volunteer_off_duty_gets_404_at_the_counter(world: FoodWorld, login: Login) -> None:
    client = login(world.personas.volunteer)
    assert client.get(reverse("food:counter", args=[world.ponte_point.pk])).status_code == 404
    now = timezone.now()
    shift = duty.Duty(
        7, "food.distribution", world.personas.cooperative.pk, now, now + timedelta(hours=2), ""
    )
    saved = list(duty._provider)
    duty.register_provider(lambda user, activity, at: [shift])
    try:
        assert client.get(reverse("food:counter", args=[world.ponte_point.pk])).status_code == 200
        assert client.get(reverse("food:card_list")).status_code == 404
    finally:
        duty._provider[:] = saved


def test_emergency_mode_counts_by_kind_age_and_sex(world: FoodWorld, login: Login) -> None:
    client = login(world.personas.association_operator)
    url = reverse("food:counter_emergency", args=[world.ponte_point.pk])
    assert (
        client.post(url, {"kind": "meal", "count": 2, "age_band": "65+", "sex": "F"}).status_code
        == 302
    )
    assert client.post(url, {"kind": "meal", "count": -1}).status_code == 400
    page = client.get(url).content.decode()
    assert "65 anni e oltre" in page


def test_stock_pages_donation_waste_transfer_and_stocktake(world: FoodWorld, login: Login) -> None:
    client = login(world.personas.association_operator)
    warehouse = world.ponte_warehouse
    response = client.post(
        reverse("food:donation_create", args=[warehouse.pk]),
        {
            "donor": "Coop Massa",
            "source": "retail",
            "received_on": timezone.localdate().isoformat(),
            "item_1": world.milk.pk,
            "quantity_1": "5",
        },
    )
    assert response.status_code == 400  # milk is perishable: the expiry is required
    assert "scadenza" in response.content.decode()
    lot = Lot.objects.get(item=world.pasta)
    response = client.post(
        reverse("food:waste_create", args=[warehouse.pk]),
        {"waste-lot": lot.pk, "waste-quantity": "2", "waste-reason": "Confezioni rotte"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("food:transfer_create", args=[warehouse.pk]),
        {"to_warehouse": warehouse.pk, "lot": lot.pk, "quantity": "1"},
    )
    assert response.status_code == 400 and not Transfer.objects.exists()
    client.post(reverse("food:stocktake", args=[warehouse.pk]))
    stocktake = StockTake.objects.get()
    line = stocktake.lines.get(lot=lot)
    client.post(reverse("food:stocktake", args=[warehouse.pk]), {f"line_{line.pk}": "30"})
    lot.refresh_from_db()
    assert lot.quantity == Decimal(30)


def test_the_report_counts_by_source_and_beneficiaries(world: FoodWorld, login: Login) -> None:
    card = issued_card(world, members=3)
    services.distribution_record(
        actor=world.personas.association_operator,
        point=world.ponte_point,
        card=card,
        quantity=1,
        items=[services.ItemLine(world.pasta, 4)],
    )
    response = login(world.personas.association_operator).get(reverse("food:report"))
    page = response.content.decode()
    assert "rete del Banco Alimentare" in page
    assert response.context["beneficiaries"].persons == 3
    line = next(line for line in response.context["sources"] if line.item == world.pasta.name)
    assert line.received == Decimal(40) and line.given == Decimal(4) and line.kg_given == Decimal(2)


def test_the_distribution_appears_on_the_household_timeline(world: FoodWorld) -> None:
    card = issued_card(world)
    services.distribution_record(
        actor=world.personas.association_operator,
        point=world.ponte_point,
        card=card,
        quantity=1,
        items=[],
    )
    entries = timeline_for(world.personas.social_worker, [card.holder_id])
    assert any("Distribuzione" in entry.title for entry in entries)
    assert any("Iscrizione" in entry.title for entry in entries)


def test_the_card_list_runs_a_fixed_number_of_queries(world: FoodWorld, login: Login) -> None:
    for index in range(3):
        issued_card(world, suffix=f"q{index}")
    client = login(world.personas.social_worker)
    client.get(reverse("food:card_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("food:card_list"))
    issued_card(world, suffix="q9")
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("food:card_list"))
    assert len(more.captured_queries) == len(few.captured_queries)


def test_catalogue_and_points_are_added_from_their_pages(world: FoodWorld, login: Login) -> None:
    client = login(world.personas.association_admin)
    response = client.post(
        reverse("food:item_list"),
        {
            "name": "Ceci 400 g",
            "category": "canned",
            "unit": "pz",
            "unit_weight_kg": "0.4",
            "nutritional_group": "proteins",
            "low_stock_threshold": "10",
        },
    )
    assert response.status_code == 302
    again = client.post(
        reverse("food:item_list"),
        {
            "name": "ceci 400 g",
            "category": "canned",
            "unit": "pz",
            "unit_weight_kg": "0.4",
            "nutritional_group": "proteins",
            "low_stock_threshold": "0",
        },
    )
    assert again.status_code == 400
    response = client.post(reverse("food:point_list"), {"name": "Punto Marina", "latitude": "44.0"})
    assert response.status_code == 302
    point = world.ponte_point.__class__.objects.get(name="Punto Marina")
    assert point.organization_id == world.personas.cooperative.pk
    assert point.warehouse.organization_id == world.personas.cooperative.pk
