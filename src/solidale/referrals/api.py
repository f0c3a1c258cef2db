"""Referrals API (``/api/v1/referrals/…``): the full lifecycle over the same services,
scoping and audit as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from solidale.cases.models import Case
from solidale.cases.permissions import get_case_for_user
from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.desk.models import Access, OnlineRequest
from solidale.network.models import NeedCategory, Service
from solidale.people.permissions import PERSON_FIELDS_BY_FIELDSET

from . import services
from .models import SHAREABLE_FIELDSETS, Referral, Urgency
from .permissions import (
    can_use_referrals,
    comments_for,
    events_for,
    get_referral_for_user,
    shared_fieldsets_for,
    shows_case_details,
)
from .selectors import ReferralFilters, referral_list_inbox, referral_list_outbox

router = Router(tags=["referrals"])


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class ReferralIn(StrictSchema):
    case_id: int | None = Field(None, description="Send from this case (exactly one source).")
    access_id: int | None = Field(None, description="Send from this desk access.")
    online_request_id: int | None = Field(None, description="Send from this online request.")
    service_id: int
    reason: str = Field(..., max_length=2000)
    urgency: str = Field(Urgency.NORMAL, description="low, normal, high or urgent")
    need_code: str = Field("", description="A code of the needs taxonomy, e.g. work")
    shared_fieldsets: list[str] = Field(
        default_factory=lambda: [str(name) for name in SHAREABLE_FIELDSETS],
        description="Which of the person's fields the receiver sees: identity, contacts",
    )
    summary: str = Field("", max_length=4000)
    show_identity_before_acceptance: bool = False
    legal_basis: str = Field("", description="When the person's consent is not recorded")
    override_reason: str = Field("", description="A Comune coordinator's override of consent")


class NoteIn(StrictSchema):
    note: str = ""


class DeclineIn(StrictSchema):
    reason: str = Field("", description="no_capacity, not_eligible, out_of_area, …, other")
    note: str = ""


class CompleteIn(StrictSchema):
    outcome: str = Field("", description="met, partially_met, not_met, person_withdrew, …")
    note: str = ""


class CancelIn(StrictSchema):
    reason: str = ""


class CommentIn(StrictSchema):
    body: str = Field(..., max_length=4000)


class NamedOut(Schema):
    id: int
    name: str


class EventOut(Schema):
    status: str
    at: datetime
    organization: str
    actor: str
    note: str


class CommentOut(Schema):
    id: int
    organization: str
    author: str
    body: str
    created_at: datetime


class ReferralOut(Schema):
    id: int
    status: str
    urgency: str
    service: NamedOut
    sender_organization: NamedOut
    receiver_organization: NamedOut
    sent_at: datetime
    accept_due_at: datetime
    handled_at: datetime | None
    closed_at: datetime | None
    overdue: bool
    person: dict[str, Any] | None = Field(
        None,
        description="Only the fields shared with the user's organization, when it may see them",
    )
    reason: str | None = None
    summary: str | None = None
    decline_reason: str
    decline_note: str | None = None
    outcome: str
    outcome_note: str | None = None


class ReferralDetailOut(ReferralOut):
    events: list[EventOut]
    comments: list[CommentOut]


class ReferralPage(Schema):
    page: int
    has_next: bool
    items: list[ReferralOut]


class ListQuery(Schema):
    status: str = ""
    urgency: str = ""
    overdue: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.SOLIDALE_API_PAGE_SIZE, ge=1, le=200)


def _require_referrals(request: HttpRequest) -> None:
    if not can_use_referrals(request.user):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di gestire gli invii."))


def _named(obj: Any) -> dict[str, Any]:
    return {"id": obj.pk, "name": str(obj)}


def _person(user: Any, referral: Referral, *, fieldsets: set[str] | None = None) -> Any:
    fieldsets = shared_fieldsets_for(user, referral) if fieldsets is None else fieldsets
    if not fieldsets:
        return None
    person = referral.person
    data: dict[str, Any] = {"id": person.pk, "fieldsets": sorted(fieldsets)}
    for fieldset in SHAREABLE_FIELDSETS:
        if fieldset in fieldsets:
            data.update(
                {name: getattr(person, name) for name in PERSON_FIELDS_BY_FIELDSET[fieldset]}
            )
    return data


def referral_out(user: Any, referral: Referral, *, person: Any = None) -> dict[str, Any]:
    details = shows_case_details(user, referral)
    return {
        "id": referral.pk,
        "status": referral.status,
        "urgency": referral.urgency,
        "service": _named(referral.service),
        "sender_organization": _named(referral.sender_organization),
        "receiver_organization": _named(referral.receiver_organization),
        "sent_at": referral.sent_at,
        "accept_due_at": referral.accept_due_at,
        "handled_at": referral.handled_at,
        "closed_at": referral.closed_at,
        "overdue": referral.is_overdue,
        "person": person,
        "reason": referral.reason if details else None,
        "summary": referral.summary if details else None,
        "decline_reason": referral.decline_reason,
        "decline_note": referral.decline_note if details else None,
        "outcome": referral.outcome,
        "outcome_note": referral.outcome_note,
    }


def _detail(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    user = request.user
    referral = get_referral_for_user(user, referral.pk)
    person = _person(user, referral)
    if person is not None or shows_case_details(user, referral):
        audit_record(actor=user, action=Action.VIEW, obj=referral, person_id=referral.person_id)
    data = referral_out(user, referral, person=person)
    data["events"] = [
        {
            "status": event.status,
            "at": event.at,
            "organization": str(event.organization),
            "actor": str(event.actor or ""),
            "note": event.note,
        }
        for event in events_for(user, referral)
    ]
    data["comments"] = [
        {
            "id": comment.pk,
            "organization": str(comment.organization),
            "author": str(comment.author or ""),
            "body": comment.body,
            "created_at": comment.created_at,
        }
        for comment in comments_for(user, referral)
    ]
    return data


def _list_person(user: Any, referral: Referral) -> Any:
    """In a list, the name only where the page list shows it (no query per row)."""
    if not getattr(referral, "show_name", False) or "identity" not in referral.shared_fieldsets:
        return None
    return _person(user, referral, fieldsets={"identity"})


def _page(request: HttpRequest, params: ListQuery, select: Any) -> dict[str, Any]:
    _require_referrals(request)
    filters = ReferralFilters(status=params.status, urgency=params.urgency, overdue=params.overdue)
    offset = (params.page - 1) * params.page_size
    rows = select(user=request.user, filters=filters, offset=offset, limit=params.page_size + 1)
    items = [
        referral_out(request.user, referral, person=_list_person(request.user, referral))
        for referral in rows[: params.page_size]
    ]
    return {"page": params.page, "has_next": len(rows) > params.page_size, "items": items}


@router.get("/inbox", response=ReferralPage, summary="Referrals received by my organization")
def referral_inbox(request: HttpRequest, params: Query[ListQuery]) -> dict[str, Any]:
    return _page(request, params, referral_list_inbox)


@router.get("/outbox", response=ReferralPage, summary="Referrals sent by my organization")
def referral_outbox(request: HttpRequest, params: Query[ListQuery]) -> dict[str, Any]:
    return _page(request, params, referral_list_outbox)


def _source(request: HttpRequest, payload: ReferralIn) -> Case | Access | OnlineRequest:
    given = [
        name
        for name in ("case_id", "access_id", "online_request_id")
        if getattr(payload, name) is not None
    ]
    if len(given) != 1:
        raise DomainError(
            _("Indica una sola origine: cartella, accesso o richiesta online."), field="case_id"
        )
    organization_id = request.user.membership.organization_id  # type: ignore[union-attr]
    if payload.case_id is not None:
        return get_case_for_user(request.user, payload.case_id)
    if payload.access_id is not None:
        return get_object_or_404(
            Access.objects.filter(organization_id=organization_id), pk=payload.access_id
        )
    return get_object_or_404(
        OnlineRequest.objects.filter(organization_id=organization_id),
        pk=payload.online_request_id,
    )


@router.post("", response={201: ReferralDetailOut}, summary="Send a referral")
def referral_create(request: HttpRequest, payload: ReferralIn) -> Status[dict[str, Any]]:
    _require_referrals(request)
    source = _source(request, payload)
    service = get_object_or_404(Service, pk=payload.service_id)
    need = None
    if payload.need_code:
        need = NeedCategory.objects.filter(code=payload.need_code).first()
        if need is None:
            raise DomainError(_("Area di bisogno sconosciuta."), field="need_code")
    referral = services.referral_send(
        actor=request.user,
        source=source,
        service=service,
        reason=payload.reason,
        urgency=payload.urgency,
        need=need,
        shared_fieldsets=payload.shared_fieldsets,
        summary=payload.summary,
        show_identity_before_acceptance=payload.show_identity_before_acceptance,
        legal_basis=payload.legal_basis,
        override_reason=payload.override_reason,
    )
    return Status(201, _detail(request, referral))


@router.get("/{referral_id}", response=ReferralDetailOut, summary="A referral")
def referral_detail(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _detail(request, get_referral_for_user(request.user, referral_id))


@router.post("/{referral_id}/accept", response=ReferralDetailOut, summary="Accept a referral")
def referral_accept(request: HttpRequest, referral_id: int, payload: NoteIn) -> dict[str, Any]:
    referral = get_referral_for_user(request.user, referral_id)
    return _detail(
        request, services.referral_accept(actor=request.user, referral=referral, note=payload.note)
    )


@router.post("/{referral_id}/decline", response=ReferralDetailOut, summary="Decline a referral")
def referral_decline(request: HttpRequest, referral_id: int, payload: DeclineIn) -> dict[str, Any]:
    referral = get_referral_for_user(request.user, referral_id)
    declined = services.referral_decline(
        actor=request.user, referral=referral, reason=payload.reason, note=payload.note
    )
    return _detail(request, declined)


@router.post("/{referral_id}/start", response=ReferralDetailOut, summary="Start working on it")
def referral_start(request: HttpRequest, referral_id: int, payload: NoteIn) -> dict[str, Any]:
    referral = get_referral_for_user(request.user, referral_id)
    return _detail(
        request, services.referral_start(actor=request.user, referral=referral, note=payload.note)
    )


@router.post(
    "/{referral_id}/complete", response=ReferralDetailOut, summary="Complete with an outcome"
)
def referral_complete(
    request: HttpRequest, referral_id: int, payload: CompleteIn
) -> dict[str, Any]:
    referral = get_referral_for_user(request.user, referral_id)
    completed = services.referral_complete(
        actor=request.user, referral=referral, outcome=payload.outcome, note=payload.note
    )
    return _detail(request, completed)


@router.post("/{referral_id}/cancel", response=ReferralDetailOut, summary="Withdraw a referral")
def referral_cancel(request: HttpRequest, referral_id: int, payload: CancelIn) -> dict[str, Any]:
    referral = get_referral_for_user(request.user, referral_id)
    cancelled = services.referral_cancel(
        actor=request.user, referral=referral, reason=payload.reason
    )
    return _detail(request, cancelled)


@router.post(
    "/{referral_id}/comments", response={201: CommentOut}, summary="Add a message to the thread"
)
def referral_comment(
    request: HttpRequest, referral_id: int, payload: CommentIn
) -> Status[dict[str, Any]]:
    referral = get_referral_for_user(request.user, referral_id)
    comment = services.referral_comment_add(
        actor=request.user, referral=referral, body=payload.body
    )
    return Status(
        201,
        {
            "id": comment.pk,
            "organization": str(comment.organization),
            "author": str(comment.author or ""),
            "body": comment.body,
            "created_at": comment.created_at,
        },
    )
