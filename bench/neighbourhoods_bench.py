"""Bench: the public map of reports and Open311 ``GET requests`` at 100,000 reports, as
ratios to ``/hello``.

    .venv/bin/python bench/neighbourhoods_bench.py                 # 100,000 reports
    .venv/bin/python bench/neighbourhoods_bench.py --reports 20000

The real production server (granian, as ``solidale serve``) runs on a loopback port over
a throwaway SQLite database kept per size in ``var/bench/neighbourhoods-<reports>.sqlite3``
(the demo city with 30 demo persons, then the reports bulk-inserted over the last year,
spread over the neighbourhoods and the categories, one in twenty social and so never
public). Anonymous clients request ``/hello``, the public map and list, the map filtered
to the open reports of one category, and the Open311 ``requests.json`` (the last 90
days, at most 1,000 requests as the spec suggests) and ``requests.json?status=open``, in
a closed loop from ``--clients`` threads; the report gives requests/s, p50 and p95 and
their ratios to ``/hello`` (``bench.stats``). Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.load import closed_loop, page_getter  # noqa: E402
from bench.stats import load_table  # noqa: E402

CHUNK = 5000
STATUSES = ("received", "assigned", "in_progress", "resolved", "closed")


def _environment(database_url: str, reports: int) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url
            or f"sqlite:///{bench / f'neighbourhoods-{reports}.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def reports_ensure(*, reports: int, seed: int) -> None:
    """The demo city, then ``reports`` reports bulk-inserted, unless already there."""
    from django.core.management import call_command
    from django.utils import timezone

    from solidale.accounts.models import Organization, User
    from solidale.core.audit import Action, audit_record
    from solidale.core.models import Neighbourhood
    from solidale.demo.seeding import seed as demo_seed
    from solidale.neighbourhoods.models import Report, ReportCategory

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email="cittadino@example.demo").exists():
        demo_seed(demo_persons=30, progress=False)
    missing = reports - Report.objects.count()
    if missing <= 0:
        return
    rng = random.Random(seed)
    areas = list(Neighbourhood.objects.values_list("pk", "centroid_lat", "centroid_lon"))
    public = list(ReportCategory.objects.filter(is_sensitive=False))
    social = list(ReportCategory.objects.filter(is_sensitive=True))
    comune = Organization.objects.filter(kind=Organization.Kind.COMUNE).first()
    now = timezone.now()
    rows: list[Report] = []
    for n in range(missing):
        category = rng.choice(social) if n % 20 == 0 else rng.choice(public)
        area, lat, lon = rng.choice(areas)
        created = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
        status = rng.choice(STATUSES)
        rows.append(
            Report(
                tracking_code=f"SEG-B{n:09d}",
                token=secrets.token_hex(16),
                category=category,
                is_sensitive=category.is_sensitive,
                description="Segnalazione di prova per il bench",
                latitude=(lat or 44.03) + rng.uniform(-0.002, 0.002),
                longitude=(lon or 10.14) + rng.uniform(-0.002, 0.002),
                address="Via di prova 1",
                neighbourhood_id=area,
                organization=comune,
                status=status,
                status_changed_at=created,
                resolved_at=created if status == "resolved" else None,
                created_at=created,
                is_published=not category.is_sensitive,
                public_description="Segnalazione di prova per il bench",
                published_at=None if category.is_sensitive else created,
            )
        )
        if len(rows) == CHUNK:
            Report.objects.bulk_create(rows)
            rows = []
    Report.objects.bulk_create(rows)
    audit_record(
        actor=None,
        action=Action.BULK_CREATE,
        object_type="neighbourhoods.report",
        changes={"count": Report.objects.count(), "purpose": "bench"},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--random-seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    _environment(options.database_url, options.reports)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from solidale.demo.server import Supervisor, static_files_fresh
    from solidale.neighbourhoods.models import Report

    print(f"Preparing {options.reports} reports…", flush=True)
    reports_ensure(reports=options.reports, seed=options.random_seed)
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "neighbourhoods-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit(
                    "the server did not start: see var/bench/neighbourhoods-server.log"
                )
            base = supervisor.url
            targets = {
                "hello": f"{base}/hello",
                "public_map": f"{base}/neighbourhoods/segnalazioni/",
                "public_map_open_lighting": (
                    f"{base}/neighbourhoods/segnalazioni/?status=open&category=illuminazione"
                ),
                "open311_requests": f"{base}/neighbourhoods/open311/v2/requests.json",
                "open311_requests_open": (
                    f"{base}/neighbourhoods/open311/v2/requests.json?status=open"
                ),
            }
            for url in targets.values():
                closed_loop(page_getter(url, ""), clients=1, seconds=1, target="warm-up", path=url)
            results = [
                closed_loop(
                    page_getter(url, ""),
                    clients=options.clients,
                    seconds=options.duration,
                    target=name,
                    path=url,
                )
                for name, url in targets.items()
            ]
    print(
        f"Reports: {Report.objects.count()} ({Report.objects.public().count()} public); "
        f"{options.clients} clients, {options.duration:.0f} s per target, granian 2 workers:"
    )
    for line in load_table(results, results[0]):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
