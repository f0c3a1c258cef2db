"""Housing objects built through the services with the test personas."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from conftest import Personas
from solidale.people import services as people
from solidale.people.models import Household, Person

from .. import services
from ..models import Application, Call, EventKind, HousingCase, RuleSet, TemporaryUnit

FAMILY_NAME = "Tombolini"


def comune_household(
    personas: Personas, *, name: str = FAMILY_NAME, size: int = 3
) -> tuple[Household, Person]:
    """A household registered by the Comune: a head and ``size - 1`` more members."""
    head = people.person_create(
        actor=personas.desk_operator,
        data={"given_name": "Marisa", "family_name": name, "is_identified": True},
    )
    household = people.household_create(
        actor=personas.social_worker, data={"name": f"Nucleo {name}", "address": "Via Bassa 3"}
    )
    people.household_member_add(
        actor=personas.social_worker,
        household=household,
        person=head,
        relationship="head",
        start_date=date(2020, 1, 1),
    )
    for index in range(size - 1):
        member = people.person_create(
            actor=personas.desk_operator,
            data={"given_name": f"Figlio{index}", "family_name": name, "is_identified": True},
        )
        people.household_member_add(
            actor=personas.social_worker,
            household=household,
            person=member,
            relationship="child",
            start_date=date(2020, 1, 1),
        )
    return household, head


def housing_case(
    personas: Personas, *, access_in_days: int | None = 20, **data: Any
) -> HousingCase:
    household, head = comune_household(personas, name=data.pop("name", FAMILY_NAME))
    case = services.housing_case_open(
        actor=personas.social_worker,
        household=household,
        person=head,
        data={
            "situation": "eviction_arrears",
            "risk": "high",
            "landlord": "Immobiliare Apuana",
            "isee": Decimal("7200"),
            **data,
        },
    )
    today = timezone.localdate()
    services.procedure_event_add(
        actor=personas.social_worker,
        case=case,
        kind=EventKind.NOTICE,
        on=today - timedelta(days=200),
    )
    services.procedure_event_add(
        actor=personas.social_worker,
        case=case,
        kind=EventKind.VALIDATION,
        on=today - timedelta(days=120),
    )
    if access_in_days is not None:
        services.procedure_event_add(
            actor=personas.social_worker,
            case=case,
            kind=EventKind.ACCESS,
            on=today + timedelta(days=access_in_days),
        )
    return case


def erp_rules(version: int = 2) -> RuleSet:
    services.rulesets_load_bundled()
    return RuleSet.objects.get(code="erp-lrt-2-2019", version=version)


def grant_rules() -> RuleSet:
    services.rulesets_load_bundled()
    return RuleSet.objects.get(code="contributi-massa")


def open_call(personas: Personas, *, days_open: int = 60, **data: Any) -> Call:
    today = timezone.localdate()
    return services.call_create(
        actor=personas.coordinator,
        data={
            "title": "Bando ERP 2026",
            "opens_on": today - timedelta(days=days_open // 2),
            "closes_on": today + timedelta(days=days_open // 2),
            "ruleset": erp_rules(),
            "agency": personas.housing_agency,
            "appeal_days": 30,
            **data,
        },
    )


FACTS = {
    "household_size": 3,
    "minors": 1,
    "over_65": 0,
    "isee": Decimal("5000"),
    "real_estate_assets": Decimal("0"),
    "movable_assets": Decimal("1200"),
    "owns_suitable_dwelling": False,
    "serious_conviction": False,
    "residence_years": 12,
    "waiting_list_years": 0,
}


def application(
    personas: Personas,
    call: Call,
    *,
    name: str = FAMILY_NAME,
    conditions: tuple[tuple[str, str], ...] = (("b-5", "Convalida sfratto n. 12/2026"),),
    **facts: Any,
) -> Application:
    household, head = comune_household(personas, name=name, size=facts.get("household_size", 3))
    return services.application_submit(
        actor=personas.social_worker,
        call=call,
        household=household,
        applicant=head,
        facts={**FACTS, **facts},
        conditions=conditions,
    )


def unit(personas: Personas, name: str = "Alloggio di via Godola") -> TemporaryUnit:
    return services.unit_create(actor=personas.social_worker, name=name, kind="flat", capacity=5)
