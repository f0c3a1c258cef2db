"""Bench: recomputing an ERP ranking of thousands of applications, as a ratio to a trivial read.

    .venv/bin/python bench/housing_bench.py                        # 10,000 applications
    .venv/bin/python bench/housing_bench.py --applications 5000 --rounds 3

A throwaway SQLite database kept per size in ``var/bench/housing-<n>.sqlite3`` (or
``--database-url``) holds one Comune, the agency, the bundled rule tables and one ERP call
with ``--applications`` applications (households, applicants and 0-3 declared conditions
each, bulk-inserted once: a reused database starts measuring at once). Each round runs
``housing.services.ranking_compute`` — score every application again from its facts and
declared conditions, save the changed scores with their traces, order by points and the
law's tie-breaks, rewrite the ranking's entries — first after the rule table changed (every
score changes and is saved), then with nothing changed. The baseline reads the same rows
(``values_list`` of the applications and their conditions) and does nothing else. The report
gives milliseconds per run, applications per second and the ratio to the baseline.
Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

CODES = ("a-3", "a-4", "a-5", "b-1", "b-2", "b-3", "b-5", "b-6")
CHUNK = 2000


def _environment(database_url: str, applications: int) -> None:
    bench = ROOT / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": database_url
            or f"sqlite:///{bench / f'housing-{applications}.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "solidale.settings",
            "SOLIDALE_STATIC_ROOT": str(bench / "static"),
            "SOLIDALE_REQUIRE_2FA": "0",
            "SOLIDALE_MEDIA_ROOT": str(bench / "media"),
        }
    )


def call_ensure(applications: int, seed: int) -> tuple[object, object]:
    """The Comune's coordinator and a call holding ``applications`` applications."""
    from django.core.management import call_command

    from solidale.accounts.models import Organization, Role, User
    from solidale.accounts.services import membership_add, organization_create, user_create
    from solidale.housing import services
    from solidale.housing.models import Application, ApplicationCondition, Call, RuleSet
    from solidale.people.models import Household, HouseholdMember, Person

    call_command("migrate", verbosity=0, interactive=False)
    coordinator = User.objects.filter(email="bench.casa@comune.invalid").first()
    if coordinator is None:
        comune = organization_create(
            actor=None, name="Comune (bench casa)", kind=Organization.Kind.COMUNE
        )
        organization_create(actor=None, name="ERP (bench casa)", kind=Organization.Kind.ERP)
        coordinator = user_create(
            actor=None,
            email="bench.casa@comune.invalid",
            full_name="Bench Casa",
            password="Bench-casa-2026!",  # noqa: S106 (a throwaway bench account)
        )
        membership_add(actor=None, user=coordinator, organization=comune, role=Role.COORDINATOR)
    coordinator = User.objects.get(pk=coordinator.pk)
    call = Call.objects.filter(title="Bando (bench)").first()
    if call is not None and call.applications.count() >= applications:
        return coordinator, call
    services.rulesets_load_bundled()
    today = datetime.now(tz=UTC).date()
    call = services.call_create(
        actor=coordinator,
        data={
            "title": "Bando (bench)",
            "opens_on": today - timedelta(days=90),
            "closes_on": today + timedelta(days=90),
            "ruleset": RuleSet.objects.get(code="erp-lrt-2-2019", version=1),
            "agency": Organization.objects.get(name="ERP (bench casa)"),
            "appeal_days": 30,
        },
    )
    rng = random.Random(seed)
    for start in range(0, applications, CHUNK):
        size = min(CHUNK, applications - start)
        persons = Person.objects.bulk_create(
            Person(given_name="Bench", family_name=f"Nucleo{start + i}") for i in range(size)
        )
        households = Household.objects.bulk_create(
            Household(name=f"Nucleo bench {start + i}") for i in range(size)
        )
        HouseholdMember.objects.bulk_create(
            HouseholdMember(household=h, person=p, relationship="head")
            for h, p in zip(households, persons, strict=True)
        )
        rows = Application.objects.bulk_create(
            Application(
                call=call,
                protocol=f"{today.year}/{call.pk:03d}/{start + i + 1:05d}",
                household=h,
                applicant=p,
                submitted_on=today - timedelta(days=rng.randint(0, 80)),
                household_size=(n := rng.randint(1, 6)),
                minors=rng.randint(0, n - 1),
                over_65=0,
                isee=Decimal(rng.randint(0, 20000)),
                real_estate_assets=Decimal(rng.choice((0, 0, 30000))),
                movable_assets=Decimal(rng.randint(0, 9000)),
                residence_years=rng.randint(0, 30),
                waiting_list_years=rng.randint(0, 6),
            )
            for i, (h, p) in enumerate(zip(households, persons, strict=True))
        )
        ApplicationCondition.objects.bulk_create(
            ApplicationCondition(application=a, code=code, document="documento")
            for a in rows
            for code in rng.sample(CODES, rng.randint(0, 3))
        )
    return coordinator, call


def timed(action: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    _environment(options.database_url, options.applications)

    import django

    django.setup()
    from django.db import transaction

    from solidale.housing import services
    from solidale.housing.models import Application, ApplicationCondition, RuleSet

    coordinator, call = call_ensure(options.applications, options.seed)
    n = call.applications.count()  # type: ignore[attr-defined]
    versions = list(RuleSet.objects.filter(code="erp-lrt-2-2019").order_by("version"))

    def baseline() -> None:
        list(Application.objects.filter(call=call).values_list("pk", "isee", "household_size"))
        list(
            ApplicationCondition.objects.filter(application__call=call).values_list(
                "application_id", "code"
            )
        )

    def recompute() -> None:
        services.ranking_compute(actor=coordinator, call=call, kind="provisional")

    def recompute_after_a_rule_change() -> None:
        with transaction.atomic():
            current = call.ruleset_id  # type: ignore[attr-defined]
            call.ruleset = next(v for v in versions if v.pk != current)  # type: ignore[attr-defined]
            call.save(update_fields=["ruleset"])  # type: ignore[attr-defined]
        recompute()

    base = timed(baseline, options.rounds)
    changed = timed(recompute_after_a_rule_change, options.rounds)
    unchanged = timed(recompute, options.rounds)
    print(f"ERP ranking recomputation, {n:,} applications ({options.rounds} rounds, median)")
    print(f"{'run':<44}{'ms':>10}{'apps/s':>12}{'x baseline':>12}")
    for label, ms in (
        ("baseline: read applications and conditions", base),
        ("recompute after a rule change (all saved)", changed),
        ("recompute, nothing changed", unchanged),
    ):
        print(f"{label:<44}{ms:>10.0f}{n / (ms / 1000):>12,.0f}{ms / base:>12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
