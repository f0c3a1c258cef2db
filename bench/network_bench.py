"""Bench: the public services directory at network scale, as ratios to ``/hello``.

    .venv/bin/python bench/network_bench.py          # 500 organizations, 5,000 services
    .venv/bin/python bench/network_bench.py --organizations 100 --services 1000 --duration 5

The real production server (granian, the same command as ``solidale serve``) runs on a
loopback port over a throwaway SQLite database kept per size in
``var/bench/network-<organizations>-<services>.sqlite3`` (the demo city with 30 demo
persons and its 40 services, then organizations and services bulk-inserted, each service
with one or two need categories, a place in a neighbourhood, weekly opening hours and,
for one in three, a live capacity; a reused database starts measuring within seconds).
An anonymous visitor requests ``/hello``, the directory's first page, the directory
filtered by need and neighbourhood, the services open now, and a free-text search, each
in a closed loop from ``--clients`` threads; the report gives requests/s, p50 and p95 and
their ratios to ``/hello`` (``bench.stats``). Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.cases_bench import closed_loop  # noqa: E402
from bench.stats import load_table  # noqa: E402

BENCH_PREFIX = "Bench — ente"
CHUNK = 5000
HOURS = (("MO,WE,FR", 9, 12), ("TU,TH", 15, 18), ("MO,TU,WE,TH,FR,SA,SU", 20, 8), ("SA", 9, 13))


def _environment(database_url: str, label: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / f'network-{label}.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def network_ensure(*, organizations: int, services: int, seed: int) -> None:
    """The demo city, then the bulk organizations and services, unless already there."""
    from django.core.management import call_command
    from django.utils import timezone

    from solidale.accounts.models import Organization, User
    from solidale.core.audit import Action, audit_record
    from solidale.core.models import Neighbourhood
    from solidale.demo.seeding import seed as demo_seed
    from solidale.network.models import (
        Capacity,
        CapacityKind,
        Location,
        NeedCategory,
        Schedule,
        Service,
        ServiceAtLocation,
    )

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email="operatore@ilponte.demo").exists():
        demo_seed(demo_persons=30, progress=False)
    missing = services - Service.objects.count()
    if missing <= 0:
        return
    rng = random.Random(seed)
    Organization.objects.bulk_create(
        Organization(name=f"{BENCH_PREFIX} {n:04d}", kind=Organization.Kind.ETS)
        for n in range(max(organizations - Organization.objects.count(), 0))
    )
    orgs = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    places = list(Neighbourhood.objects.all())
    categories = list(NeedCategory.objects.values_list("pk", flat=True))
    languages = ("it", "it,en", "it,ar", "it,en,fr", "it,ro,sq", "it,uk")
    now = timezone.now()
    first = Service.objects.count()
    new_services = Service.objects.bulk_create(
        (
            Service(
                organization_id=orgs[n % len(orgs)],
                name=f"Servizio di prova {first + n:05d}",
                description="Servizio creato per il bench della rete.",
                languages=rng.choice(languages),
                last_confirmed_at=now,
            )
            for n in range(missing)
        ),
        batch_size=CHUNK,
    )
    links = Service.need_categories.through
    links.objects.bulk_create(
        (
            links(service_id=service.pk, needcategory_id=category)
            for service in new_services
            for category in rng.sample(categories, rng.randint(1, 2))
        ),
        batch_size=CHUNK,
    )
    new_locations = Location.objects.bulk_create(
        (
            Location(
                organization_id=service.organization_id,
                name=f"Sede {service.name}",
                address=f"Via di prova {rng.randint(1, 200)}",
                neighbourhood=(place := rng.choice(places)),
                latitude=(place.centroid_lat or 44.03) + rng.uniform(-0.001, 0.001),
                longitude=(place.centroid_lon or 10.14) + rng.uniform(-0.001, 0.001),
            )
            for service in new_services
        ),
        batch_size=CHUNK,
    )
    ServiceAtLocation.objects.bulk_create(
        (
            ServiceAtLocation(service_id=service.pk, location_id=location.pk)
            for service, location in zip(new_services, new_locations, strict=True)
        ),
        batch_size=CHUNK,
    )
    Schedule.objects.bulk_create(
        (
            Schedule(
                service_id=service.pk, byday=byday, opens_at=time(opens), closes_at=time(closes)
            )
            for service in new_services
            for byday, opens, closes in [rng.choice(HOURS)]
        ),
        batch_size=CHUNK,
    )
    Capacity.objects.bulk_create(
        (
            Capacity(
                service_id=service.pk,
                kind=rng.choice(CapacityKind.values),
                total=20,
                available=rng.randint(0, 20),
            )
            for service in new_services[::3]
        ),
        batch_size=CHUNK,
    )
    audit_record(
        actor=None,
        action=Action.BULK_CREATE,
        object_type="network.service",
        changes={"count": len(new_services), "purpose": "bench"},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--random-seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    label = f"{options.organizations}-{options.services}"
    _environment(options.database_url, label)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from solidale.demo.server import Supervisor, static_files_fresh
    from solidale.network.models import Service

    print(f"Preparing the network ({label})…", flush=True)
    network_ensure(
        organizations=options.organizations, services=options.services, seed=options.random_seed
    )
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "network-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/network-server.log")
            directory = f"{supervisor.url}/network/servizi/"
            targets = {
                "hello": f"{supervisor.url}/hello",
                "directory": directory,
                "need_place": f"{directory}?need=food&neighbourhood=centro",
                "open_now": f"{directory}?open_now=on",
                "text": f"{directory}?q=prova+01",
            }
            for url in targets.values():
                closed_loop(url, "", clients=1, seconds=1, target="warm-up")
            results = [
                closed_loop(url, "", clients=options.clients, seconds=options.duration, target=name)
                for name, url in targets.items()
            ]
    print(
        f"Public directory: {Service.objects.count()} services; {options.clients} clients, "
        f"{options.duration:.0f} s per target, granian 2 workers:"
    )
    for line in load_table(results, results[0]):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
