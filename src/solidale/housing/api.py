"""The housing API, mounted at ``/api/v1/housing/``: the same services and scoping as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.people.models import Household, HouseholdMember, Person

from . import services
from .models import (
    FACT_FIELDS,
    AccessOutcome,
    Application,
    EventKind,
    Grant,
    GrantKind,
    HousingCase,
    Placement,
    PlacementCause,
    ProcedureEvent,
    RankingKind,
    Risk,
    Situation,
)
from .permissions import (
    applications_visible_to,
    calls_visible_to,
    get_application_for_user,
    get_call_for_user,
    get_housing_case_for_user,
    get_ranking_for_user,
    get_unit_for_user,
    grants_visible_to,
    housing_cases_visible_to,
    is_comune_staff,
    is_housing_member,
    placements_visible_to,
    units_visible_to,
)
from .scoring import Score

router = Router(tags=["housing"])


def _require_member(request: HttpRequest) -> None:
    if not is_housing_member(request.user):
        raise PermissionDeniedError(_("Area riservata ai servizi sociali e all'ente gestore."))


def _require_comune(request: HttpRequest) -> None:
    if not is_comune_staff(request.user):
        raise PermissionDeniedError(_("Azione riservata ai servizi sociali del Comune."))


def _household_for(request: HttpRequest, household_id: int) -> Household:
    """A household with at least one member the user's organization sees; else 404."""
    visible = Person.objects.visible_to(request.user)
    members = HouseholdMember.objects.filter(end_date__isnull=True, person__in=visible)
    return get_object_or_404(
        Household.objects.filter(pk__in=members.values("household_id")), pk=household_id
    )


def _person_for(request: HttpRequest, person_id: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(request.user), pk=person_id)


# --- Schemas -----------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    kind: str
    on: date
    outcome: str
    note: str


class EventIn(Schema):
    kind: EventKind
    on: date
    outcome: AccessOutcome = AccessOutcome.NONE
    note: str = Field("", max_length=300)


class CaseOut(Schema):
    id: int
    household_id: int
    household: str
    situation: str
    risk: str
    status: str
    isee: Decimal | None
    agency_id: int | None
    plan_agreed_on: date | None
    next_on: date | None = None
    next_kind: str | None = None


class CaseDetailOut(CaseOut):
    landlord: str
    lease_kind: str
    lease_registered: bool
    monthly_rent: Decimal | None
    arrears: Decimal | None
    annual_income: Decimal | None
    social_case_id: int | None
    events: list[EventOut]


class CaseIn(Schema):
    household_id: int
    person_id: int
    situation: Situation
    risk: Risk
    landlord: str = Field("", max_length=200)
    lease_registered: bool = False
    monthly_rent: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    arrears: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    annual_income: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    isee: Decimal | None = Field(None, max_digits=10, decimal_places=2)


class CallOut(Schema):
    id: int
    title: str
    opens_on: date
    closes_on: date
    ruleset: str
    ruleset_version: int
    agency_id: int
    appeal_days: int


class ConditionIn(Schema):
    code: str = Field(..., max_length=20)
    document: str = Field(..., max_length=200)


class FactsIn(Schema):
    household_size: int = Field(..., ge=1, le=30)
    minors: int = Field(0, ge=0, le=30)
    over_65: int = Field(0, ge=0, le=30)
    isee: Decimal = Field(..., max_digits=10, decimal_places=2)
    real_estate_assets: Decimal = Field(Decimal(0), max_digits=10, decimal_places=2)
    movable_assets: Decimal = Field(Decimal(0), max_digits=10, decimal_places=2)
    owns_suitable_dwelling: bool = False
    serious_conviction: bool = False
    residence_years: int = Field(..., ge=0, le=120)
    waiting_list_years: int = Field(0, ge=0, le=60)
    conditions: list[ConditionIn] = []


class ApplicationIn(FactsIn):
    household_id: int
    applicant_id: int
    submitted_on: date | None = None


class ScoreItemOut(Schema):
    code: str
    description: str
    article: str
    points: int
    document: str


class ExclusionOut(Schema):
    code: str
    description: str
    article: str
    reason: str


class ScoreOut(Schema):
    total: int
    excluded: bool
    items: list[ScoreItemOut]
    exclusions: list[ExclusionOut]


