"""Bench: the volunteer's phone pages and the duty check at scale, as ratios to ``/hello``.

    .venv/bin/python bench/volunteers_bench.py            # 20,000 shifts, 100,000 sign-ups
    .venv/bin/python bench/volunteers_bench.py --shifts 5000 --signups 20000 --duration 5

The real production server (granian, the same command as ``solidale serve``) runs on a
loopback port over a throwaway SQLite database kept per size in
``var/bench/volunteers-<shifts>-<signups>.sqlite3`` (the demo city with 30 demo persons and
its volunteers, then 400 more volunteers per demo organization and the shifts and sign-ups
bulk-inserted over two years, a fifth of them at Il Ponte). Il Ponte's demo volunteer
requests ``/hello``, "Il mio turno" (``/volunteers/``), the open shifts
(``/volunteers/shifts/?open=1``) and the API of their shifts, each in a closed loop from
``--clients`` threads. Then, in process, ``on_duty`` — the check every other app runs
before showing a volunteer anything personal — is timed for a volunteer on duty and for
one who is not. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.load import closed_loop, login, page_getter  # noqa: E402
from bench.stats import load_table, percentile  # noqa: E402

VOLUNTEER = "volontario@ilponte.demo"
CHUNK = 5000
EXTRA_VOLUNTEERS = 400


def _environment(database_url: str, label: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / f'volunteers-{label}.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def volunteers_ensure(*, shifts: int, signups: int, seed: int) -> None:
    """The demo city, then the bulk volunteers, shifts and sign-ups, unless already there."""
    from django.core.management import call_command
    from django.utils import timezone

    from solidale.accounts.models import User
    from solidale.core.audit import Action, audit_record
    from solidale.demo.seeding import seed as demo_seed
    from solidale.volunteers.models import Shift, Signup, Volunteer
    from solidale.volunteers.selectors import SERVICE_ACTIVITY

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email=VOLUNTEER).exists():
        demo_seed(demo_persons=30, progress=False)
    if Signup.objects.count() >= signups:
        return
    rng = random.Random(seed)
    ponte = Volunteer.objects.get(user__email=VOLUNTEER).organization_id
    organizations = sorted(set(Volunteer.objects.values_list("organization_id", flat=True)))
    today = timezone.localdate()
    Volunteer.objects.bulk_create(
        Volunteer(
            organization_id=organization,
            full_name=f"Volontario di prova {organization}-{n}",
            skills=["haccp"],
            insurance_until=today + timedelta(days=365),
            consent_at=timezone.now(),
        )
        for organization in organizations
        for n in range(EXTRA_VOLUNTEERS)
    )
    now = timezone.now()
    rows = []
    for n in range(shifts - Shift.objects.count()):
        organization = ponte if rng.random() < 0.2 else rng.choice(organizations)
        starts_at = now + timedelta(hours=rng.randint(-24 * 700, 24 * 30))
        rows.append(
            Shift(
                organization_id=organization,
                activity=SERVICE_ACTIVITY,
                title=f"Turno di prova {n}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                capacity=6,
            )
        )
    Shift.objects.bulk_create(rows, batch_size=CHUNK)
    by_org: dict[int, list[int]] = {}
    for pk, organization in Volunteer.objects.values_list("pk", "organization_id"):
        by_org.setdefault(organization, []).append(pk)
    taken: set[tuple[int, int]] = set(Signup.objects.values_list("shift_id", "volunteer_id"))
    counts: dict[int, int] = {}
    pending: list[Signup] = []
    shift_rows = list(
        Shift.objects.filter(title__startswith="Turno di prova").values_list(
            "pk", "organization_id", "starts_at"
        )
    )
    while len(taken) < signups:
        shift_id, organization, starts_at = rng.choice(shift_rows)
        volunteer_id = rng.choice(by_org[organization])
        if (shift_id, volunteer_id) in taken or counts.get(shift_id, 0) >= 6:
            continue
        taken.add((shift_id, volunteer_id))
        counts[shift_id] = counts.get(shift_id, 0) + 1
        past = starts_at < now
        pending.append(
            Signup(
                shift_id=shift_id,
                volunteer_id=volunteer_id,
                hours=3 if past else None,
                hours_status="confirmed" if past else "",
            )
        )
        if len(pending) == CHUNK:
            Signup.objects.bulk_create(pending)
            pending = []
    Signup.objects.bulk_create(pending)
    for shift_id, count in counts.items():
        Shift.objects.filter(pk=shift_id).update(signed_count=count)
    audit_record(
        actor=None,
        action=Action.BULK_CREATE,
        object_type="volunteers.signup",
        changes={"count": Signup.objects.count(), "purpose": "bench"},
    )


def duty_timing(samples: int) -> list[str]:
    """``on_duty`` in process: a volunteer on duty now and one who is not, in milliseconds."""
    from django.utils import timezone

    from solidale.accounts.models import User
    from solidale.core.duty import activities, on_duty
    from solidale.volunteers.models import Signup

    lines = []
    signup = (
        Signup.objects.filter(
            status="active",
            volunteer__user__isnull=False,
            shift__starts_at__lte=timezone.now(),
            shift__ends_at__gte=timezone.now(),
        )
        .select_related("shift", "volunteer__user")
        .first()
    )
    cases = [("volontario di Il Ponte (non in turno)", User.objects.get(email=VOLUNTEER), "")]
    if signup is not None and signup.volunteer.user is not None:
        cases.insert(0, ("volontario in turno ora", signup.volunteer.user, signup.shift.activity))
    keys = [activity.key for activity in activities()]
    for label, user, activity in cases:
        user = User.objects.get(pk=user.pk)
        activity = activity or keys[0]
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            on_duty(user, activity)
            timings.append((time.perf_counter() - started) * 1000)
        lines.append(
            f"on_duty — {label}: p50 {percentile(timings, 50):.2f} ms, "
            f"p95 {percentile(timings, 95):.2f} ms ({samples} calls)"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shifts", type=int, default=20_000)
    parser.add_argument("--signups", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8776)
    parser.add_argument("--random-seed", type=int, default=2026)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    label = f"{options.shifts}-{options.signups}"
    _environment(options.database_url, label)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from solidale.demo.city import demo_password
    from solidale.demo.server import Supervisor, static_files_fresh
    from solidale.volunteers.models import Shift, Signup

    print(f"Preparing the shifts ({label})…", flush=True)
    volunteers_ensure(shifts=options.shifts, signups=options.signups, seed=options.random_seed)
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    with (ROOT / "var" / "bench" / "volunteers-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/volunteers-server.log")
            volunteer = login(supervisor.url, VOLUNTEER, demo_password())
            targets = {
                "hello": f"{supervisor.url}/hello",
                "my_shift": f"{supervisor.url}/volunteers/",
                "open_shifts": f"{supervisor.url}/volunteers/shifts/?open=1",
                "api_my_shifts": f"{supervisor.url}/api/v1/volunteers/me/shifts",
            }
            for url in targets.values():
                closed_loop(
                    page_getter(url, volunteer), clients=1, seconds=1, target="warm-up", path=url
                )
            results = [
                closed_loop(
                    page_getter(url, volunteer),
                    clients=options.clients,
                    seconds=options.duration,
                    target=name,
                    path=url,
                )
                for name, url in targets.items()
            ]
    print(
        f"Volunteers: {Shift.objects.count()} shifts, {Signup.objects.count()} sign-ups; "
        f"{options.clients} clients, {options.duration:.0f} s per target, granian 2 workers:"
    )
    for line in load_table(results, results[0]):
        print(line)
    for line in duty_timing(options.samples):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
