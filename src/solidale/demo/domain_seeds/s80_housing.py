"""Demo housing emergency: housing cases with eviction timelines (one with a bailiff access
in less than 30 days and no housing plan), an ERP call with about sixty applications and a
published provisional ranking, an open supplementary call, temporary units with
placements, and rent / arrears grants. Built through ``housing.services``.

One more Comune household, renamed «Nucleo Ceragioli», is left without a case: the browser
journey starts from it."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.housing import services
from solidale.housing.models import Call, EventKind, RuleSet
from solidale.people import services as people
from solidale.people.models import Household, HouseholdMember, LinkReason

if TYPE_CHECKING:
    from solidale.demo.city import City

APPLICATIONS = 60
JOURNEY_HOUSEHOLD = "Nucleo Ceragioli"
DECLARABLE = ("a-3", "a-4", "a-4.1", "a-5", "b-1", "b-2", "b-3", "b-5", "b-6")
DOCUMENTS = {
    "a-3": "Certificato di matrimonio",
    "a-4": "Verbale commissione medica (75%)",
    "a-4.1": "Verbale commissione medica (100%)",
    "a-5": "Stato di famiglia",
    "b-1": "Relazione del servizio sociale",
    "b-2": "Certificato ASL",
    "b-3": "Planimetria catastale",
    "b-5": "Convalida di sfratto del Tribunale di Massa",
    "b-6": "Contratto registrato e ricevute",
}


def _user(city: City, key: str, role: str) -> Any:
    return next((u for u, k, r in city.users if k == key and r == role), None)


def _households(city: City) -> list[tuple[Household, int, int, int]]:
    """Comune households: (household, size, minors, over 65), in a stable order."""
    heads = (
        HouseholdMember.objects.filter(
            end_date__isnull=True,
            relationship=HouseholdMember.Relationship.HEAD,
            person__links__organization=city.comune,
            person__links__reason=LinkReason.REGISTERED,
            person__links__ended_at__isnull=True,
        )
        .select_related("household")
        .order_by("household_id")
        .distinct()
    )
    today = timezone.localdate()
    rows = []
    for head in heads[: APPLICATIONS + 20]:
        births = list(
            HouseholdMember.objects.filter(
                household_id=head.household_id, end_date__isnull=True
            ).values_list("person__birth_date", flat=True)
        )
        ages = [(today - born).days // 365 for born in births if born]
        rows.append(
            (
                head.household,
                len(births),
                sum(1 for age in ages if age < 18),
                sum(1 for age in ages if age > 65),
            )
        )
    return rows


def _head(household: Household) -> Any:
    return (
        HouseholdMember.objects.filter(household=household, end_date__isnull=True)
        .order_by("start_date", "pk")
        .first()
        .person  # type: ignore[union-attr]
    )


def _journey_household(worker: Any, household: Household) -> None:
    """Name the household the browser journey starts from (it gets no case, application or grant)."""
    people.household_update(actor=worker, household=household, data={"name": JOURNEY_HOUSEHOLD})


def _cases(worker: Any, agency: Any, households: list[Any]) -> None:
    today = timezone.localdate()
    plans = (
        # situation, risk, access in days (None: no eviction), plan agreed, referred
        ("eviction_arrears", "imminent", 18, False, True),
        ("eviction_lease", "high", 45, True, True),
        ("eviction_arrears", "high", 75, False, False),
        ("homeless", "high", None, False, True),
        ("overcrowding", "medium", None, True, False),
    )
    for (household, size, _minors, _old), (situation, risk, access, plan, refer) in zip(
        households, plans, strict=False
    ):
        case = services.housing_case_open(
            actor=worker,
            household=household,
            person=_head(household),
            data={
                "situation": situation,
                "risk": risk,
                "landlord": "Immobiliare Apuana s.r.l." if access else "",
                "lease_kind": "free" if access else "",
                "lease_registered": bool(access),
                "monthly_rent": Decimal(520 + 40 * size) if access else None,
                "arrears": Decimal(3600) if situation == "eviction_arrears" else None,
                "annual_income": Decimal(9800 + 900 * size),
                "isee": Decimal(5200 + 700 * size),
            },
        )
        if access is not None:
            for kind, days in (
                (EventKind.NOTICE, -240),
                (EventKind.VALIDATION, -160),
                (EventKind.WRIT, -90),
                (EventKind.RELEASE_NOTICE, -40),
            ):
                services.procedure_event_add(
                    actor=worker, case=case, kind=kind, on=today + timedelta(days=days)
                )
            services.procedure_event_add(
                actor=worker,
                case=case,
                kind=EventKind.ACCESS,
                on=today - timedelta(days=20),
                outcome="postponed",
                note="Rinvio concesso per la presenza di minori",
            )
            services.procedure_event_add(
                actor=worker, case=case, kind=EventKind.ACCESS, on=today + timedelta(days=access)
            )
        if plan:
            services.housing_plan_set(
                actor=worker,
                case=case,
                plan="Domanda ERP e, nell'attesa, utilizzo autorizzato di un alloggio di emergenza.",
                agreed_on=today - timedelta(days=7),
            )
        if refer:
            services.housing_case_refer(actor=worker, case=case, agency=agency)
            services.case_note_add(
                actor=worker,
                case=case,
                kind="task",
                text="Verificare la disponibilità di un alloggio in utilizzo autorizzato.",
                due_on=today + timedelta(days=10),
            )


def _calls(
    coordinator: Any, worker: Any, agency: Any, households: list[Any], rng: random.Random
) -> None:
    today = timezone.localdate()
    ruleset = RuleSet.objects.get(code="erp-lrt-2-2019", version=2)
    call = services.call_create(
        actor=coordinator,
        data={
            "title": "Bando ERP 2026 — Comune di Massa",
            "opens_on": today - timedelta(days=120),
            "closes_on": today - timedelta(days=30),
            "ruleset": ruleset,
            "agency": agency,
            "appeal_days": 30,
        },
    )
    for household, size, minors, old in households[:APPLICATIONS]:
        codes = rng.sample(DECLARABLE, rng.randint(0, 3))
        if "a-4" in codes and "a-4.1" in codes:
            codes.remove("a-4")
        poor = rng.random() < 0.9
        services.application_submit(
            actor=worker,
            call=call,
            household=household,
            applicant=_head(household),
            submitted_on=call.opens_on + timedelta(days=rng.randint(0, 89)),
            facts={
                "household_size": max(size, 1),
                "minors": minors,
                "over_65": old,
                "isee": Decimal(rng.randint(1500, 16000 if poor else 24000)),
                "real_estate_assets": Decimal(rng.choice((0, 0, 0, 12000))),
                "movable_assets": Decimal(rng.randint(0, 9000)),
                "owns_suitable_dwelling": False,
                "serious_conviction": False,
                "residence_years": rng.choice((2, 6, 8, 9, 12, 14, 25, 30)),
                "waiting_list_years": rng.choice((0, 0, 2, 4)),
            },
            conditions=[(code, DOCUMENTS[code]) for code in codes],
        )
    ranking = services.ranking_compute(actor=coordinator, call=call, kind="provisional").ranking
    services.ranking_publish(
        actor=coordinator, ranking=ranking, published_on=today - timedelta(days=5)
    )
    services.call_create(
        actor=coordinator,
        data={
            "title": "Bando ERP integrativo 2026",
            "opens_on": today - timedelta(days=10),
            "closes_on": today + timedelta(days=50),
            "ruleset": ruleset,
            "agency": agency,
            "appeal_days": 30,
        },
    )


def _placements(worker: Any, households: list[Any]) -> None:
    today = timezone.localdate()
    units = [
        services.unit_create(actor=worker, name=name, kind=kind, address=address, capacity=capacity)
        for name, kind, address, capacity in (
            ("Alloggio di emergenza via Godola", "flat", "Via Godola 8, Massa", 8),
            ("Alloggio di emergenza Ronchi", "flat", "Via Pisa 41, Ronchi", 6),
            ("Utilizzo autorizzato ERP Quercioli", "authorized", "Via Bassa Tambura 3", 8),
            ("Stanza Casa Il Mantello", "room", "Via Cavour 5, Massa", 3),
        )
    ]
    small = [household for household, size, _minors, _old in households if size <= 3]
    rows = [
        (units[0], households[0][0], -50, 10, None),
        (units[2], households[3][0], -200, 165, None),
        (units[3], small[-1], -120, -30, -40),
    ]
    for unit, household, start, end, closed in rows:
        placement = services.placement_create(
            actor=worker,
            unit=unit,
            household=household,
            starts_on=today + timedelta(days=start),
            ends_on=today + timedelta(days=end),
            cause="eviction",
        )
        if closed is not None:
            services.placement_close(
                actor=worker,
                placement=placement,
                closed_on=today + timedelta(days=closed),
                note="Rientro presso familiari",
            )


def _grants(coordinator: Any, worker: Any, households: list[Any], rng: random.Random) -> None:
    today = timezone.localdate()
    for index, (household, _size, minors, old) in enumerate(households[10:22]):
        arrears = index % 3 == 0
        income = Decimal(rng.randint(8000, 26000))
        grant = services.grant_submit(
            actor=worker,
            kind="arrears" if arrears else "rent",
            household=household,
            applicant=_head(household),
            year=today.year,
            data={
                "isee": Decimal(rng.randint(3000, 20000)),
                "annual_income": income,
                "annual_rent": Decimal(rng.randint(4200, 8400)),
                "arrears": Decimal(rng.randint(2500, 14000)) if arrears else Decimal(0),
                "arrears_cause": rng.choice(("dismissal", "reduced_hours", "illness", ""))
                if arrears
                else "",
                "lease_registered": True,
                "eviction_for_arrears": arrears,
                "member_over_70": old > 0,
                "member_minor": minors > 0,
                "iban": f"IT60X05428111010000{index:08d}",
                "deadline": today + timedelta(days=5 + 4 * index),
            },
        )
        if grant.status == "eligible" and index % 2 == 0:
            services.grant_approve(actor=coordinator, grant=grant)


def seed_demo(*, city: City, rng: random.Random) -> None:
    worker = _user(city, "comune", Role.SOCIAL_WORKER)
    coordinator = _user(city, "comune", Role.COORDINATOR)
    agency = city.organizations.get("erp")
    if worker is None or coordinator is None or agency is None:
        return
    services.rulesets_load_bundled(actor=coordinator)
    if Call.objects.exists():
        return
    households = _households(city)
    if len(households) < 8:
        return
    _journey_household(worker, households.pop()[0])
    _cases(worker, agency, households[:5])
    _calls(coordinator, worker, agency, households, rng)
    _placements(worker, households)
    _grants(coordinator, worker, households, rng)