class ApplicationOut(Schema):
    id: int
    call_id: int
    protocol: str
    household_id: int
    submitted_on: date
    household_size: int
    isee: Decimal
    status: str
    points: int
    score: ScoreOut


class RankingEntryOut(Schema):
    position: int | None
    protocol: str
    points: int
    excluded: bool


class RankingOut(Schema):
    id: int
    call_id: int
    kind: str
    computed_at: datetime
    published_on: date | None
    appeal_deadline: date | None
    entries: list[RankingEntryOut]


class RankingIn(Schema):
    kind: RankingKind = RankingKind.PROVISIONAL


class RecalculationOut(Schema):
    ranking_id: int
    scored: int
    ranked: int
    excluded: int


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    capacity: int
    active: bool


class PlacementOut(Schema):
    id: int
    unit_id: int
    household_id: int
    housing_case_id: int | None
    cause: str
    starts_on: date
    ends_on: date
    closed_on: date | None


class PlacementIn(Schema):
    unit_id: int
    household_id: int
    housing_case_id: int | None = None
    cause: PlacementCause
    starts_on: date
    ends_on: date


class GrantOut(Schema):
    id: int
    kind: str
    year: int
    household_id: int
    status: str
    amount: Decimal | None
    priority: bool
    checks: list[dict[str, Any]]


class GrantIn(Schema):
    kind: GrantKind
    household_id: int
    applicant_id: int
    year: int = Field(..., ge=2000, le=2100)
    isee: Decimal = Field(..., max_digits=10, decimal_places=2)
    annual_income: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)
    annual_rent: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)
    arrears: Decimal = Field(Decimal(0), ge=0, max_digits=10, decimal_places=2)
    arrears_cause: str = ""
    lease_registered: bool = True
    eviction_for_arrears: bool = False
    member_over_70: bool = False
    member_invalid: bool = False
    member_minor: bool = False
    iban: str = Field("", max_length=40)
    deadline: date | None = None


# --- Serializers ---------------------------------------------------------------------------------


def _event(event: ProcedureEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "on": event.on,
        "outcome": event.outcome,
        "note": event.note,
    }


def _case(case: HousingCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "household_id": case.household_id,
        "household": case.household.name,
        "situation": case.situation,
        "risk": case.risk,
        "status": case.status,
        "isee": case.isee,
        "agency_id": case.agency_id,
        "plan_agreed_on": case.plan_agreed_on,
        "next_on": getattr(case, "next_on", None),
        "next_kind": getattr(case, "next_kind", None),
    }


def _case_detail(case: HousingCase) -> dict[str, Any]:
    annotated = HousingCase.objects.with_next_event().get(pk=case.pk)
    return {
        **_case(case),
        "next_on": annotated.next_on,
        "next_kind": annotated.next_kind,
        "landlord": case.landlord,
        "lease_kind": case.lease_kind,
        "lease_registered": case.lease_registered,
        "monthly_rent": case.monthly_rent,
        "arrears": case.arrears,
        "annual_income": case.annual_income,
        "social_case_id": case.social_case_id,
        "events": [_event(event) for event in case.events.all()],
    }


def _score(trace: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": trace.get("total", 0),
        "excluded": bool(trace.get("exclusions")),
        "items": trace.get("items", []),
        "exclusions": trace.get("exclusions", []),
    }


def _application(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "call_id": application.call_id,
        "protocol": application.protocol,
        "household_id": application.household_id,
        "submitted_on": application.submitted_on,
        "household_size": application.household_size,
        "isee": application.isee,
        "status": application.status,
        "points": application.points,
        "score": _score(application.trace),
    }


def _placement(placement: Placement) -> dict[str, Any]:
    return {
        "id": placement.pk,
        "unit_id": placement.unit_id,
        "household_id": placement.household_id,
        "housing_case_id": placement.housing_case_id,
        "cause": placement.cause,
        "starts_on": placement.starts_on,
        "ends_on": placement.ends_on,
        "closed_on": placement.closed_on,
    }


def _grant(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "kind": grant.kind,
        "year": grant.year,
        "household_id": grant.household_id,
        "status": grant.status,
        "amount": grant.amount,
        "priority": grant.priority,
        "checks": grant.checks,
    }


