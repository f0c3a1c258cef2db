"""Bench: tonight's bed board at 50 facilities and 1,000 beds (as a ratio to ``/hello``), and
100 concurrent assignment attempts on 20 beds (0 double bookings, throughput).

    .venv/bin/python bench/shelter_bench.py                 # 50 facilities x 20 beds
    .venv/bin/python bench/shelter_bench.py --facilities 10 --beds-per-facility 10

The real production server (granian, as ``solidale serve``) runs on a loopback port over
a throwaway SQLite database kept per size in ``var/bench/shelter-<facilities>-<beds>.sqlite3``
(the demo city's organizations and logins, then the facilities and beds of Il Mantello
bulk-inserted, half of them taken tonight). Il Mantello's operator requests ``/hello``
and the bed board in a closed loop from ``--clients`` threads. Then ``--attempts`` threads
start at the same moment, each posting one assignment to the API (``POST
/api/v1/shelter/stays``, bearer token) for one of ``--race-beds`` beds: the report counts
the 201s and 409s, checks in the database that no bed holds two people, and gives the
attempts per second. Never part of the test suite.
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

from bench.load import closed_loop, login, page_getter  # noqa: E402
from bench.stats import load_table  # noqa: E402

OPERATOR = "operatore2@ilmantello.demo"
BENCH_PREFIX = "Bench — struttura"
RACE_FACILITY = "Bench — corsa ai posti"


def _environment(database_url: str, label: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / f'shelter-{label}.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def beds_ensure(*, facilities: int, beds: int, race_beds: int) -> str:
    """The demo organizations and logins, the bulk facilities and beds; an API token."""
    from django.core.management import call_command
    from django.utils import timezone

    from solidale.accounts.models import User
    from solidale.accounts.services import api_token_create
    from solidale.demo.city import city_create, demo_password
    from solidale.shelter.models import Bed, Facility, FacilityKind, Stay
    from solidale.shelter.services import night_of

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email=OPERATOR).exists():
        city_create(rng=random.Random(2026), password=demo_password())
    operator = User.objects.get(email=OPERATOR)
    organization = operator.organization
    assert organization is not None
    for n in range(facilities - Facility.objects.filter(name__startswith=BENCH_PREFIX).count()):
        facility = Facility.objects.create(
            name=f"{BENCH_PREFIX} {n:03d}",
            kind=FacilityKind.NIGHT_SHELTER,
            organization=organization,
            address=f"Via del Bench {n}, Massa",
        )
        Bed.objects.bulk_create(Bed(facility=facility, label=f"L{b:02d}") for b in range(beds))
    tonight = night_of(timezone.now())
    taken = Bed.objects.filter(facility__name__startswith=BENCH_PREFIX).order_by("pk")[::2]
    Stay.objects.bulk_create(
        (
            Stay(
                bed=bed,
                night=tonight,
                alias=f"Ospite {bed.pk}",
                assigned_by=operator,
                assigned_at=timezone.now(),
            )
            for bed in taken
            if not Stay.objects.filter(bed=bed, night=tonight).exists()
        ),
        batch_size=500,
    )
    race, created = Facility.objects.get_or_create(
        name=RACE_FACILITY,
        defaults={
            "kind": FacilityKind.NIGHT_SHELTER,
            "organization": organization,
            "address": "Via della Corsa 1, Massa",
        },
    )
    if created:
        Bed.objects.bulk_create(Bed(facility=race, label=f"R{b:02d}") for b in range(race_beds))
    Stay.objects.filter(bed__facility=race).delete()
    _token, secret = api_token_create(actor=operator, name=f"bench {time.time():.0f}")
    return secret


def race(base_url: str, secret: str, *, attempts: int) -> tuple[dict[int, int], float]:
    """``attempts`` threads posting an assignment at the same moment; status → count."""
    from django.utils import timezone

    from solidale.shelter.models import Bed
    from solidale.shelter.services import night_of

    beds = list(Bed.objects.filter(facility__name=RACE_FACILITY).values_list("pk", flat=True))
    night = night_of(timezone.now()).isoformat()
    start = threading.Barrier(attempts)
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def attempt(n: int) -> None:
        body = json.dumps({"bed_id": beds[n % len(beds)], "night": night, "alias": f"Corsa {n}"})
        request = urllib.request.Request(  # noqa: S310 (the loopback server we started)
            f"{base_url}/api/v1/shelter/stays",
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

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return statuses, time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--facilities", type=int, default=50)
    parser.add_argument("--beds-per-facility", type=int, default=20)
    parser.add_argument("--race-beds", type=int, default=20)
    parser.add_argument("--attempts", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    label = f"{options.facilities}-{options.beds_per_facility}"
    _environment(options.database_url, label)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db.models import Count

    from solidale.demo.city import demo_password
    from solidale.demo.server import Supervisor, static_files_fresh
    from solidale.shelter.models import HOLDING, Bed, Stay

    print(f"Preparing the beds ({label})…", flush=True)
    secret = beds_ensure(
        facilities=options.facilities,
        beds=options.beds_per_facility,
        race_beds=options.race_beds,
    )
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "shelter-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/shelter-server.log")
            session = login(supervisor.url, OPERATOR, demo_password())
            targets = {
                "hello": f"{supervisor.url}/hello",
                "board": f"{supervisor.url}/shelter/board/",
            }
            for url in targets.values():
                closed_loop(
                    page_getter(url, session), clients=1, seconds=1, target="warm-up", path=url
                )
            results = [
                closed_loop(
                    page_getter(url, session),
                    clients=options.clients,
                    seconds=options.duration,
                    target=name,
                    path=url,
                )
                for name, url in targets.items()
            ]
            statuses, wall = race(supervisor.url, secret, attempts=options.attempts)
    beds = Bed.objects.exclude(facility__name=RACE_FACILITY).filter(is_active=True).count()
    print(
        f"Bed board: {beds} beds in {options.facilities} facilities (half taken tonight); "
        f"{options.clients} clients, {options.duration:.0f} s per target, granian 2 workers:"
    )
    for line in load_table(results, results[0]):
        print(line)
    doubles = (
        Stay.objects.filter(status__in=HOLDING, bed__facility__name=RACE_FACILITY)
        .values("bed", "night")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    held = Stay.objects.filter(status__in=HOLDING, bed__facility__name=RACE_FACILITY).count()
    print(
        f"Race: {options.attempts} simultaneous assignments on {options.race_beds} beds in "
        f"{wall:.2f} s ({options.attempts / wall:.1f} attempts/s): answers {dict(sorted(statuses.items()))}; "
        f"{held} beds held, {doubles} double bookings."
    )
    return 1 if doubles else 0


if __name__ == "__main__":
    raise SystemExit(main())
