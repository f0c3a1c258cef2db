"""Demo food support: the Comune's monthly parcel (distributed at Il Ponte and La Rete),
its social supermarket, Il Mantello's canteen and Croce Azzurra's home meals; a catalogue,
warehouses with lots from the food bank, FSE+, retail surplus and private donors; about
twenty-five enrolled households with four months of distributions; a planned meal round;
and one household (at ``E2E_ADDRESS``) left to enrol in the browser journey. Built through
``food.services``, ``food.stock`` and ``food.rounds``."""

from __future__ import annotations

import random
from datetime import time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Sum
from django.utils import timezone

from solidale.accounts.models import Role
from solidale.food import rounds, services, stock
from solidale.food.models import (
    Card,
    DistributionPoint,
    Item,
    ItemCategory,
    NutritionalGroup,
    Program,
    Source,
    Warehouse,
)
from solidale.people import services as people
from solidale.people.models import Household

if TYPE_CHECKING:
    from solidale.demo.city import City

#: The address of the household the browser journey enrols.
E2E_ADDRESS = "Vicolo della Dispensa 1"
PARCEL_PROGRAM = "Pacco alimentare mensile del Comune"
PONTE_POINT = "Punto cibo Il Ponte"
RETE_POINT = "Dispensa La Rete"
#: The food bank's point, where its volunteer on duty (volunteers' demo shift) gives parcels.
BANK_POINT = "Punto Banco Apuano"

#: name, category, unit, kg per unit, nutritional group, perishable, low-stock threshold
ITEMS: tuple[tuple[str, str, str, str, str, bool, int], ...] = (
    ("Pasta di semola 500 g", ItemCategory.PASTA, "pz", "0.5", NutritionalGroup.CEREALS, False, 60),
    ("Riso 1 kg", ItemCategory.PASTA, "pz", "1", NutritionalGroup.CEREALS, False, 20),
    ("Passata di pomodoro 700 g", ItemCategory.CANNED, "pz", "0.7", NutritionalGroup.FRUIT_VEG, False, 30),
    ("Legumi in scatola 400 g", ItemCategory.CANNED, "pz", "0.4", NutritionalGroup.PROTEINS, False, 30),
    ("Tonno in scatola 160 g", ItemCategory.CANNED, "pz", "0.16", NutritionalGroup.PROTEINS, False, 30),
    ("Latte UHT 1 l", ItemCategory.DAIRY, "l", "1", NutritionalGroup.DAIRY, True, 40),
    ("Olio extravergine 1 l", ItemCategory.OIL, "l", "0.92", NutritionalGroup.FATS, False, 10),
    ("Biscotti 500 g", ItemCategory.PASTA, "pz", "0.5", NutritionalGroup.CEREALS, False, 0),
    ("Omogeneizzati di frutta", ItemCategory.BABY, "pz", "0.1", NutritionalGroup.FRUIT_VEG, True, 0),
    ("Mele 1 kg", ItemCategory.FRESH, "kg", "1", NutritionalGroup.FRUIT_VEG, True, 0),
    ("Kit igiene personale", ItemCategory.HYGIENE, "pz", "0.6", NutritionalGroup.NONE, False, 5),
    ("Pasto pronto", ItemCategory.MEAL, "pz", "0.45", NutritionalGroup.PROTEINS, True, 0),
)  # fmt: skip


def _user(city: City, key: str, role: str) -> Any:
    return next(user for user, org, user_role in city.users if org == key and user_role == role)


def _point(city: City, key: str, name: str, hood: str, address: str) -> DistributionPoint:
    neighbourhood = city.neighbourhoods.get(hood)
    return services.point_create(
        actor=None,
        organization_id=city.organizations[key].pk,
        data={
            "name": name,
            "address": address,
            "neighbourhood": neighbourhood,
            "latitude": neighbourhood.centroid_lat if neighbourhood else 44.035,
            "longitude": neighbourhood.centroid_lon if neighbourhood else 10.14,
        },
    )