def _facts(payload: FactsIn) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    data = payload.dict()
    return {name: data[name] for name in FACT_FIELDS}, [
        (condition.code, condition.document) for condition in payload.conditions
    ]


# --- Housing cases --------------------------------------------------------------------------------


@router.get("/cases", response=list[CaseOut], summary="Housing cases in the user's scope")
def case_list(request: HttpRequest, status: str = "open") -> list[dict[str, Any]]:
    _require_member(request)
    cases = housing_cases_visible_to(request.user).with_next_event().select_related("household")
    if status:
        cases = cases.filter(status=status)
    return [_case(case) for case in cases.order_by("next_on", "pk")[:500]]


@router.post("/cases", response={201: CaseDetailOut}, summary="Open a housing case for a household")
def case_create(request: HttpRequest, payload: CaseIn) -> Status:
    _require_comune(request)
    data = payload.dict(exclude={"household_id", "person_id"})
    case = services.housing_case_open(
        actor=request.user,
        household=_household_for(request, payload.household_id),
        person=_person_for(request, payload.person_id),
        data=data,
    )
    return Status(201, _case_detail(case))


@router.get("/cases/{int:case_id}", response=CaseDetailOut, summary="One housing case")
def case_detail(request: HttpRequest, case_id: int) -> dict[str, Any]:
    _require_member(request)
    case = get_housing_case_for_user(request.user, case_id)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=case, person_id=case.person_id)
    return _case_detail(case)


@router.get(
    "/cases/{int:case_id}/events", response=list[EventOut], summary="The eviction procedure"
)
def event_list(request: HttpRequest, case_id: int) -> list[dict[str, Any]]:
    _require_member(request)
    case = get_housing_case_for_user(request.user, case_id)
    return [_event(event) for event in case.events.all()]


@router.post(
    "/cases/{int:case_id}/events", response={201: EventOut}, summary="Record a procedure step"
)
def event_create(request: HttpRequest, case_id: int, payload: EventIn) -> Status:
    _require_member(request)
    case = get_housing_case_for_user(request.user, case_id)
    event = services.procedure_event_add(actor=request.user, case=case, **payload.dict())
    return Status(201, _event(event))


# --- Calls, applications, rankings ------------------------------------------------------------


def _call(call: Any) -> dict[str, Any]:
    return {
        "id": call.pk,
        "title": call.title,
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "ruleset": call.ruleset.code,
        "ruleset_version": call.ruleset.version,
        "agency_id": call.agency_id,
        "appeal_days": call.appeal_days,
    }


@router.get("/calls", response=list[CallOut], summary="ERP calls")
def call_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require_member(request)
    return [_call(call) for call in calls_visible_to(request.user).select_related("ruleset")]


@router.get("/calls/{int:call_id}", response=CallOut, summary="One ERP call")
def call_detail(request: HttpRequest, call_id: int) -> dict[str, Any]:
    _require_member(request)
    return _call(get_call_for_user(request.user, call_id))


@router.post(
    "/calls/{int:call_id}/score-preview",
    response=ScoreOut,
    summary="The points an application would get, each with its reason (nothing is saved)",
)
def score_preview(request: HttpRequest, call_id: int, payload: FactsIn) -> dict[str, Any]:
    _require_member(request)
    call = get_call_for_user(request.user, call_id)
    facts, conditions = _facts(payload)
    result: Score = services.application_preview(call=call, facts=facts, conditions=conditions)
    return _score(result.as_trace())


@router.get(
    "/calls/{int:call_id}/applications", response=list[ApplicationOut], summary="Applications"
)
def application_list(request: HttpRequest, call_id: int) -> list[dict[str, Any]]:
    _require_member(request)
    call = get_call_for_user(request.user, call_id)
    return [_application(a) for a in applications_visible_to(request.user).filter(call=call)[:2000]]


@router.post(
    "/calls/{int:call_id}/applications",
    response={201: ApplicationOut},
    summary="Submit an application: scored and traced at once",
)
def application_create(request: HttpRequest, call_id: int, payload: ApplicationIn) -> Status:
    _require_comune(request)
    call = get_call_for_user(request.user, call_id)
    facts, conditions = _facts(payload)
    application = services.application_submit(
        actor=request.user,
        call=call,
        household=_household_for(request, payload.household_id),
        applicant=_person_for(request, payload.applicant_id),
        facts=facts,
        conditions=conditions,
        submitted_on=payload.submitted_on,
    )
    return Status(201, _application(application))


