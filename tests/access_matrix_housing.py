"""Who may reach the housing pages and API.

The Comune's social services (coordinator, social worker, desk operator) own housing
cases, calls, units, placements and grants; the coordinator and social workers decide
(rankings, appeals, grants, new calls). The agency's housing officer sees the calls it
manages, their applications and rankings, and only the housing cases shared with it:
a case not referred answers 404 to it. It alone records dwelling offers and allocations.
Associations, volunteers, viewers and citizens never reach the area.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from solidale.housing import services
from solidale.housing.models import EventKind, HousingCase
from solidale.housing.tests.factories import (
    FAMILY_NAME,
    application,
    comune_household,
    grant_rules,
    housing_case,
    open_call,
    unit,
)

from .access_matrix_registry import Target, scoped

if TYPE_CHECKING:
    from conftest import Personas

COMUNE = frozenset({"social_worker", "desk_operator", "coordinator"})
DECIDERS = frozenset({"social_worker", "coordinator"})
OFFICER = frozenset({"housing_officer"})
SHARED = COMUNE | OFFICER
SECRETS = (FAMILY_NAME,)


def _today() -> str:
    return timezone.localdate().isoformat()


def build_case(personas: Personas) -> Target:
    case = housing_case(personas, access_in_days=10)
    return Target(
        kwargs={"pk": case.pk, "case_id": case.pk},
        payload={
            "kind": "notice",
            "on": _today(),
            "plan": "Intruso",
            "agreed_on": _today(),
            "notes": "Chiuso da un intruso",
            "agency": personas.housing_agency.pk,
            "situation": "homeless",
            "risk": "low",
        },
        secrets=SECRETS,
    )


def build_shared_case(personas: Personas) -> Target:
    target = build_case(personas)
    case = HousingCase.objects.get(pk=target.kwargs["pk"])
    services.housing_case_refer(
        actor=personas.social_worker, case=case, agency=personas.housing_agency
    )
    return Target(
        kwargs=target.kwargs, payload={"kind": "message", "text": "Intruso"}, secrets=SECRETS
    )


def build_new_case(personas: Personas) -> Target:
    household, head = comune_household(personas)
    return Target(
        payload={
            "household": household.pk,
            "person": head.pk,
            "household_id": household.pk,
            "person_id": head.pk,
            "situation": "homeless",
            "risk": "high",
        },
        secrets=SECRETS,
    )


def build_past_access(personas: Personas) -> Target:
    case = housing_case(personas, access_in_days=None)
    event = services.procedure_event_add(
        actor=personas.social_worker, case=case, kind=EventKind.ACCESS, on=timezone.localdate()
    )
    return Target(kwargs={"pk": event.pk}, payload={"outcome-outcome": "executed"}, secrets=SECRETS)


def build_task(personas: Personas) -> Target:
    target = build_shared_case(personas)
    case = HousingCase.objects.get(pk=target.kwargs["pk"])
    note = services.case_note_add(
        actor=personas.social_worker, case=case, kind="task", text="Sopralluogo riservato"
    )
    return Target(kwargs={"pk": note.pk}, secrets=(*SECRETS, "Sopralluogo riservato"))


def build_call(personas: Personas) -> Target:
    call = open_call(personas)
    submitted = application(personas, call)
    facts = {
        "household_size": 2,
        "isee": "4000",
        "residence_years": 6,
        "conditions": [{"code": "b-1", "document": "relazione"}],
    }
    return Target(
        kwargs={"pk": call.pk, "call_id": call.pk},
        payload={
            **facts,
            "household_id": submitted.household_id,
            "applicant_id": submitted.applicant_id,
            "kind": "provisional",
        },
        secrets=SECRETS,
    )


def build_rules(personas: Personas) -> Target:
    services.rulesets_load_bundled()
    from solidale.housing.models import RuleSet

    return Target(kwargs={"pk": RuleSet.objects.first().pk})  # type: ignore[union-attr]


def build_application(personas: Personas) -> Target:
    call = open_call(personas)
    submitted = application(personas, call)
    return Target(
        kwargs={"pk": submitted.pk, "application_id": submitted.pk},
        payload={"appeal-filed_on": _today(), "appeal-grounds": "Intruso"},
        secrets=SECRETS,
    )


def _published(personas: Personas):  # type: ignore[no-untyped-def]
    call = open_call(personas)
    submitted = application(personas, call)
    ranking = services.ranking_compute(
        actor=personas.coordinator, call=call, kind="provisional"
    ).ranking
    services.ranking_publish(
        actor=personas.coordinator,
        ranking=ranking,
        published_on=timezone.localdate() - timedelta(days=2),
    )
    return call, submitted, ranking


def build_ranking(personas: Personas) -> Target:
    call = open_call(personas)
    application(personas, call)
    ranking = services.ranking_compute(
        actor=personas.coordinator, call=call, kind="provisional"
    ).ranking
    return Target(
        kwargs={"pk": ranking.pk, "ranking_id": ranking.pk},
        payload={"publish-published_on": _today()},
        secrets=SECRETS,
    )


def build_appeal(personas: Personas) -> Target:
    _, submitted, _ = _published(personas)
    appeal = services.appeal_file(
        actor=personas.social_worker,
        application=submitted,
        filed_on=timezone.localdate(),
        grounds="Motivi riservati",
        conditions=[],
    )
    return Target(
        kwargs={"pk": appeal.pk},
        payload={"decision-accept": "0", "decision-note": "Intruso"},
        secrets=(*SECRETS, "Motivi riservati"),
    )


def build_offer(personas: Personas) -> Target:
    call = open_call(personas)
    application(personas, call)
    offer = services.offer_create(
        actor=personas.housing_officer,
        call=call,
        data={"code": "MS-9", "address": "Via Riservata 1", "rooms": 3, "floor_area": 60},
    )
    return Target(
        kwargs={"pk": offer.pk}, payload={"allocation-accepted": "1"}, secrets=("Via Riservata 1",)
    )


def build_allocation(personas: Personas) -> Target:
    call = open_call(personas)
    application(personas, call)
    ranking = services.ranking_compute(
        actor=personas.coordinator, call=call, kind="provisional"
    ).ranking
    services.ranking_publish(
        actor=personas.coordinator,
        ranking=ranking,
        published_on=timezone.localdate() - timedelta(days=40),
    )
    services.ranking_compute(actor=personas.coordinator, call=call, kind="final")
    offer = services.offer_create(
        actor=personas.housing_officer,
        call=call,
        data={"code": "MS-10", "address": "Via Riservata 2", "rooms": 3, "floor_area": 60},
    )
    proposal = services.offer_propose_next(actor=personas.housing_officer, offer=offer)
    return Target(
        kwargs={"pk": proposal.allocation.pk}, payload={"allocation-accepted": "1"}, secrets=SECRETS
    )


def build_new_offer(personas: Personas) -> Target:
    call = open_call(personas)
    return Target(
        payload={"call": call.pk, "code": "X1", "address": "Via", "rooms": 2, "floor_area": 50}
    )


def build_unit(personas: Personas) -> Target:
    flat = unit(personas)
    household, _ = comune_household(personas)
    return Target(
        payload={
            "unit": flat.pk,
            "household": household.pk,
            "unit_id": flat.pk,
            "household_id": household.pk,
            "cause": "eviction",
            "starts_on": _today(),
            "ends_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "name": "Intrusa",
            "kind": "flat",
            "capacity": 2,
        },
        secrets=(flat.name,),
    )


def build_placement(personas: Personas) -> Target:
    flat = unit(personas)
    household, _ = comune_household(personas)
    today = timezone.localdate()
    placement = services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=household,
        starts_on=today,
        ends_on=today + timedelta(days=20),
        cause="eviction",
    )
    return Target(
        kwargs={"pk": placement.pk},
        payload={
            "extend-ends_on": (today + timedelta(days=30)).isoformat(),
            "close-closed_on": _today(),
            "close-note": "Intruso",
        },
        secrets=(*SECRETS, flat.name),
    )


def build_grant(personas: Personas) -> Target:
    grant_rules()
    household, head = comune_household(personas)
    grant = services.grant_submit(
        actor=personas.social_worker,
        kind="rent",
        household=household,
        applicant=head,
        year=2026,
        data={
            "isee": Decimal(9000),
            "annual_income": Decimal(12000),
            "annual_rent": Decimal(6000),
            "iban": "IT60X0542811101000000123456",
        },
    )
    return Target(
        kwargs={"pk": grant.pk, "fmt": "csv"},
        payload={
            "kind": "rent",
            "household_id": household.pk,
            "applicant_id": head.pk,
            "year": 2025,
            "isee": "100",
            "annual_income": "100",
            "annual_rent": "100",
        },
        secrets=SECRETS,
    )


def build_approved_grant(personas: Personas) -> Target:
    target = build_grant(personas)
    from solidale.housing.models import Grant

    services.grant_approve(
        actor=personas.coordinator, grant=Grant.objects.get(pk=target.kwargs["pk"])
    )
    return target


API = "/api/v1/housing"
POST = ("POST",)
FORM = ("GET", "POST")

ENDPOINTS = {
    "housing:case_list": scoped(build_case, sees=COMUNE, may_open=OFFICER),
    "housing:alerts": scoped(build_case, sees=COMUNE),
    "housing:case_create": scoped(build_new_case, sees=COMUNE, methods=FORM),
    "housing:case_detail": scoped(build_case, sees=COMUNE),
    "housing:case_edit": scoped(build_case, sees=COMUNE, methods=FORM),
    "housing:event_add": scoped(build_case, sees=COMUNE, methods=POST),
    "housing:event_outcome": scoped(build_past_access, sees=COMUNE, methods=POST),
    "housing:plan_set": scoped(build_case, sees=COMUNE, methods=POST),
    "housing:case_refer": scoped(build_case, sees=COMUNE, methods=POST),
    "housing:note_add": scoped(build_shared_case, sees=SHARED, methods=POST),
    "housing:note_done": scoped(build_task, sees=SHARED, methods=POST),
    "housing:case_close": scoped(build_case, sees=COMUNE, methods=POST),
    "housing:ruleset_list": scoped(build_rules, sees=SHARED),
    "housing:ruleset_detail": scoped(build_rules, sees=SHARED),
    "housing:call_list": scoped(build_call, sees=COMUNE, may_open=OFFICER),
    "housing:call_create": scoped(build_call, sees=DECIDERS, methods=FORM),
    "housing:call_detail": scoped(build_call, sees=SHARED),
    "housing:application_create": scoped(build_call, sees=COMUNE, methods=FORM),
    "housing:ranking_compute": scoped(build_call, sees=DECIDERS, methods=POST),
    "housing:application_detail": scoped(build_application, sees=SHARED),
    "housing:appeal_create": scoped(build_application, sees=COMUNE, methods=POST),
    "housing:appeal_decide": scoped(build_appeal, sees=DECIDERS, methods=POST),
    "housing:ranking_detail": scoped(build_ranking, sees=SHARED),
    "housing:ranking_publish": scoped(build_ranking, sees=DECIDERS, methods=POST),
    "housing:ranking_export": scoped(build_ranking, sees=SHARED),
    "housing:offer_list": scoped(build_offer, sees=SHARED),
    "housing:offer_create": scoped(build_new_offer, sees=OFFICER, methods=FORM),
    "housing:offer_detail": scoped(build_offer, sees=SHARED),
    "housing:offer_propose": scoped(build_offer, sees=OFFICER, methods=POST),
    "housing:allocation_decide": scoped(build_allocation, sees=OFFICER, methods=POST),
    "housing:unit_list": scoped(build_unit, sees=COMUNE),
    "housing:unit_create": scoped(build_unit, sees=COMUNE, methods=FORM),
    "housing:occupancy": scoped(build_placement, sees=COMUNE),
    "housing:placement_create": scoped(build_unit, sees=COMUNE, methods=FORM),
    "housing:placement_detail": scoped(build_placement, sees=COMUNE),
    "housing:placement_extend": scoped(build_placement, sees=COMUNE, methods=POST),
    "housing:placement_close": scoped(build_placement, sees=COMUNE, methods=POST),
    "housing:grant_list": scoped(build_grant, sees=COMUNE),
    "housing:grant_create": scoped(build_grant, sees=COMUNE, methods=FORM),
    "housing:grant_detail": scoped(build_grant, sees=COMUNE),
    "housing:grant_approve": scoped(build_grant, sees=DECIDERS, methods=POST),
    "housing:payments_export": scoped(build_approved_grant, sees=DECIDERS),
    f"GET {API}/cases": scoped(build_case, sees=COMUNE, may_open=OFFICER, api=True),
    f"POST {API}/cases": scoped(build_new_case, sees=COMUNE, api=True),
    f"GET {API}/cases/{{case_id}}": scoped(build_case, sees=COMUNE, api=True),
    f"GET {API}/cases/{{case_id}}/events": scoped(build_case, sees=COMUNE, api=True),
    f"POST {API}/cases/{{case_id}}/events": scoped(build_case, sees=COMUNE, api=True),
    f"GET {API}/calls": scoped(build_call, sees=SHARED, api=True),
    f"GET {API}/calls/{{call_id}}": scoped(build_call, sees=SHARED, api=True),
    f"POST {API}/calls/{{call_id}}/score-preview": scoped(build_call, sees=SHARED, api=True),
    f"GET {API}/calls/{{call_id}}/applications": scoped(build_call, sees=SHARED, api=True),
    f"POST {API}/calls/{{call_id}}/applications": scoped(build_call, sees=COMUNE, api=True),
    f"POST {API}/calls/{{call_id}}/rankings": scoped(build_call, sees=DECIDERS, api=True),
    f"GET {API}/applications/{{application_id}}": scoped(build_application, sees=SHARED, api=True),
    f"GET {API}/rankings/{{ranking_id}}": scoped(build_ranking, sees=SHARED, api=True),
    f"GET {API}/units": scoped(build_unit, sees=COMUNE, api=True),
    f"GET {API}/placements": scoped(build_placement, sees=COMUNE, api=True),
    f"POST {API}/placements": scoped(build_unit, sees=COMUNE, api=True),
    f"GET {API}/grants": scoped(build_grant, sees=COMUNE, api=True),
    f"POST {API}/grants": scoped(build_grant, sees=COMUNE, api=True),
}
