"""Bench: the service manager's dashboard at city scale, as a ratio to ``/hello``, and the
time of the nightly summary refresh and alert run over the same data.

    .venv/bin/python bench/insights_bench.py                        # 1,000,000 persons, 5,000,000 events
    .venv/bin/python bench/insights_bench.py --persons 100000 --events 500000

The real production server (granian, as ``solidale serve``) runs on a loopback port over
a throwaway SQLite database kept per size in ``var/bench/insights-<persons>-<events>.sqlite3``:
the demo city, then persons spread over the neighbourhoods, events (desk accesses by the
network's organizations over the last year) and one open case per hundred persons,
bulk-inserted. The summary tables are refreshed once (timed: what the worker does each
night) and the alert rules run once (timed); then the Comune's coordinator requests
``/hello``, the dashboard for the current month and for the whole year filtered by a
neighbourhood, each in a closed loop from ``--clients`` threads; the report gives
requests/s, p50 and p95 and their ratios to ``/hello`` (``bench.stats``). The domain
apps' events (distributions, stays) reach the dashboard the same way, through their
registered indicators into the same summary table. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.load import closed_loop, login, page_getter  # noqa: E402
from bench.stats import load_table  # noqa: E402

COORDINATOR = "coordinatore@comune-massa.demo"
CHUNK = 5000
CHANNELS = ("desk", "phone", "email", "street", "partner")
OUTCOMES = ("information", "orientation", "referral", "taking_charge", "no_follow_up")


def _environment(database_url: str, label: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / f'insights-{label}.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def city_ensure(*, persons: int, events: int, seed: int) -> None:
    """The demo city, then the bulk persons, events and open cases, unless already there."""
    from django.core.management import call_command
    from django.utils import timezone

    from solidale.accounts.models import Organization, User
    from solidale.cases.models import Case
    from solidale.core.audit import Action, audit_record
    from solidale.core.models import Neighbourhood
    from solidale.demo.seeding import seed as demo_seed
    from solidale.desk.models import Access
    from solidale.people.models import Person

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email=COORDINATOR).exists():
        demo_seed(demo_persons=30, progress=False)
    rng = random.Random(seed)
    areas = list(Neighbourhood.objects.values_list("pk", flat=True))
    missing = persons - Person.objects.count()
    for start in range(0, max(missing, 0), CHUNK):
        Person.objects.bulk_create(
            Person(
                given_name="Bench",
                family_name=f"Persona {start + n:07d}",
                is_identified=False,
                neighbourhood_id=rng.choice(areas),
            )
            for n in range(min(CHUNK, missing - start))
        )
    person_ids = list(Person.objects.values_list("pk", flat=True))
    coordinator = User.objects.get(email=COORDINATOR)
    comune = coordinator.organization
    assert comune is not None
    organizations = list(Organization.objects.values_list("pk", flat=True))
    now = timezone.now()
    missing = events - Access.objects.count()
    for start in range(0, max(missing, 0), CHUNK):
        Access.objects.bulk_create(
            Access(
                organization_id=rng.choice(organizations),
                operator=coordinator,
                person_id=rng.choice(person_ids),
                occurred_at=now - timedelta(minutes=rng.randint(1, 60 * 24 * 365)),
                channel=rng.choice(CHANNELS),
                outcome=rng.choice(OUTCOMES),
            )
            for _ in range(min(CHUNK, missing - start))
        )
    missing = persons // 100 - Case.objects.count()
    for start in range(0, max(missing, 0), CHUNK):
        Case.objects.bulk_create(
            Case(
                organization=comune,
                person_id=person_ids[(start + n) * 97 % len(person_ids)],
                area="adults",
                responsible=coordinator,
                opening_reason="Presa in carico di prova per il bench",
                opened_at=now - timedelta(days=rng.randint(1, 700)),
            )
            for n in range(min(CHUNK, missing - start))
        )
    audit_record(
        actor=None,
        action=Action.BULK_CREATE,
        object_type="desk.access",
        changes={"persons": persons, "events": events, "purpose": "bench"},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--random-seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    label = f"{options.persons}-{options.events}"
    _environment(options.database_url, label)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from solidale.core.models import Neighbourhood
    from solidale.demo.city import demo_password
    from solidale.demo.server import Supervisor, static_files_fresh
    from solidale.insights.models import AlertItem, DailyFact
    from solidale.insights.services import alerts_run, refresh_request, refresh_run

    print(f"Preparing the city ({label})…", flush=True)
    began = time.monotonic()
    city_ensure(persons=options.persons, events=options.events, seed=options.random_seed)
    print(f"  data ready in {time.monotonic() - began:.0f} s", flush=True)
    today = timezone.localdate()
    began = time.monotonic()
    refresh = refresh_request(actor=None, start=today - timedelta(days=366), end=today)
    refresh_run(refresh.pk)
    refresh_seconds = time.monotonic() - began
    began = time.monotonic()
    run = alerts_run(today=today)
    alerts_seconds = time.monotonic() - began
    area = Neighbourhood.objects.order_by("pk").first()
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "insights-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/insights-server.log")
            coordinator = login(supervisor.url, COORDINATOR, demo_password())
            year = f"period=year&month={today:%Y-%m}&neighbourhood={area.pk if area else ''}"
            targets: dict[str, tuple[str, Any]] = {
                "hello": (f"{supervisor.url}/hello", coordinator),
                "dashboard": (f"{supervisor.url}/insights/", coordinator),
                "dashboard_year_area": (f"{supervisor.url}/insights/?{year}", coordinator),
            }
            for url, session in targets.values():
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
                for name, (url, session) in targets.items()
            ]
    print(
        f"Dashboard: {options.persons} persons, {options.events} events, "
        f"{DailyFact.objects.count()} summary rows; {options.clients} clients, "
        f"{options.duration:.0f} s per target, granian 2 workers:"
    )
    for line in load_table(results, results[0]):
        print(line)
    print(f"Nightly refresh of the summary (one year): {refresh_seconds:.1f} s")
    print(
        f"Daily alert run: {alerts_seconds:.1f} s, {run.raised} raised, {run.refreshed} "
        f"refreshed, {AlertItem.objects.count()} items in total"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