def _items() -> dict[str, Item]:
    return {
        name: Item.objects.filter(name=name).first()
        or services.item_create(
            actor=None,
            data={
                "name": name,
                "category": category,
                "unit": unit,
                "unit_weight_kg": Decimal(kg),
                "nutritional_group": group,
                "perishable": perishable,
                "low_stock_threshold": Decimal(low),
            },
        )
        for name, category, unit, kg, group, perishable, low in ITEMS
    }


def _stock(city: City, items: dict[str, Item], points: dict[str, DistributionPoint]) -> None:
    today = timezone.localdate()
    bank = Warehouse.objects.get(point=points["banco"])
    stock.donation_record(
        actor=None,
        warehouse=bank,
        donor="Programma nazionale Inclusione 2021-27 (FSE+)",
        source=Source.FSE,
        received_on=today - timedelta(days=100),
        lines=[
            stock.IncomingLine(items["Pasta di semola 500 g"], 1500),
            stock.IncomingLine(items["Passata di pomodoro 700 g"], 1200),
            stock.IncomingLine(items["Legumi in scatola 400 g"], 1200),
            stock.IncomingLine(items["Latte UHT 1 l"], 400, today + timedelta(days=70)),
            stock.IncomingLine(items["Olio extravergine 1 l"], 150),
        ],
    )
    stock.donation_record(
        actor=None,
        warehouse=bank,
        donor="Colletta nazionale alimentare",
        source=Source.FOOD_BANK,
        received_on=today - timedelta(days=60),
        lines=[
            stock.IncomingLine(items["Tonno in scatola 160 g"], 300),
            stock.IncomingLine(items["Riso 1 kg"], 200),
            stock.IncomingLine(items["Biscotti 500 g"], 200),
            stock.IncomingLine(items["Omogeneizzati di frutta"], 120, today + timedelta(days=40)),
        ],
    )
    for key, point_key, share in (("ilponte", "ponte", 3), ("larete", "rete", 2)):
        to = Warehouse.objects.get(point=points[point_key])
        lots = list(bank.lots.filter(quantity__gt=0).select_related("item"))
        transfer = stock.transfer_send(
            actor=None,
            from_warehouse=bank,
            to_warehouse=to,
            lines=[(lot, (lot.quantity * share / 10).quantize(Decimal("1"))) for lot in lots],
            note="Ripartizione mensile",
        )
        stock.transfer_receive(actor=_user(city, key, Role.ORG_OPERATOR), transfer=transfer)
    ponte = Warehouse.objects.get(point=points["ponte"])
    operator = _user(city, "ilponte", Role.ORG_OPERATOR)
    stock.donation_record(
        actor=operator,
        warehouse=ponte,
        donor="Supermercato Conad Borgo del Ponte",
        source=Source.RETAIL,
        lines=[
            stock.IncomingLine(items["Latte UHT 1 l"], 24, today + timedelta(days=4)),
            stock.IncomingLine(items["Mele 1 kg"], 30, today + timedelta(days=6)),
        ],
    )
    stock.waste_record(
        actor=operator,
        lot=ponte.lots.get(item=items["Mele 1 kg"]),
        quantity=3,
        reason="Frutta ammaccata",
    )
    stock.donation_record(
        actor=_user(city, "carita", Role.ORG_OPERATOR),
        warehouse=Warehouse.objects.get(point=points["mensa"]),
        donor="Parrocchia di San Sebastiano",
        source=Source.PRIVATE,
        lines=[
            stock.IncomingLine(items["Kit igiene personale"], 40),
            stock.IncomingLine(items["Pasto pronto"], 60, today + timedelta(days=2)),
        ],
    )


