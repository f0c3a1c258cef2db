"""Bench: the referral inbox and outbox at network scale, as ratios to ``/hello``.

    .venv/bin/python bench/referrals_bench.py          # 500 organizations, 5,000 services, 200,000 referrals
    .venv/bin/python bench/referrals_bench.py --organizations 100 --services 1000 --referrals 20000

The real production server (granian, the same command as ``solidale serve``) runs on a
loopback port over a throwaway SQLite database kept per size in
``var/bench/referrals-<organizations>-<services>-<referrals>.sqlite3`` (the demo city with
30 demo persons, then organizations, services, persons, one desk access per sending
organization and the referrals bulk-inserted: a reused database starts measuring within
seconds). The Comune sends about a tenth of the referrals and Il Ponte receives about a
twentieth, the rest spread over the other organizations. Il Ponte's operator requests
``/hello``, the inbox, the inbox filtered to the overdue ones, and a Comune social worker
the outbox, each in a closed loop from ``--clients`` threads; the report gives
requests/s, p50 and p95 and their ratios to ``/hello`` (``bench.stats``). Never part of
the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.cases_bench import closed_loop  # noqa: E402
from bench.load import login  # noqa: E402
from bench.stats import load_table  # noqa: E402

OPERATOR = "operatore@ilponte.demo"
SOCIAL_WORKER = "assistente.sociale@comune-massa.demo"
BENCH_PREFIX = "Bench — organizzazione"
STATUSES = ("sent", "accepted", "in_progress", "completed", "declined", "cancelled")
CHUNK = 5000


def _environment(database_url: str, label: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / f'referrals-{label}.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def network_ensure(*, organizations: int, services: int, referrals: int, seed: int) -> None:
    """The demo city, then the bulk network and referrals, unless already there."""
    from django.core.management import call_command
    from django.utils import timezone

    from solidale.accounts.models import Organization, User
    from solidale.core.audit import Action, audit_record
    from solidale.demo.seeding import seed as demo_seed
    from solidale.desk.models import Access
    from solidale.network.models import Service
    from solidale.people.models import Person
    from solidale.referrals.models import Referral

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email=OPERATOR).exists():
        demo_seed(demo_persons=30, progress=False)
    if Referral.objects.count() >= referrals:
        return
    rng = random.Random(seed)
    worker = User.objects.get(email=SOCIAL_WORKER)
    comune = worker.organization
    ponte = User.objects.get(email=OPERATOR).organization
    assert comune is not None and ponte is not None
    missing = organizations - Organization.objects.count()
    Organization.objects.bulk_create(
        Organization(name=f"{BENCH_PREFIX} {n:04d}", kind=Organization.Kind.ETS)
        for n in range(max(missing, 0))
    )
    orgs = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    Service.objects.bulk_create(
        (
            Service(
                organization_id=orgs[n % len(orgs)],
                name=f"Servizio {n:05d}",
                last_confirmed_at=timezone.now(),
            )
            for n in range(max(services - Service.objects.count(), 0))
        ),
        batch_size=CHUNK,
    )
    services_by_org: dict[int, list[int]] = {}
    for service_id, org_id in Service.objects.values_list("pk", "organization_id"):
        services_by_org.setdefault(org_id, []).append(service_id)
    receivers = [org for org in orgs if org in services_by_org and org != comune.pk]
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True)[:5000])
    Access.objects.bulk_create(
        Access(organization_id=org, operator=worker, person_id=persons[n % len(persons)])
        for n, org in enumerate(orgs)
        if not Access.objects.filter(organization_id=org).exists()
    )
    access_by_org = dict(Access.objects.values_list("organization_id", "pk"))
    now = timezone.now()
    rows: list[Referral] = []
    for n in range(referrals - Referral.objects.count()):
        sender = comune.pk if rng.random() < 0.1 else rng.choice(orgs)
        receiver = ponte.pk if rng.random() < 0.05 else rng.choice(receivers)
        if receiver == sender:
            receiver = ponte.pk if sender != ponte.pk else comune.pk
        sent_at = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
        status = rng.choice(STATUSES)
        rows.append(
            Referral(
                access_id=access_by_org[sender],
                person_id=persons[n % len(persons)],
                service_id=rng.choice(services_by_org.get(receiver) or services_by_org[ponte.pk]),
                sender_organization_id=sender,
                receiver_organization_id=receiver,
                sent_by=worker,
                reason="Invio di prova per il bench",
                urgency=rng.choice(("low", "normal", "high", "urgent")),
                shared_fieldsets=["identity", "contacts"],
                legal_basis="public_task",
                status=status,
                sent_at=sent_at,
                accept_due_at=sent_at + timedelta(hours=72),
                handled_at=None if status in ("sent", "cancelled") else sent_at,
                decline_reason="no_capacity" if status == "declined" else "",
                outcome="met" if status == "completed" else "",
                closed_at=sent_at if status in ("completed", "declined", "cancelled") else None,
            )
        )
        if len(rows) == CHUNK:
            Referral.objects.bulk_create(rows)
            rows = []
    Referral.objects.bulk_create(rows)
    audit_record(
        actor=None,
        action=Action.BULK_CREATE,
        object_type="referrals.referral",
        changes={"count": Referral.objects.count(), "purpose": "bench"},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--random-seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    label = f"{options.organizations}-{options.services}-{options.referrals}"
    _environment(options.database_url, label)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from solidale.demo.city import demo_password
    from solidale.demo.server import Supervisor, static_files_fresh
    from solidale.referrals.models import Referral

    print(f"Preparing the network ({label})…", flush=True)
    network_ensure(
        organizations=options.organizations,
        services=options.services,
        referrals=options.referrals,
        seed=options.random_seed,
    )
    inbox_size = Referral.objects.filter(receiver_organization__short_name="Il Ponte").count()
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "referrals-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/referrals-server.log")
            operator = login(supervisor.url, OPERATOR, demo_password())
            worker = login(supervisor.url, SOCIAL_WORKER, demo_password())
            targets: dict[str, tuple[str, Any]] = {
                "hello": (f"{supervisor.url}/hello", operator),
                "inbox": (f"{supervisor.url}/referrals/", operator),
                "inbox_overdue": (f"{supervisor.url}/referrals/?status=sent&overdue=on", operator),
                "outbox": (f"{supervisor.url}/referrals/sent/", worker),
            }
            for url, session in targets.values():
                closed_loop(url, session, clients=1, seconds=1, target="warm-up")
            results = [
                closed_loop(
                    url, session, clients=options.clients, seconds=options.duration, target=name
                )
                for name, (url, session) in targets.items()
            ]
    print(
        f"Referral inbox: {Referral.objects.count()} referrals, Il Ponte receives {inbox_size}; "
        f"{options.clients} clients, {options.duration:.0f} s per target, granian 2 workers:"
    )
    for line in load_table(results, results[0]):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
