"""Bench: 50 concurrent counter registrations against one warehouse (0 negative stock,
throughput), and meal-round planning for 200 stops and 6 vehicles (time to solution and
route length against OR-Tools given 10x more time).

    .venv/bin/python bench/food_bench.py                       # 50 registrations, 200 stops
    .venv/bin/python bench/food_bench.py --attempts 20 --stops 80 --vehicles 3

The real production server (granian, as ``solidale serve``) runs on a loopback port over a
throwaway SQLite database in ``var/bench/food.sqlite3`` (the demo city's organizations and
logins, then --attempts households registered by Il Ponte, built on the first run). Each
run creates a fresh program with one card per household and one fresh item with
``--stock`` units at Il Ponte's point; then ``--attempts`` threads start at the same moment,
each posting one distribution of ``--take`` units to the API (``POST
/api/v1/food/distributions``, bearer token of Il Ponte's operator). The report counts the
201s and 409s, checks that no lot went below zero and that every lot equals the sum of its
movements, and gives registrations per second. Then the route planner
(``food.rounds.solve_routes``) plans ``--stops`` random stops around Massa for
``--vehicles`` vans with capacity and time windows, once with ``--time-limit`` seconds and
once with ten times as long. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

OPERATOR = "operatore@ilponte.demo"
BENCH_POINT = "Bench — punto di distribuzione"
BENCH_HOUSEHOLD = "Bench — nucleo"


def _environment(database_url: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / 'food.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def counter_ensure(*, attempts: int, stock: int) -> tuple[str, int, int, list[str]]:
    """Households, a fresh program with their cards, a fresh item in stock; a token."""
    from decimal import Decimal

    from django.core.management import call_command

    from solidale.accounts.models import User
    from solidale.accounts.services import api_token_create
    from solidale.demo.city import city_create, demo_password
    from solidale.food import services
    from solidale.food import stock as food_stock
    from solidale.food.models import DistributionPoint, Warehouse
    from solidale.people import services as people
    from solidale.people.models import Household

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email=OPERATOR).exists():
        city_create(rng=random.Random(2026), password=demo_password())
    operator = User.objects.get(email=OPERATOR)
    organization = operator.organization
    assert organization is not None
    point = DistributionPoint.objects.filter(name=BENCH_POINT).first() or services.point_create(
        actor=operator, organization_id=organization.pk, data={"name": BENCH_POINT}
    )
    households = list(Household.objects.filter(name__startswith=BENCH_HOUSEHOLD).order_by("pk"))
    for n in range(len(households), attempts):
        person = people.person_create(
            actor=operator,
            data={"given_name": f"Persona{n}", "family_name": f"Bench{n:03d}"},
            confirm_similar=True,
        )
        household = people.household_create(
            actor=operator, data={"name": f"{BENCH_HOUSEHOLD} {n:03d}"}
        )
        people.household_member_add(
            actor=operator, household=household, person=person, relationship="head"
        )
        households.append(household)
    stamp = f"{time.time():.0f}"
    program = services.program_create(
        actor=operator,
        organization_id=organization.pk,
        data={"name": f"Bench — pacco {stamp}", "kind": "parcel"},
        entitlements=[(1, 1)],
        points=[point],
    )
    codes = [
        services.card_issue(
            actor=operator,
            program=program,
            household=household,
            holder=household.members.get().person,
            isee=None,
        ).code
        for household in households[:attempts]
    ]
    item = services.item_create(
        actor=operator,
        data={
            "name": f"Bench — pasta {stamp}",
            "category": "pasta",
            "nutritional_group": "cereals",
        },
    )
    food_stock.donation_record(
        actor=operator,
        warehouse=Warehouse.objects.get(point=point),
        donor="Bench",
        source="food_bank",
        lines=[food_stock.IncomingLine(item, Decimal(stock))],
    )
    _token, secret = api_token_create(actor=operator, name=f"bench {stamp}")
    return secret, point.pk, item.pk, codes


def race(
    base_url: str, secret: str, *, point_id: int, item_id: int, codes: list[str], take: int
) -> tuple[dict[int, int], float]:
    """One thread per card, all posting a distribution at the same moment."""
    start = threading.Barrier(len(codes))
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def attempt(code: str) -> None:
        body = json.dumps(
            {
                "point_id": point_id,
                "card_code": code,
                "quantity": 1,
                "items": [{"item_id": item_id, "quantity": str(take)}],
            }
        )
        request = urllib.request.Request(  # noqa: S310 (the loopback server we started)
            f"{base_url}/api/v1/food/distributions",
            data=body.encode(),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        )
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as answer:
            status = answer.code
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=attempt, args=(code,)) for code in codes]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, time.perf_counter() - began


def routes(*, stops: int, vehicles: int, time_limit: float, seed: int) -> list[str]:
    from solidale.food.rounds import Stop, solve_routes

    rng = random.Random(seed)
    kitchen = (44.0354, 10.1396)
    points = [
        Stop(
            at=(kitchen[0] + rng.uniform(-0.045, 0.045), kitchen[1] + rng.uniform(-0.06, 0.06)),
            demand=rng.choice((1, 1, 1, 2)),
            window=(0, rng.choice((120, 180, 240))),
        )
        for _ in range(stops)
    ]
    capacity = -(-sum(stop.demand for stop in points) // vehicles) + 8
    lines = []
    results = []
    for limit in (time_limit, time_limit * 10):
        began = time.perf_counter()
        plan = solve_routes(
            depot=kitchen, stops=points, vehicles=vehicles, capacity=capacity, time_limit_s=limit
        )
        elapsed = time.perf_counter() - began
        results.append(plan.distance_m)
        lines.append(
            f"  limit {limit:5.1f} s: solved in {elapsed:5.2f} s, {plan.distance_m / 1000:7.2f} km, "
            f"{len(plan.dropped)} stops dropped, stops per van "
            f"{[len(route) for route in plan.routes]}"
        )
    lines.append(
        f"  route length with the default limit is {results[0] / results[1] * 100 - 100:+.1f} % "
        f"against ten times the time"
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--attempts", type=int, default=50)
    parser.add_argument("--stock", type=int, default=100)
    parser.add_argument("--take", type=int, default=3)
    parser.add_argument("--stops", type=int, default=200)
    parser.add_argument("--vehicles", type=int, default=6)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--port", type=int, default=8773)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    _environment(options.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Sum

    from solidale.demo.server import Supervisor, static_files_fresh
    from solidale.food.models import Lot

    print("Preparing households, cards and stock…", flush=True)
    secret, point_id, item_id, codes = counter_ensure(
        attempts=options.attempts, stock=options.stock
    )
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "food-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/food-server.log")
            statuses, wall = race(
                supervisor.url,
                secret,
                point_id=point_id,
                item_id=item_id,
                codes=codes,
                take=options.take,
            )
    lots = Lot.objects.filter(item_id=item_id)
    negative = lots.filter(quantity__lt=0).count()
    drifted = sum(
        1
        for lot in lots
        if lot.quantity != (lot.movements.aggregate(total=Sum("quantity"))["total"] or 0)
    )
    left = lots.aggregate(total=Sum("quantity"))["total"]
    served = statuses.get(201, 0)
    print(
        f"Counter race: {options.attempts} simultaneous registrations of {options.take} units "
        f"from {options.stock} in stock, in {wall:.2f} s ({options.attempts / wall:.1f} "
        f"registrations/s): answers {dict(sorted(statuses.items()))}; {served} served, "
        f"{left} left, {negative} negative lots, {drifted} lots not equal to their movements."
    )
    print(f"Route planning: {options.stops} stops, {options.vehicles} vans:")
    for line in routes(
        stops=options.stops, vehicles=options.vehicles, time_limit=options.time_limit, seed=2026
    ):
        print(line)
    expected = min(options.attempts, options.stock // options.take)
    return 1 if negative or drifted or served != expected else 0


if __name__ == "__main__":
    raise SystemExit(main())
