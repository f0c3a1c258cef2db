"""The load part of the bench: the real server, a logged-in desk operator, locust runs.

One locust run per target (``/hello``, the person-search page, the persons API), same
users, same duration, against the same server and database; the report divides each
target's figures by ``/hello``'s.
"""

from __future__ import annotations

import csv
import http.cookiejar
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corruption import typo
from .stats import LoadResult

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
TARGETS = {"hello": "/hello", "search": "/people/?q=…", "api": "/api/v1/persons?q=…"}
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stop at the login's redirect: only its session cookie is needed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass(frozen=True)
class Credentials:
    session: str
    token: str


def login(base_url: str, email: str, password: str) -> str:
    """Log in through the real login form; return the session cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with opener.open(f"{base_url}/account/login/", timeout=30) as response:
        page = response.read().decode()
    match = _CSRF_INPUT.search(page)
    if match is None:
        raise RuntimeError("the login page has no CSRF token")
    form = urllib.parse.urlencode(
        {"username": email, "password": password, "csrfmiddlewaretoken": match.group(1)}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (the loopback server we started)
        f"{base_url}/account/login/", data=form, headers={"Referer": base_url}
    )
    try:
        opener.open(request, timeout=30).close()
    except urllib.error.HTTPError as answer:  # the 302 to the landing page: the cookie is set
        if answer.code != 302:
            raise
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if not session:
        raise RuntimeError(f"login as {email} failed (no session cookie)")
    return session


def api_token_for(email: str) -> str:
    """A fresh API token for the user's current membership, through the accounts service."""
    from solidale.accounts.models import User
    from solidale.accounts.services import api_token_create

    user = User.objects.get(email=email)
    _token, secret = api_token_create(actor=user, name="solidale bench")
    return secret


def search_queries(count: int, rng: random.Random) -> list[str]:
    """Surnames of the registry with one typo each, as an operator would type them."""
    from solidale.people.models import Person

    surnames = list(
        Person.objects.exclude(family_name="")
        .order_by()
        .values_list("family_name", flat=True)
        .distinct()[:5000]
    )
    usable = [s for s in surnames if sum(ch.isalpha() for ch in s) >= 4]
    return [urllib.parse.quote(typo(rng.choice(usable), rng).lower()) for _ in range(count)]


def warm_up(base_url: str, credentials: Credentials, queries: list[str]) -> None:
    """A few requests per target, so that the first locust run does not pay for cold caches."""
    for path, headers in (
        ("/hello", {"Cookie": f"sessionid={credentials.session}"}),
        (f"/people/?q={queries[0]}", {"Cookie": f"sessionid={credentials.session}"}),
        (f"/api/v1/persons?q={queries[0]}", {"Authorization": f"Bearer {credentials.token}"}),
    ):
        for _ in range(10):
            request = urllib.request.Request(f"{base_url}{path}", headers=headers)  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
                if response.status != 200:
                    raise RuntimeError(f"warm-up: {path} answered {response.status}")


def locust_run(
    *,
    target: str,
    base_url: str,
    users: int,
    duration: int,
    credentials: Credentials,
    queries_file: Path,
    workdir: Path,
) -> LoadResult:
    prefix = workdir / target
    samples_file = workdir / f"{target}-samples.txt"
    env = {
        **os.environ,
        "SOLIDALE_BENCH_TARGET": target,
        "SOLIDALE_BENCH_SESSION": credentials.session,
        "SOLIDALE_BENCH_TOKEN": credentials.token,
        "SOLIDALE_BENCH_QUERIES": str(queries_file),
        "SOLIDALE_BENCH_SAMPLES": str(samples_file),
    }
    command = [
        sys.executable, "-m", "locust",
        "-f", str(LOCUSTFILE),
        "--headless",
        "-u", str(users),
        "-r", str(users),
        "-t", f"{duration}s",
        "--host", base_url,
        "--csv", str(prefix),
        "--only-summary",
        "--loglevel", "ERROR",
    ]  # fmt: skip
    with (workdir / f"{target}-locust.log").open("wb") as log:
        # Locust exits 1 when some requests failed: the failures are in the report.
        subprocess.run(command, env=env, check=False, stdout=log, stderr=log)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        aggregated = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    samples = (
        [float(line) for line in samples_file.read_text().split()] if samples_file.exists() else []
    )
    if not samples:
        raise RuntimeError(f"locust recorded no successful request for {target}")
    return LoadResult.from_samples(
        target=target,
        path=TARGETS[target],
        samples_ms=samples,
        failures=int(aggregated["Failure Count"]),
        requests_per_second=float(aggregated["Requests/s"]),
    )


def write_queries(queries: list[str], path: Path) -> Path:
    path.write_text(json.dumps(queries))
    return path


def closed_loop(
    send: Callable[[], bool], *, clients: int, seconds: float, target: str, path: str
) -> LoadResult:
    """``clients`` threads calling ``send`` back to back for ``seconds``."""
    samples: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                ok = send()
            except OSError:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    samples.append(elapsed)
                else:
                    failures[0] += 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    begun = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - begun
    return LoadResult.from_samples(
        target=target,
        path=path,
        samples_ms=samples,
        failures=failures[0],
        requests_per_second=len(samples) / wall,
    )


def page_getter(url: str, session: str) -> Callable[[], bool]:
    """A ``send`` for :func:`closed_loop`: GET ``url`` with the session cookie, True on 200."""
    headers = {"Cookie": f"sessionid={session}"}

    def send() -> bool:
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback)
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
            return bool(response.status == 200)

    return send
