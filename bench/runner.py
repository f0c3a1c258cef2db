"""``solidale bench``: both parts of the benchmark in one run, each on its own throwaway database.

The parent process never touches the configured database. For each part it starts a child
(``solidale bench --phase load|dedup``) with ``DATABASE_URL`` pointing at a database
kept for that registry size — ``var/bench/registry-<N>.sqlite3``, or ``<name>_bench_<N>``
on the PostgreSQL server of ``DATABASE_URL`` — which is loaded once and reused by later
runs. Each child writes its figures as JSON; the parent prints the report and keeps it
under ``var/bench/``.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .stats import LoadResult, load_table

Write = Callable[[str], None]


@dataclass(frozen=True)
class BenchOptions:
    persons: int
    dedup_persons: int
    duration: int
    users: int
    samples: int
    queries: int
    port: int
    random_seed: int
    database_url: str
    skip_load: bool
    skip_dedup: bool
    phase: str = ""
    result_file: str = ""


def bench_dir() -> Path:
    from django.conf import settings

    path = Path(settings.VAR_DIR) / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- the parent ---------------------------------------------------------------------------
def database_url_for(size: int, explicit: str) -> str:
    """The throwaway database for a registry of ``size`` persons (created if missing)."""
    if explicit:
        return explicit
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(configured)
        name = f"{parts.path.lstrip('/') or 'solidale'}_bench_{size}"
        _postgres_database_ensure(urllib.parse.urlunsplit(parts._replace(path="/postgres")), name)
        return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    return f"sqlite:///{bench_dir() / f'registry-{size}.sqlite3'}"


def _postgres_database_ensure(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _child_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "solidale.settings",
        "SOLIDALE_STATIC_ROOT": str(bench_dir() / "static"),
        # The search page's per-user rate limit would answer 429 to a load generator.
        "SOLIDALE_RATE_LIMIT_SEARCH": "1000000000/60",
        "SOLIDALE_REQUIRE_2FA": "0",
    }


def _run_phase(
    phase: str, options: BenchOptions, database_url: str, write: Write
) -> dict[str, Any]:
    result_file = bench_dir() / f"{phase}-result.json"
    result_file.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "solidale.cli", "bench", "--phase", phase,
        "--persons", str(options.persons), "--dedup-persons", str(options.dedup_persons),
        "--duration", str(options.duration), "--users", str(options.users),
        "--samples", str(options.samples), "--queries", str(options.queries),
        "--port", str(options.port), "--random-seed", str(options.random_seed),
        "--result-file", str(result_file),
    ]  # fmt: skip
    completed = subprocess.run(command, env=_child_env(database_url), check=False)
    if completed.returncode != 0 or not result_file.exists():
        raise RuntimeError(f"the {phase} phase failed (exit code {completed.returncode})")
    data: dict[str, Any] = json.loads(result_file.read_text())
    return data


def _describe(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return f"SQLite /{parts.path.lstrip('/')}"
    return f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def run(options: BenchOptions, write: Write) -> int:
    started = time.perf_counter()
    report: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    lines: list[str] = []
    if not options.skip_load:
        url = database_url_for(options.persons, options.database_url)
        write(f"== Load: {options.persons:,} persons, {_describe(url)} ==")
        load = _run_phase("load", options, url, write)
        report["load"] = load
        results = [LoadResult(**r) for r in load["results"]]
        lines += [
            "",
            f"Load — {load['persons']:,} persons, {load['database']}, granian {load['workers']} workers, "
            f"locust {options.users} users, {options.duration} s per target (same server and database)",
            *load_table(results, results[0]),
            "req/s:hello = requests/s divided by /hello's; p50:hello, p95:hello = latency divided by /hello's.",
        ]
    if not options.skip_dedup:
        url = database_url_for(options.dedup_persons, options.database_url)
        write(f"== Duplicate check: {options.dedup_persons:,} persons, {_describe(url)} ==")
        dedup = _run_phase("dedup", options, url, write)
        report["dedup"] = dedup
        lines += ["", f"Duplicate check — {dedup['database']}", *dedup["report"]]
    elapsed = time.perf_counter() - started
    report["seconds"] = round(elapsed, 1)
    lines += [
        "",
        f"Total {elapsed:.0f} s; load average at start {report['load_average_at_start'][0]:.2f}.",
    ]
    saved = bench_dir() / f"results-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    report["report"] = lines
    saved.write_text(json.dumps(report, indent=2, default=str))
    for line in lines:
        write(line)
    write(f"(saved in {saved})")
    return 0


# --- the children -------------------------------------------------------------------------
def registry_ensure(size: int, write: Write) -> int:
    """Migrate the throwaway database and grow its registry to ``size`` persons."""
    from django.core.management import call_command

    from solidale.demo.seeding import seed
    from solidale.people.models import Person

    call_command("migrate", verbosity=0, interactive=False)
    count = Person.objects.count()
    if count < size:
        write(f"Loading {size - count:,} persons (the database is kept for later runs)…")
        result = seed(demo_persons=0, bulk_persons=size - count)
        assert result.bulk is not None
        write(
            f"Loaded {result.bulk.created:,} persons in {result.bulk.seconds:.0f} s "
            f"({result.bulk.per_second:,.0f} persons/s)."
        )
    else:
        write(f"Reusing the registry of {count:,} persons.")
    return Person.objects.count()


def _database_label() -> str:
    from django.db import connection

    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(
        connection.vendor, connection.vendor
    )


def phase_load(options: BenchOptions, write: Write) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command

    from solidale.demo.city import demo_password
    from solidale.demo.server import Supervisor, static_files_fresh

    from .load import (
        Credentials,
        api_token_for,
        locust_run,
        login,
        search_queries,
        warm_up,
        write_queries,
    )

    persons = registry_ensure(options.persons, write)
    if not static_files_fresh(Path(settings.STATIC_ROOT)):
        write(f"Collecting static files into {settings.STATIC_ROOT} (once; about a minute)…")
        call_command("collectstatic", interactive=False, verbosity=0)
    workdir = bench_dir() / "load"
    workdir.mkdir(exist_ok=True)
    rng = random.Random(options.random_seed)
    queries_file = write_queries(search_queries(options.queries, rng), workdir / "queries.json")
    email = "sportello@comune-massa.demo"
    with (workdir / "server.log").open("wb") as log:
        supervisor = Supervisor(
            host="127.0.0.1", port=options.port, workers=2, with_worker=False, log=log
        )
        with supervisor:
            if not supervisor.wait_ready():
                raise RuntimeError(f"the server did not start: see {workdir / 'server.log'}")
            credentials = Credentials(
                session=login(supervisor.url, email, demo_password()), token=api_token_for(email)
            )
            queries = json.loads(queries_file.read_text())
            warm_up(supervisor.url, credentials, queries)
            results = []
            for target in ("hello", "search", "api"):
                write(f"locust → {target} ({options.users} users, {options.duration} s)…")
                result = locust_run(
                    target=target,
                    base_url=supervisor.url,
                    users=options.users,
                    duration=options.duration,
                    credentials=credentials,
                    queries_file=queries_file,
                    workdir=workdir,
                )
                write(
                    f"  {result.requests_per_second:.1f} req/s, p50 {result.p50_ms:.2f} ms, p95 {result.p95_ms:.2f} ms"
                )
                results.append(result.as_dict())
    return {
        "persons": persons,
        "database": _database_label(),
        "workers": supervisor.workers,
        "static_root": str(settings.STATIC_ROOT),
        "results": results,
    }


def phase_dedup(options: BenchOptions, write: Write) -> dict[str, Any]:
    from .dedup import dedup_report, run_dedup

    persons = registry_ensure(options.dedup_persons, write)
    try:
        from solidale.people.selectors import person_duplicate_candidates
    except ImportError as error:
        raise RuntimeError(f"the duplicate check is not available: {error}") from error
    write(f"Timing {options.samples:,} corrupted queries…")
    result = run_dedup(
        samples=options.samples,
        rng=random.Random(options.random_seed),
        check=person_duplicate_candidates,
        persons=persons,
    )
    data = result.as_dict()
    data["database"] = (
        f"{_database_label()}, {persons:,} persons, {options.samples:,} corrupted queries"
    )
    data["report"] = dedup_report(result)
    return data


def main(options: BenchOptions, write: Write) -> int:
    if not options.phase:
        return run(options, write)
    phase = {"load": phase_load, "dedup": phase_dedup}[options.phase]
    data = phase(options, write)
    Path(options.result_file).write_text(json.dumps(data, indent=2, default=str))
    return 0
