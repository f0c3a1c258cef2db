"""Bench: intake submissions (POST of the fast-intake form) as a ratio to ``/hello``.

    .venv/bin/python bench/desk_bench.py                  # 4 clients, 10 s per target
    .venv/bin/python bench/desk_bench.py --duration 5 --clients 2

The real production server (granian, the same command as ``solidale serve``) runs on a
loopback port over a throwaway SQLite database kept in ``var/bench/desk-intake.sqlite3``
(the demo city with 30 demo persons, its desks and accesses). A logged-in desk operator
requests ``/hello``, then submits the intake form for a returning person (two needs with
their urgency, an outcome, the information given) in a closed loop from ``--clients``
threads; each submission records a real access (audited, needs, link check) and answers
with the redirect to the next intake. The report gives requests/s, p50 and p95 and their
ratios to ``/hello`` (``bench.stats``). Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.load import closed_loop, login  # noqa: E402
from bench.stats import load_table  # noqa: E402

DESK_OPERATOR = "sportello@comune-massa.demo"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _environment(database_url: str) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{bench / 'desk-intake.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def returning_person_ensure() -> int:
    """The demo city (seeded once); the id of a person the desk operator sees."""
    from django.core.management import call_command

    from solidale.accounts.models import User
    from solidale.demo.seeding import seed
    from solidale.people.models import Person

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(email=DESK_OPERATOR).exists():
        seed(demo_persons=30, progress=False)
    operator = User.objects.get(email=DESK_OPERATOR)
    return Person.objects.visible_to(operator).order_by("pk").values_list("pk", flat=True)[0]


def csrf_for(url: str, session: str) -> tuple[str, str]:
    """The CSRF cookie and the form token of the intake page, for this session."""
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        page = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    cookie = next(
        (c.split(";")[0].split("=", 1)[1] for c in cookies if c.startswith("csrftoken=")), ""
    )
    match = _CSRF_INPUT.search(page)
    if not cookie or match is None:
        raise RuntimeError("the intake page gave no CSRF token")
    return cookie, match.group(1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    _environment(options.database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from solidale.demo.city import demo_password
    from solidale.demo.server import Supervisor, static_files_fresh

    person_id = returning_person_ensure()
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        print("Collecting static files (once)…", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
    opener = urllib.request.build_opener(_NoRedirect)
    with (ROOT / "var" / "bench" / "desk-server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise SystemExit("the server did not start: see var/bench/desk-server.log")
            session = login(supervisor.url, DESK_OPERATOR, demo_password())
            intake_url = f"{supervisor.url}/desk/intake/"
            csrf_cookie, csrf_token = csrf_for(intake_url, session)
            cookie = f"sessionid={session}; csrftoken={csrf_cookie}"
            body = urllib.parse.urlencode(
                {
                    "csrfmiddlewaretoken": csrf_token,
                    "person": person_id,
                    "needs": ["housing", "income"],
                    "urgency_housing": "high",
                    "urgency_income": "medium",
                    "outcome": "orientation",
                    "information_given": "Spiegato il contributo affitto",
                    "channel": "desk",
                    "occurred_at": time.strftime(
                        "%Y-%m-%dT%H:%M", time.localtime(time.time() - 60)
                    ),
                    "privacy_notice_given": "on",
                },
                doseq=True,
            ).encode()

            def hello() -> bool:
                request = urllib.request.Request(  # noqa: S310 (loopback)
                    f"{supervisor.url}/hello", headers={"Cookie": cookie}
                )
                with opener.open(request, timeout=60) as response:
                    response.read()
                    return bool(response.status == 200)

            def intake() -> bool:
                request = urllib.request.Request(  # noqa: S310 (loopback)
                    intake_url,
                    data=body,
                    headers={"Cookie": cookie, "Referer": intake_url},
                )
                try:
                    opener.open(request, timeout=60).close()
                except urllib.error.HTTPError as answer:  # the 302 to the next intake
                    return answer.code == 302
                return False

            for send in (hello, intake):
                closed_loop(send, clients=1, seconds=1, target="warm-up", path="")
            results = [
                closed_loop(
                    hello,
                    clients=options.clients,
                    seconds=options.duration,
                    target="hello",
                    path="/hello",
                ),
                closed_loop(
                    intake,
                    clients=options.clients,
                    seconds=options.duration,
                    target="intake",
                    path="POST /desk/intake/",
                ),
            ]
    print(
        f"Intake submissions (one access recorded per request), {options.clients} clients, "
        f"{options.duration:.0f} s per target, granian 2 workers:"
    )
    for line in load_table(results, results[0]):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
