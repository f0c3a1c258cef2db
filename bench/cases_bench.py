"""Bench: the person timeline page with 500 events, as a ratio to ``/hello``.

    .venv/bin/python bench/cases_bench.py                 # 500 events, 4 clients, 10 s per target
    .venv/bin/python bench/cases_bench.py --events 200 --duration 5 --clients 2

The real production server (granian, the same command as ``solidale serve``) runs on a
loopback port over a throwaway SQLite database kept in ``var/bench/cases-timeline.sqlite3``
(the demo city, 30 demo persons, and one person with a case holding ``--events`` timeline
entries: case events, interventions and diary notes, built through the cases services).
A logged-in social worker (the case's responsible) requests ``/hello`` then the person's
timeline in a closed loop from ``--clients`` threads; the report gives requests/s, p50 and
p95 and their ratios to ``/hello`` (``bench.stats``). Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.load import closed_loop, login, page_getter  # noqa: E402
from bench.stats import load_table  # noqa: E402

SOCIAL_WORKER = "assistente.sociale@comune-massa.demo"
FAMILY_NAME = "Cronologia"


def _environment(database_url: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / 'cases-timeline.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def timeline_person_ensure(events: int) -> int:
    """The demo city and one person whose timeline holds at least ``events`` entries."""
    from django.core.management import call_command
    from django.utils import timezone

    from solidale.accounts.models import User
    from solidale.cases import services
    from solidale.cases.models import Case, InterventionType
    from solidale.demo.seeding import seed
    from solidale.people.models import Person
    from solidale.people.services import person_create

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email=SOCIAL_WORKER).exists():
        seed(demo_persons=30, progress=False)
    worker = User.objects.get(email=SOCIAL_WORKER)
    person = Person.objects.filter(family_name=FAMILY_NAME).first()
    if person is None:
        person = person_create(
            actor=worker, data={"family_name": FAMILY_NAME, "given_name": "Bench"}
        )
    case = Case.objects.filter(person=person).first() or services.case_open(
        actor=worker,
        person=person,
        area="adults",
        responsible=worker,
        opening_reason="Bench della storia della persona",
        opened_at=timezone.now() - timedelta(days=800),
    )
    code = InterventionType.objects.get(code="A1.06")
    present = case.events.count() + case.interventions.count() + case.notes.count()
    for n in range(present, events):
        if n % 5 == 0:
            services.intervention_request(
                actor=worker,
                case=case,
                type=code,
                provider=worker.organization,
                start_on=timezone.localdate(),
                amount="50",
            )
        else:
            services.note_add(
                actor=worker,
                case=case,
                kind="phone",
                text=f"Telefonata di verifica n. {n}",
                at=case.opened_at + timedelta(days=n % 700, minutes=n),
            )
    return person.pk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    _environment(options.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from solidale.accounts.models import User
    from solidale.core.timeline import timeline_for
    from solidale.demo.city import demo_password
    from solidale.demo.server import Supervisor, static_files_fresh

    person_id = timeline_person_ensure(options.events)
    worker = User.objects.get(email=SOCIAL_WORKER)
    shown = len(timeline_for(worker, [person_id], limit=10_000))
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "cases-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/cases-server.log")
            session = login(supervisor.url, SOCIAL_WORKER, demo_password())
            targets = {
                "hello": f"{supervisor.url}/hello",
                "timeline": f"{supervisor.url}/people/{person_id}/timeline/",
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
    print(
        f"Person timeline with {shown} entries (the page shows at most 500), "
        f"{options.clients} clients, {options.duration:.0f} s per target, granian 2 workers:"
    )
    for line in load_table(results, results[0]):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