def _programs(city: City, points: dict[str, DistributionPoint]) -> dict[str, Program]:
    coordinator = _user(city, "comune", Role.COORDINATOR)
    comune = city.comune.pk
    parcel = services.program_create(
        actor=coordinator,
        organization_id=comune,
        data={
            "name": PARCEL_PROGRAM,
            "kind": "parcel",
            "isee_ceiling": Decimal("8000"),
            "residence_municipality": "Massa",
            "validity_months": 12,
            "exclusive_group": "pacco",
        },
        entitlements=[(1, 1), (4, 2)],
        points=[points["ponte"], points["rete"], points["banco"]],
    )
    emporio = services.program_create(
        actor=coordinator,
        organization_id=comune,
        data={
            "name": "Emporio solidale a punti",
            "kind": "emporio",
            "isee_ceiling": Decimal("9360"),
            "validity_months": 6,
            "exclusive_group": "pacco",
            "min_interval_days": 7,
            "max_per_day": 1,
        },
        entitlements=[(1, 60), (3, 90), (5, 120)],
        points=[points["emporio"]],
    )
    canteen = services.program_create(
        actor=_user(city, "carita", Role.ORG_OPERATOR),
        organization_id=city.organizations["carita"].pk,
        data={"name": "Mensa serale Il Mantello", "kind": "canteen", "validity_months": 3},
        entitlements=[(1, 31)],
        points=[points["mensa"]],
    )
    meals = services.program_create(
        actor=_user(city, "croceazzurra", Role.ORG_OPERATOR),
        organization_id=city.organizations["croceazzurra"].pk,
        data={"name": "Pasti a domicilio", "kind": "home_meals", "validity_months": 6},
        entitlements=[(1, 22)],
        points=[points["cucina"]],
    )
    return {"parcel": parcel, "emporio": emporio, "canteen": canteen, "meals": meals}


def _households(city: City, registrar: str, count: int) -> list[Household]:
    households = (
        Household.objects.filter(
            registered_by=city.organizations[registrar], members__end_date__isnull=True
        )
        .distinct()
        .order_by("pk")[:count]
    )
    return list(households)


def _head(household: Household) -> Any:
    member = household.members.filter(end_date__isnull=True).select_related("person")
    return member.order_by("start_date", "pk").first().person  # type: ignore[union-attr]


def _cards_and_distributions(
    city: City,
    rng: random.Random,
    programs: dict[str, Program],
    points: dict[str, Any],
    items: dict[str, Item],
) -> None:
    social_worker = _user(city, "comune", Role.SOCIAL_WORKER)
    today = timezone.localdate()
    start = (today.replace(day=1) - timedelta(days=95)).replace(day=1)
    counters = {
        "ponte": _user(city, "ilponte", Role.ORG_OPERATOR),
        "rete": _user(city, "larete", Role.ORG_OPERATOR),
    }
    basket = [
        items["Pasta di semola 500 g"],
        items["Passata di pomodoro 700 g"],
        items["Legumi in scatola 400 g"],
    ]
    cards = []
    households = [h for h in _households(city, "comune", 40) if _head(h).residence_municipality]
    for index, household in enumerate(households[:24]):
        isee = Decimal(rng.randrange(1500, 7900))
        exception = ""
        if index % 11 == 5:
            isee, exception = (
                Decimal("8900"),
                "Perdita del lavoro a settembre: ISEE corrente in corso",
            )
        card = services.card_issue(
            actor=social_worker,
            program=programs["parcel"],
            household=household,
            holder=_head(household),
            isee=isee,
            exception_reason=exception,
            valid_from=start,
        )
        cards.append(card)
    month = start
    while month <= today:
        for card in cards:
            day = month + timedelta(days=rng.randrange(0, 20))
            if day > today or rng.random() < 0.15:
                continue
            where = "ponte" if card.pk % 3 else "rete"
            # A parcel holds what the point still has: the demo never runs a shelf empty,
            # whatever the day of the month the seed runs on.
            warehouse = Warehouse.objects.get(point=points[where])
            lines = [
                services.ItemLine(item, min(rng.randint(1, 3), _on_hand(warehouse, item)))
                for item in basket
            ]
            services.distribution_record(
                actor=counters[where],
                point=points[where],
                card=card,
                quantity=1,
                items=[line for line in lines if line.quantity > 0],
                day=day,
            )
        month = (month + timedelta(days=32)).replace(day=1)
    services.card_suspend(
        actor=social_worker, card=cards[3], reason="Verifica della residenza in corso"
    )


def _on_hand(warehouse: Warehouse, item: Item) -> int:
    total = warehouse.lots.filter(item=item).aggregate(total=Sum("quantity"))["total"]
    return int(total or 0)


