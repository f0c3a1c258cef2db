"""Who may reach the cartella sociale pages and API, and the person/household timelines.

The Comune's social workers and coordinators see the Comune's cases; desk operators,
partners outside the team, the viewer and citizens are refused. Reserved notes are
checked apart: the coordinator sees the case but is outside its team, and is the
responsible of ANOTHER case, so the reserved note's text must never reach them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from solidale.accounts.models import Role
from solidale.accounts.services import membership_add, user_create
from solidale.cases import services as cases
from solidale.cases.models import Case, InterventionType
from solidale.people import services as people

from .access_matrix_registry import (
    CODICE_FISCALE,
    PERSON_SECRETS,
    PHONE,
    STAFF,
    Builder,
    Endpoint,
    Target,
    build_household,
    build_person,
    comune_person,
    scoped,
)

if TYPE_CHECKING:
    from conftest import Personas

#: The Comune's roles that work on cases.
CASE_STAFF = frozenset({"social_worker", "coordinator"})
RESERVED_TEXT = "Confidenza riservata sul maltrattamento"


def _open(personas: Personas) -> Case:
    return cases.case_open(
        actor=personas.social_worker,
        person=comune_person(personas),
        area="adults",
        responsible=personas.social_worker,
        opening_reason="Sfratto esecutivo",
        opened_at=timezone.now() - timedelta(days=10),
    )


def _target(case: Case, **extra: int) -> dict[str, int]:
    return {"pk": case.pk, "case_id": case.pk, "person_pk": case.person_id, **extra}


def build_case(personas: Personas) -> Target:
    case = _open(personas)
    return Target(
        kwargs=_target(case),
        payload={"kind": "phone", "text": "Intrusione", "outcome": "other", "reason": "x"},
        secrets=PERSON_SECRETS,
    )


def build_person_to_take_in_charge(personas: Personas) -> Target:
    target = build_person(personas)
    return Target(
        kwargs={"person_pk": target.kwargs["pk"]},
        payload={"area": "adults", "opening_reason": "x"},
        secrets=target.secrets,
    )


def build_case_with_reserved_note(personas: Personas) -> Target:
    """A case with a reserved note; the coordinator is in the team of another case only."""
    case = _open(personas)
    cases.note_add(
        actor=personas.social_worker, case=case, kind="interview", text=RESERVED_TEXT, reserved=True
    )
    other = cases.case_open(
        actor=personas.coordinator,
        person=people.person_create(
            actor=personas.desk_operator, data={"given_name": "Altro", "family_name": "Caso"}
        ),
        area="elderly",
        responsible=personas.coordinator,
        opening_reason="Altra presa in carico",
    )
    assert other.members.filter(user=personas.coordinator).exists()
    return Target(
        kwargs=_target(case),
        payload={"kind": "phone", "text": "Intrusione"},
        secrets=(RESERVED_TEXT, CODICE_FISCALE, PHONE),
    )


def build_case_member(personas: Personas) -> Target:
    case = _open(personas)
    user = user_create(
        actor=None, email="equipe@comune.invalid", full_name="Elena Equipe", password=None
    )
    membership_add(actor=None, user=user, organization=personas.comune, role=Role.SOCIAL_WORKER)
    member = cases.case_member_add(
        actor=personas.social_worker, case=case, user=user, role="social_worker"
    )
    return Target(kwargs=_target(case, item_pk=member.pk), secrets=PERSON_SECRETS)


def build_case_intervention(personas: Personas) -> Target:
    case = _open(personas)
    intervention = cases.intervention_request(
        actor=personas.social_worker,
        case=case,
        type=InterventionType.objects.get(code="A1.05"),
        provider=personas.comune,
        start_on=timezone.localdate(),
        amount="900",
    )
    return Target(
        kwargs=_target(case, item_pk=intervention.pk, intervention_id=intervention.pk),
        payload={"decision": "approve", "approve": True, "status": "active", "amount": "10"},
        secrets=PERSON_SECRETS,
    )


def build_case_action(personas: Personas) -> Target:
    case = _open(personas)
    goal = cases.plan_goal_add(actor=personas.social_worker, case=case, title="Casa")
    action = cases.plan_action_add(
        actor=personas.social_worker,
        goal=goal,
        title="Domanda ERP",
        owner_organization=personas.comune,
    )
    return Target(
        kwargs=_target(case, item_pk=action.pk),
        payload={"status": "done", "progress": "100"},
        secrets=PERSON_SECRETS,
    )


def build_case_document(personas: Personas) -> Target:
    case = _open(personas)
    document = cases.document_upload(
        actor=personas.social_worker,
        case=case,
        title="Relazione",
        upload=SimpleUploadedFile(
            "relazione.pdf", b"%PDF-1.4\n" + PHONE.encode(), "application/pdf"
        ),
    )
    return Target(kwargs=_target(case, item_pk=document.pk), secrets=PERSON_SECRETS)


def build_case_followup(personas: Personas) -> Target:
    case = _open(personas)
    followup = cases.followup_add(
        actor=personas.social_worker,
        case=case,
        title="Richiamare",
        due_on=timezone.localdate(),
        assigned_to=personas.social_worker,
    )
    return Target(kwargs=_target(case, item_pk=followup.pk), secrets=PERSON_SECRETS)


def build_case_timeline(personas: Personas) -> Target:
    target = build_case_with_reserved_note(personas)
    return Target(kwargs={"pk": target.kwargs["person_pk"]}, secrets=target.secrets)


def build_case_api_payloads(personas: Personas) -> Target:
    """A case and the payloads its API operations accept (validated before the scope)."""
    case = _open(personas)
    intervention = cases.intervention_request(
        actor=personas.social_worker,
        case=case,
        type=InterventionType.objects.get(code="A1.05"),
        provider=personas.comune,
        start_on=timezone.localdate(),
        amount="900",
    )
    return Target(
        kwargs=_target(case, intervention_id=intervention.pk),
        payload={"approve": True},
        secrets=PERSON_SECRETS,
    )


def _with_payload(build: Builder, payload: dict[str, Any]) -> Builder:
    def builder(personas: Personas) -> Target:
        target = build(personas)
        return Target(kwargs=target.kwargs, payload=payload, secrets=target.secrets)

    return builder


def build_case_api_open(personas: Personas) -> Target:
    target = build_person(personas)
    return Target(
        payload={
            "person_id": target.kwargs["pk"],
            "area": "adults",
            "responsible_id": personas.social_worker.pk,
            "opening_reason": "Presa in carico",
        },
        secrets=target.secrets,
    )


def build_household_timeline(personas: Personas) -> Target:
    return build_household(personas)


WRITE = ("GET", "POST")
INTERVENTION_PAYLOAD = {"code": "A1.06", "provider_id": 1, "start_on": "2030-01-01", "amount": "10"}
EVERYONE_ELSE = frozenset({*STAFF, "citizen"}) - {"social_worker"}

ENDPOINTS: dict[str, Endpoint] = {
    "cases:mine": scoped(build_case, sees=frozenset({"social_worker"}), may_open=EVERYONE_ELSE),
    "cases:caseload": scoped(build_case, sees=frozenset({"coordinator"})),
    "cases:open": scoped(build_person_to_take_in_charge, sees=CASE_STAFF, methods=WRITE),
    "cases:detail": scoped(
        build_case_with_reserved_note,
        sees=frozenset({"social_worker"}),
        may_open=frozenset({"coordinator"}),
    ),
    "cases:assessment_add": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:assessment_compare": scoped(build_case, sees=CASE_STAFF),
    "cases:member_add": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:member_remove": scoped(build_case_member, sees=CASE_STAFF, methods=("POST",)),
    "cases:responsible_change": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:close": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:reopen": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:plan_edit": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:goal_add": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:action_add": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:action_progress": scoped(build_case_action, sees=CASE_STAFF, methods=WRITE),
    "cases:intervention_add": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:intervention_decide": scoped(
        build_case_intervention, sees=frozenset({"coordinator"}), methods=("POST",)
    ),
    "cases:intervention_status": scoped(
        build_case_intervention, sees=CASE_STAFF, methods=("POST",)
    ),
    "cases:provision_add": scoped(build_case_intervention, sees=CASE_STAFF, methods=WRITE),
    "cases:note_add": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:document_upload": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:document_download": scoped(build_case_document, sees=CASE_STAFF),
    "cases:followup_add": scoped(build_case, sees=CASE_STAFF, methods=WRITE),
    "cases:followup_done": scoped(build_case_followup, sees=CASE_STAFF, methods=("POST",)),
    "people:timeline": scoped(
        build_case_timeline,
        sees=frozenset({"social_worker"}),
        may_open=frozenset({"coordinator", "desk_operator"}),
    ),
    "people:household_timeline": scoped(build_household_timeline),
    # API
    "GET /api/v1/cases": scoped(
        build_case, sees=CASE_STAFF, may_open=EVERYONE_ELSE - CASE_STAFF, api=True
    ),
    "POST /api/v1/cases": scoped(build_case_api_open, sees=CASE_STAFF, methods=("POST",), api=True),
    "GET /api/v1/cases/{case_id}": scoped(build_case, sees=CASE_STAFF, api=True),
    "GET /api/v1/cases/{case_id}/plan": scoped(build_case, sees=CASE_STAFF, api=True),
    "PUT /api/v1/cases/{case_id}/plan": scoped(
        _with_payload(build_case, {"stage": "framework", "framework": "Quadro"}),
        sees=CASE_STAFF,
        methods=("PUT",),
        api=True,
    ),
    "GET /api/v1/cases/{case_id}/interventions": scoped(build_case, sees=CASE_STAFF, api=True),
    "POST /api/v1/cases/{case_id}/interventions": scoped(
        _with_payload(build_case, INTERVENTION_PAYLOAD),
        sees=CASE_STAFF,
        methods=("POST",),
        api=True,
    ),
    "POST /api/v1/cases/{case_id}/interventions/{intervention_id}/approve": scoped(
        build_case_api_payloads, sees=frozenset({"coordinator"}), methods=("POST",), api=True
    ),
    "GET /api/v1/cases/{case_id}/notes": scoped(
        build_case_with_reserved_note,
        sees=frozenset({"social_worker"}),
        may_open=frozenset({"coordinator"}),
        api=True,
    ),
    "POST /api/v1/cases/{case_id}/notes": scoped(
        _with_payload(build_case, {"kind": "phone", "text": "Telefonata"}),
        sees=CASE_STAFF,
        methods=("POST",),
        api=True,
    ),
}