@router.get(
    "/applications/{int:application_id}", response=ApplicationOut, summary="One application"
)
def application_detail(request: HttpRequest, application_id: int) -> dict[str, Any]:
    _require_member(request)
    application = get_application_for_user(request.user, application_id)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=application,
        person_id=application.applicant_id,
    )
    return _application(application)


@router.post(
    "/calls/{int:call_id}/rankings",
    response={201: RecalculationOut},
    summary="Rescore every application and rebuild the provisional or final ranking",
)
def ranking_compute(request: HttpRequest, call_id: int, payload: RankingIn) -> Status:
    _require_comune(request)
    call = get_call_for_user(request.user, call_id)
    result = services.ranking_compute(actor=request.user, call=call, kind=payload.kind)
    return Status(
        201,
        {
            "ranking_id": result.ranking.pk,
            "scored": result.scored,
            "ranked": result.ranked,
            "excluded": result.excluded,
        },
    )


@router.get("/rankings/{int:ranking_id}", response=RankingOut, summary="A ranking (protocols only)")
def ranking_detail(request: HttpRequest, ranking_id: int) -> dict[str, Any]:
    _require_member(request)
    ranking = get_ranking_for_user(request.user, ranking_id)
    entries = ranking.entries.select_related("application").order_by("excluded", "position", "pk")
    return {
        "id": ranking.pk,
        "call_id": ranking.call_id,
        "kind": ranking.kind,
        "computed_at": ranking.computed_at,
        "published_on": ranking.published_on,
        "appeal_deadline": ranking.appeal_deadline,
        "entries": [
            {
                "position": e.position,
                "protocol": e.application.protocol,
                "points": e.points,
                "excluded": e.excluded,
            }
            for e in entries
        ],
    }


# --- Units, placements, grants ---------------------------------------------------------------------


@router.get("/units", response=list[UnitOut], summary="Temporary housing units")
def unit_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require_comune(request)
    return [
        {"id": u.pk, "name": u.name, "kind": u.kind, "capacity": u.capacity, "active": u.active}
        for u in units_visible_to(request.user)
    ]


@router.get("/placements", response=list[PlacementOut], summary="Placements in temporary units")
def placement_list(request: HttpRequest, current: bool = True) -> list[dict[str, Any]]:
    _require_comune(request)
    placements = placements_visible_to(request.user)
    if current:
        placements = placements.filter(closed_on__isnull=True)
    return [_placement(placement) for placement in placements[:1000]]


@router.post(
    "/placements",
    response={201: PlacementOut},
    summary="Place a household in a unit (refused with 409 if the unit is taken)",
)
def placement_create(request: HttpRequest, payload: PlacementIn) -> Status:
    _require_comune(request)
    unit = get_unit_for_user(request.user, payload.unit_id)
    household = _household_for(request, payload.household_id)
    case = None
    if payload.housing_case_id is not None:
        case = get_housing_case_for_user(request.user, payload.housing_case_id)
    placement = services.placement_create(
        actor=request.user,
        unit=unit,
        household=household,
        housing_case=case,
        cause=payload.cause,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
    )
    return Status(201, _placement(placement))


@router.get("/grants", response=list[GrantOut], summary="Rent and arrears grants")
def grant_list(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    _require_comune(request)
    grants = grants_visible_to(request.user)
    if status:
        grants = grants.filter(status=status)
    return [_grant(grant) for grant in grants[:1000]]


@router.post(
    "/grants", response={201: GrantOut}, summary="Apply for a grant: checked at once, with reasons"
)
def grant_create(request: HttpRequest, payload: GrantIn) -> Status:
    _require_comune(request)
    data = payload.dict(exclude={"kind", "household_id", "applicant_id", "year"})
    if data["arrears_cause"] and data["arrears_cause"] not in dict(
        Grant._meta.get_field("arrears_cause").choices or []
    ):
        raise DomainError(_("Causa della morosità sconosciuta."), field="arrears_cause")
    grant = services.grant_submit(
        actor=request.user,
        kind=payload.kind,
        household=_household_for(request, payload.household_id),
        applicant=_person_for(request, payload.applicant_id),
        year=payload.year,
        data=data,
    )
    return Status(201, _grant(grant))