def _home_meals(
    city: City, rng: random.Random, programs: dict[str, Program], kitchen: DistributionPoint
) -> None:
    operator = _user(city, "croceazzurra", Role.ORG_OPERATOR)
    social_worker = _user(city, "comune", Role.SOCIAL_WORKER)
    recipients = []
    taken = set(Card.objects.values_list("household_id", flat=True))
    households = [
        household
        for household in _households(city, "croceazzurra", 14) + _households(city, "comune", 80)
        if household.pk not in taken and household.address != E2E_ADDRESS
    ]
    for household in households[:14]:
        holder = _head(household)
        card = services.card_issue(
            actor=operator, program=programs["meals"], household=household, holder=holder, isee=None
        )
        window_start = rng.choice((time(11, 0), time(11, 30), time(12, 0)))
        recipients.append(
            rounds.meal_recipient_add(
                actor=operator,
                card=card,
                person=holder,
                data={
                    "address": household.address or "Massa",
                    "latitude": kitchen.latitude + rng.uniform(-0.03, 0.03),  # type: ignore[operator]
                    "longitude": kitchen.longitude + rng.uniform(-0.04, 0.04),  # type: ignore[operator]
                    "weekdays": "123456",
                    "window_start": window_start,
                    "window_end": time(13, 30),
                    "social_worker": social_worker,
                },
            )
        )
    today = timezone.localdate()
    for offset in (2, 1):
        day = today - timedelta(days=offset)
        if day.isoweekday() == 7:
            continue
        planned = rounds.round_plan(
            actor=operator, kitchen=kitchen, day=day, vehicles=2, capacity=10,
            start_time=time(11, 0), time_limit_s=0.2,
        )  # fmt: skip
        for stop in planned.stops.select_related("recipient"):
            outcome = "not_home" if stop.recipient_id == recipients[0].pk else "delivered"
            rounds.stop_outcome_record(actor=operator, stop=stop, outcome=outcome)
    if today.isoweekday() != 7:
        rounds.round_plan(
            actor=operator, kitchen=kitchen, day=today, vehicles=2, capacity=10,
            start_time=time(11, 0), time_limit_s=0.3,
        )  # fmt: skip


def _e2e_household(city: City) -> None:
    """A Comune household left unenrolled, found by the browser journey at ``E2E_ADDRESS``."""
    enrolled = set(Card.objects.values_list("household_id", flat=True))
    candidates = [
        household
        for household in _households(city, "comune", 60)
        if _head(household).residence_municipality and household.pk not in enrolled
    ]
    if not candidates:  # a population too small to spare one
        return
    household = candidates[0]
    people.household_update(
        actor=_user(city, "comune", Role.DESK_OPERATOR),
        household=household,
        data={
            "name": household.name,
            "address": E2E_ADDRESS,
            "neighbourhood": household.neighbourhood,
        },
    )


def seed_demo(*, city: City, rng: random.Random) -> None:
    """Create food support's demo data through its services."""
    if Program.objects.exists():
        return
    items = _items()
    points = {
        "ponte": _point(city, "ilponte", PONTE_POINT, "Borgo del Ponte", "Via Bassa Tambura 17"),
        "rete": _point(city, "larete", RETE_POINT, "Villette", "Via Marina Vecchia 84"),
        "banco": _point(city, "bancoalimentare", BANK_POINT, "Quercioli", "Via Massa Avenza 120"),
        "emporio": _point(city, "comune", "Emporio solidale del Comune", "Centro", "Via Porta Fabbrica 1"),
        "mensa": _point(city, "carita", "Mensa Il Mantello", "Centro", "Via Cavour 52"),
        "cucina": _point(city, "croceazzurra", "Cucina Croce Azzurra", "Centro", "Viale Stazione 3"),
    }  # fmt: skip
    _stock(city, items, points)
    programs = _programs(city, points)
    _cards_and_distributions(city, rng, programs, points, items)
    _e2e_household(city)
    _home_meals(city, rng, programs, points["cucina"])
    services.anonymous_distribution_record(
        actor=_user(city, "carita", Role.ORG_OPERATOR),
        point=points["mensa"],
        kind="meal",
        count=14,
        age_band="30-64",
        sex="M",
    )
