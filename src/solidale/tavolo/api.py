"""Coordination table API: meetings, actions, needs and pledges, over the same services and
scoping as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from solidale.accounts.models import Organization, User
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import Neighbourhood
from solidale.network.models import NeedCategory
from solidale.referrals.permissions import referrals_visible_to

from . import services
from .models import (
    Action,
    ActionStatus,
    Decision,
    Meeting,
    Need,
    NeedStatus,
    PledgeStatus,
    Urgency,
)
from .permissions import (
    get_action_for_user,
    get_meeting_for_user,
    get_need_for_user,
    get_pledge_for_user,
    is_network_member,
    meetings_visible_to,
    sees_minutes,
)
from .selectors import ActionFilters, NeedFilters, action_list, meeting_agenda, need_list

router = Router(tags=["tavolo"])


def _require_member(request: HttpRequest) -> None:
    if not is_network_member(request.user):
        raise PermissionDeniedError(_("Il tavolo è riservato alle organizzazioni della rete."))


# --- Schemas --------------------------------------------------------------------------------


class OrganizationRef(Schema):
    id: int
    name: str


class MeetingOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime | None
    place: str
    online_url: str
    status: str
    organization: OrganizationRef
    published_at: datetime | None


class DecisionOut(Schema):
    id: int
    text: str
    vote_note: str
    actions: list[int]


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    minutes: str | None = Field(None, description="Only once published (or to the convener).")
    minutes_version: int | None = None
    decisions: list[DecisionOut] = []


class ParticipantOut(Schema):
    organization: OrganizationRef
    attended: bool


class MeetingDetailOut(MeetingOut):
    participants: list[ParticipantOut]
    agenda: list[AgendaItemOut]


class ActionOut(Schema):
    id: int
    title: str
    description: str
    meeting_id: int
    decision_id: int
    owner_organization: OrganizationRef
    owner_id: int | None
    deadline: date
    status: str
    overdue: bool
    needs: list[int]


class ActionIn(Schema):
    decision_id: int
    title: str = Field(..., max_length=200)
    description: str = ""
    owner_organization_id: int
    owner_id: int | None = None
    deadline: date
    need_ids: list[int] = []
    referral_ids: list[int] = []


class ActionPatch(Schema):
    status: ActionStatus
    note: str = ""


class ActionQuery(Schema):
    status: str = ""
    overdue: bool = False
    mine: bool = False


class NeedOut(Schema):
    id: int
    count: int
    unit: str
    title: str
    category: str
    neighbourhood: str | None
    urgency: str
    description: str
    status: str
    delivered: int
    organization: OrganizationRef


class NeedIn(Schema):
    count: int = Field(..., ge=1, le=100_000)
    unit: str = Field(..., max_length=60)
    title: str = Field(..., max_length=150)
    category: str = Field(..., description="NeedCategory code, e.g. housing")
    neighbourhood: str | None = Field(None, description="Neighbourhood slug; none for the town")
    urgency: Urgency = Urgency.MEDIUM
    description: str = ""


class NeedPatch(Schema):
    count: int | None = Field(None, ge=1, le=100_000)
    unit: str | None = Field(None, max_length=60)
    title: str | None = Field(None, max_length=150)
    urgency: Urgency | None = None
    description: str | None = None
    closed: bool | None = Field(None, description="true closes the need")


class NeedQuery(Schema):
    status: NeedStatus | None = None
    urgency: Urgency | None = None


class PledgeOut(Schema):
    id: int
    need_id: int
    organization: OrganizationRef
    what: str
    quantity: int
    by_date: date | None
    status: str
    need_status: str


class PledgeIn(Schema):
    what: str = Field(..., max_length=200)
    quantity: int = Field(..., ge=1, le=100_000)
    by_date: date | None = None


class PledgePatch(Schema):
    status: PledgeStatus


# --- Serializers ----------------------------------------------------------------------------


def _org(organization: Organization) -> dict[str, Any]:
    return {"id": organization.pk, "name": organization.name}


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "status": meeting.status,
        "organization": _org(meeting.organization),
        "published_at": meeting.published_at,
    }


def _action(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "title": action.title,
        "description": action.description,
        "meeting_id": action.meeting_id,
        "decision_id": action.decision_id,
        "owner_organization": _org(action.owner_organization),
        "owner_id": action.owner_id,
        "deadline": action.deadline,
        "status": action.status,
        "overdue": action.is_overdue,
        "needs": [need.pk for need in action.needs.all()],
    }


def _need(need: Need) -> dict[str, Any]:
    return {
        "id": need.pk,
        "count": need.count,
        "unit": need.unit,
        "title": need.title,
        "category": need.category.code,
        "neighbourhood": need.neighbourhood.slug if need.neighbourhood else None,
        "urgency": need.urgency,
        "description": need.description,
        "status": need.status,
        "delivered": need.delivered,
        "organization": _org(need.organization),
    }


# --- Meetings -------------------------------------------------------------------------------


@router.get(
    "/meetings", response=list[MeetingOut], summary="Meetings the organization takes part in"
)
def meeting_list(request: HttpRequest) -> list[dict[str, Any]]:
    _require_member(request)
    meetings = meetings_visible_to(request.user).select_related("organization")[:200]
    return [_meeting(meeting) for meeting in meetings]


@router.get("/meetings/{int:meeting_id}", response=MeetingDetailOut, summary="One meeting")
def meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    _require_member(request)
    meeting = get_meeting_for_user(request.user, meeting_id)
    readable = sees_minutes(request.user, meeting)
    agenda = []
    for item in meeting_agenda(meeting):
        entry: dict[str, Any] = {
            "id": item.pk,
            "position": item.position,
            "title": item.title,
            "description": item.description,
            "decisions": [],
        }
        if readable:
            entry["minutes"] = item.minutes
            entry["minutes_version"] = item.minutes_version
            entry["decisions"] = [
                {
                    "id": decision.pk,
                    "text": decision.text,
                    "vote_note": decision.vote_note,
                    "actions": [action.pk for action in decision.actions.all()],
                }
                for decision in item.decisions.all()
            ]
        agenda.append(entry)
    return {
        **_meeting(meeting),
        "participants": [
            {"organization": _org(p.organization), "attended": p.attended}
            for p in meeting.participants.select_related("organization")
        ],
        "agenda": agenda,
    }


# --- Actions --------------------------------------------------------------------------------


def _with_needs(actions: list[Action]) -> list[Action]:
    prefetch_related_objects(actions, Prefetch("needs", queryset=Need.objects.only("id")))
    return actions


@router.get("/actions", response=list[ActionOut], summary="Actions visible to the organization")
def action_list_api(request: HttpRequest, params: Query[ActionQuery]) -> list[dict[str, Any]]:
    _require_member(request)
    actions = action_list(
        user=request.user,
        filters=ActionFilters(status=params.status, overdue=params.overdue, mine=params.mine),
    )
    return [_action(action) for action in _with_needs(actions)]


@router.post("/actions", response={201: ActionOut}, summary="Assign an action born from a decision")
def action_create(request: HttpRequest, payload: ActionIn) -> Status:
    _require_member(request)
    decision = get_object_or_404(
        Decision.objects.select_related("agenda_item__meeting"), pk=payload.decision_id
    )
    get_meeting_for_user(request.user, decision.agenda_item.meeting_id)
    organization = Organization.objects.filter(pk=payload.owner_organization_id).first()
    if organization is None:
        raise DomainError(_("Organizzazione inesistente."), field="owner_organization_id")
    owner = None
    if payload.owner_id is not None:
        owner = User.objects.filter(pk=payload.owner_id, is_active=True).first()
        if owner is None:
            raise DomainError(_("Persona inesistente."), field="owner_id")
    needs = list(Need.objects.filter(pk__in=payload.need_ids))
    referrals = list(referrals_visible_to(request.user).filter(pk__in=payload.referral_ids))
    if len(needs) != len(set(payload.need_ids)):
        raise DomainError(_("Uno o più bisogni non esistono."), field="need_ids")
    if len(referrals) != len(set(payload.referral_ids)):
        raise DomainError(
            _("Uno o più invii non esistono o non sono della tua organizzazione."),
            field="referral_ids",
        )
    action = services.action_assign(
        actor=request.user,
        decision=decision,
        data={
            "title": payload.title,
            "description": payload.description,
            "owner_organization": organization,
            "owner": owner,
            "deadline": payload.deadline,
        },
        needs=needs,
        referrals=referrals,
    )
    return Status(201, _action(action))


@router.get("/actions/{int:action_id}", response=ActionOut, summary="One action")
def action_detail(request: HttpRequest, action_id: int) -> dict[str, Any]:
    _require_member(request)
    return _action(get_action_for_user(request.user, action_id))


@router.patch(
    "/actions/{int:action_id}", response=ActionOut, summary="Record progress on an action"
)
def action_update(request: HttpRequest, action_id: int, payload: ActionPatch) -> dict[str, Any]:
    _require_member(request)
    action = get_action_for_user(request.user, action_id)
    services.action_progress_record(
        actor=request.user, action=action, status=payload.status, note=payload.note
    )
    return _action(action)


# --- Needs and pledges ----------------------------------------------------------------------


def _need_data(payload: NeedIn | NeedPatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    data.pop("closed", None)
    if "category" in data:
        category = NeedCategory.objects.filter(code=data["category"], is_active=True).first()
        if category is None:
            raise DomainError(_("Area di bisogno sconosciuta."), field="category")
        data["category"] = category
    if data.get("neighbourhood"):
        neighbourhood = Neighbourhood.objects.filter(slug=data["neighbourhood"]).first()
        if neighbourhood is None:
            raise DomainError(_("Quartiere sconosciuto."), field="neighbourhood")
        data["neighbourhood"] = neighbourhood
    return {
        name: value for name, value in data.items() if value is not None or name == "neighbourhood"
    }


@router.get("/needs", response=list[NeedOut], summary="The needs board (aggregate data)")
def need_list_api(request: HttpRequest, params: Query[NeedQuery]) -> list[dict[str, Any]]:
    _require_member(request)
    needs = need_list(
        user=request.user,
        filters=NeedFilters(status=params.status or "", urgency=params.urgency or ""),
    )
    return [_need(need) for need in needs]


@router.post("/needs", response={201: NeedOut}, summary="Report a need in aggregate form")
def need_create(request: HttpRequest, payload: NeedIn) -> Status:
    _require_member(request)
    need = services.need_report(actor=request.user, data=_need_data(payload))
    return Status(201, _need(get_need_for_user(request.user, need.pk)))


@router.get("/needs/{int:need_id}", response=NeedOut, summary="One need")
def need_detail(request: HttpRequest, need_id: int) -> dict[str, Any]:
    _require_member(request)
    return _need(get_need_for_user(request.user, need_id))


@router.patch("/needs/{int:need_id}", response=NeedOut, summary="Update or close a need")
def need_update(request: HttpRequest, need_id: int, payload: NeedPatch) -> dict[str, Any]:
    _require_member(request)
    need = get_need_for_user(request.user, need_id)
    data = _need_data(payload)
    if data:
        services.need_update(actor=request.user, need=need, data=data)
    if payload.closed:
        services.need_close(actor=request.user, need=need)
    return _need(get_need_for_user(request.user, need_id))


def _pledge(pledge: Any) -> dict[str, Any]:
    return {
        "id": pledge.pk,
        "need_id": pledge.need_id,
        "organization": _org(pledge.organization),
        "what": pledge.what,
        "quantity": pledge.quantity,
        "by_date": pledge.by_date,
        "status": pledge.status,
        "need_status": pledge.need.status,
    }


@router.post(
    "/needs/{int:need_id}/pledges", response={201: PledgeOut}, summary="Pledge to answer a need"
)
def pledge_create(request: HttpRequest, need_id: int, payload: PledgeIn) -> Status:
    _require_member(request)
    need = get_need_for_user(request.user, need_id)
    pledge = services.pledge_make(actor=request.user, need=need, data=payload.dict())
    return Status(201, _pledge(pledge))


@router.patch("/pledges/{int:pledge_id}", response=PledgeOut, summary="Move a pledge forward")
def pledge_update(request: HttpRequest, pledge_id: int, payload: PledgePatch) -> dict[str, Any]:
    _require_member(request)
    pledge = get_pledge_for_user(request.user, pledge_id)
    services.pledge_status_set(actor=request.user, pledge=pledge, status=payload.status)
    return _pledge(pledge)
