"""Bench: the desk's day view and the operator's iCal feed as ratios to ``/hello``.

    .venv/bin/python bench/appointments_bench.py                  # 4 clients, 10 s per target
    .venv/bin/python bench/appointments_bench.py --duration 5 --clients 2

The real production server (granian, the same command as ``solidale serve``) runs on a
loopback port over a throwaway SQLite database kept in ``var/bench/appointments.sqlite3``
(the demo city with 30 demo persons: the Comune's desks, two weeks of slots and the demo
bookings). A logged-in desk operator requests ``/hello``, then the day view of the busiest
day of the Centro desk; the iCal feed of that operator is fetched with its secret token.
The report gives requests/s, p50 and p95 and their ratios to ``/hello`` (``bench.stats``).
Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.desk_bench import closed_loop  # noqa: E402
from bench.load import login  # noqa: E402
from bench.stats import load_table  # noqa: E402

DESK_OPERATOR = "sportello@comune-massa.demo"
OFFICE = "Sportello sociale Centro"


def _environment(database_url: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / 'appointments.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def busiest_day_ensure() -> tuple[int, date, str]:
    """The demo city (seeded once); the Centro desk, its busiest day, a fresh feed token."""
    from django.core.management import call_command
    from django.db.models import Count
    from django.db.models.functions import TruncDate

    from solidale.accounts.models import User
    from solidale.appointments.models import Appointment, Status
    from solidale.appointments.services import calendar_feed_regenerate
    from solidale.demo.seeding import seed
    from solidale.desk.models import Office

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email=DESK_OPERATOR).exists():
        seed(demo_persons=30, progress=False)
    operator = User.objects.get(email=DESK_OPERATOR)
    office = Office.objects.get(name=OFFICE)
    today = date.today()  # noqa: DTZ011 (the server's local day is all the bench needs)
    busiest = (
        Appointment.objects.filter(slot__office=office, status=Status.BOOKED)
        .annotate(day=TruncDate("slot__start"))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("-count")
        .first()
    )
    day = busiest["day"] if busiest else today
    return office.pk, day, calendar_feed_regenerate(operator=operator, actor=operator)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--port", type=int, default=8769)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    _environment(options.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from solidale.demo.city import demo_password
    from solidale.demo.server import Supervisor, static_files_fresh

    office_id, day, token = busiest_day_ensure()
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "appointments-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/appointments-server.log")
            cookie = f"sessionid={login(supervisor.url, DESK_OPERATOR, demo_password())}"
            paths = {
                "hello": "/hello",
                "day view": f"/appointments/offices/{office_id}/day/?day={day.isoformat()}",
                "iCal feed": f"/appointments/ical/{token}.ics",
            }

            def getter(path: str) -> Callable[[], bool]:
                def send() -> bool:
                    request = urllib.request.Request(  # noqa: S310 (loopback)
                        supervisor.url + path, headers={"Cookie": cookie}
                    )
                    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                        response.read()
                        return bool(response.status == 200)

                return send

            for path in paths.values():
                closed_loop(getter(path), clients=1, seconds=1, target="warm-up", path="")
            results = [
                closed_loop(
                    getter(path),
                    clients=options.clients,
                    seconds=options.duration,
                    target=target,
                    path=path.split("?")[0].replace(token, "<token>"),
                )
                for target, path in paths.items()
            ]
    print(
        f"Appointments, {options.clients} clients, {options.duration:.0f} s per target, "
        f"granian 2 workers (day view of {day:%d/%m/%Y}):"
    )
    for line in load_table(results, results[0]):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
