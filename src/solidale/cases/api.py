"""Cases API: the same services, scoping and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from solidale.accounts.models import Organization, User
from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.desk.models import Access
from solidale.people.permissions import get_household_for_user, get_person_for_user

from . import services
from .models import Case, Intervention, InterventionType, Note, PlanGoal
from .permissions import (
    can_open_case,
    cases_visible_to,
    get_case_for_user,
    get_intervention_for_user,
    notes_visible_to,
)
from .schemas import (
    CaseIn,
    CaseOut,
    CasePage,
    DecisionIn,
    InterventionIn,
    InterventionOut,
    NoteIn,
    NoteOut,
    PlanIn,
    PlanOut,
)

router = Router(tags=["cases"])


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.SOLIDALE_API_PAGE_SIZE, ge=1, le=200)
    status: str = Field("", description="open or closed; empty for both")


def case_out(case: Case, *, team: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        field: getattr(case, field)
        for field in (
            "id",
            "person_id",
            "household_id",
            "area",
            "status",
            "phase",
            "responsible_id",
            "opening_reason",
            "opened_at",
            "closed_at",
            "outcome",
            "next_review_on",
        )
    }
    if team:
        data["team"] = [
            {
                "user_id": m.user_id,
                "user": str(m.user),
                "organization": str(m.organization),
                "role": m.role,
            }
            for m in case.members.current().select_related("user", "organization")
        ]
    return data


def intervention_out(intervention: Intervention) -> dict[str, Any]:
    return {
        "id": intervention.pk,
        "code": intervention.type.code,
        "name": intervention.type.name,
        **{
            field: getattr(intervention, field)
            for field in (
                "provider_id",
                "start_on",
                "end_on",
                "quantity",
                "unit",
                "amount",
                "character",
                "status",
                "requested_by_id",
                "decided_by_id",
            )
        },
    }


def _audit_view(request: HttpRequest, case: Case) -> None:
    audit_record(actor=request.user, action=Action.VIEW, obj=case, person_id=case.person_id)


@router.get("", response=CasePage, summary="List the cases the user sees")
def case_list(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    cases = cases_visible_to(request.user).order_by("-opened_at", "-id")
    if params.status:
        cases = cases.filter(status=params.status)
    start = (params.page - 1) * params.page_size
    results = [case_out(case) for case in cases[start : start + params.page_size]]
    return {"count": cases.count(), "page": params.page, "results": results}


@router.post("", response={201: CaseOut}, summary="Take a person in charge")
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    if not can_open_case(request.user):
        raise PermissionDeniedError(_("Solo gli assistenti sociali del Comune aprono cartelle."))
    person = get_person_for_user(request.user, payload.person_id)
    responsible = User.objects.filter(pk=payload.responsible_id).first()
    if responsible is None:
        raise DomainError(_("Responsabile sconosciuto."), field="responsible_id")
    household = (
        get_household_for_user(request.user, payload.household_id) if payload.household_id else None
    )
    accesses = list(Access.objects.filter(pk__in=payload.access_ids, person=person))
    if len(accesses) != len(set(payload.access_ids)):
        raise DomainError(_("Accesso sconosciuto o di un'altra persona."), field="access_ids")
    case = services.case_open(
        actor=request.user,
        person=person,
        area=payload.area,
        responsible=responsible,
        opening_reason=payload.opening_reason,
        household=household,
        accesses=accesses,
    )
    return Status(201, case_out(case, team=True))


@router.get("/{case_id}", response=CaseOut, summary="A case with its team")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = get_case_for_user(request.user, case_id)
    _audit_view(request, case)
    return case_out(case, team=True)


def _plan_out(case: Case) -> dict[str, Any]:
    plan = getattr(case, "plan", None)
    if plan is None:
        return {
            "stage": "preliminary",
            "preliminary_analysis": "",
            "framework": "",
            "pact_signed_on": None,
            "review_on": None,
            "goals": [],
        }
    goals = PlanGoal.objects.filter(plan=plan).select_related("domain").prefetch_related("actions")
    return {
        **{name: getattr(plan, name) for name in services.PLAN_FIELDS},
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "domain": goal.domain.code if goal.domain else None,
                "target_on": goal.target_on,
                "actions": [
                    {
                        "id": action.pk,
                        "title": action.title,
                        "owner_organization_id": action.owner_organization_id,
                        "owner_user_id": action.owner_user_id,
                        "due_on": action.due_on,
                        "status": action.status,
                        "progress": action.progress,
                    }
                    for action in goal.actions.all()
                ],
            }
            for goal in goals
        ],
    }


@router.get("/{case_id}/plan", response=PlanOut, summary="The individual plan and its progress")
def plan_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case = get_case_for_user(request.user, case_id)
    _audit_view(request, case)
    return _plan_out(case)


@router.put("/{case_id}/plan", response=PlanOut, summary="Create or update the plan")
def plan_update(request: HttpRequest, case_id: int, payload: PlanIn) -> dict[str, Any]:
    case = get_case_for_user(request.user, case_id)
    services.plan_save(actor=request.user, case=case, data=payload.dict())
    case.refresh_from_db()
    return _plan_out(case)


@router.get(
    "/{case_id}/interventions", response=list[InterventionOut], summary="Interventions of a case"
)
def intervention_list(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    case = get_case_for_user(request.user, case_id)
    _audit_view(request, case)
    return [intervention_out(i) for i in case.interventions.select_related("type")]


@router.post(
    "/{case_id}/interventions",
    response={201: InterventionOut},
    summary="Request an intervention (approved at once up to the threshold)",
)
def intervention_create(request: HttpRequest, case_id: int, payload: InterventionIn) -> Status:
    case = get_case_for_user(request.user, case_id)
    type_ = InterventionType.objects.filter(code=payload.code, is_active=True).first()
    if type_ is None:
        raise DomainError(_("Codice SIUSS sconosciuto."), field="code")
    provider = Organization.objects.filter(pk=payload.provider_id, is_active=True).first()
    if provider is None:
        raise DomainError(_("Ente erogatore sconosciuto."), field="provider_id")
    intervention = services.intervention_request(
        actor=request.user,
        case=case,
        type=type_,
        provider=provider,
        start_on=payload.start_on,
        end_on=payload.end_on,
        quantity=payload.quantity,
        unit=payload.unit,
        amount=payload.amount,
        character=payload.character,
        notes=payload.notes,
    )
    return Status(201, intervention_out(intervention))


@router.post(
    "/{case_id}/interventions/{intervention_id}/approve",
    response=InterventionOut,
    summary="Approve or refuse an intervention (a coordinator other than the requester)",
)
def intervention_approve(
    request: HttpRequest, case_id: int, intervention_id: int, payload: DecisionIn
) -> dict[str, Any]:
    case = get_case_for_user(request.user, case_id)
    intervention = get_intervention_for_user(request.user, intervention_id)
    if intervention.case_id != case.pk:
        raise DomainError(_("La prestazione non è di questa cartella."))
    decided = services.intervention_decide(
        actor=request.user, intervention=intervention, approve=payload.approve, notes=payload.notes
    )
    return intervention_out(decided)


@router.get(
    "/{case_id}/notes",
    response=list[NoteOut],
    summary="Diary notes (reserved ones only for their author and the case team)",
)
def note_list(request: HttpRequest, case_id: int) -> list[Note]:
    case = get_case_for_user(request.user, case_id)
    _audit_view(request, case)
    return list(notes_visible_to(request.user).filter(case=case))


@router.post("/{case_id}/notes", response={201: NoteOut}, summary="Write a diary note")
def note_create(request: HttpRequest, case_id: int, payload: NoteIn) -> Status:
    case = get_case_for_user(request.user, case_id)
    note = services.note_add(
        actor=request.user,
        case=case,
        kind=payload.kind,
        text=payload.text,
        reserved=payload.reserved,
    )
    return Status(201, note)
