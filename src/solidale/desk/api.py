"""Desk API: accesses (scoped like the pages) and online requests (public create and
status by tracking code; staff list, detail and answer). Same services, same audit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.ratelimit import rate_limit_hit
from solidale.people.models import Person

from .models import Access, Office, OnlineRequest
from .permissions import (
    can_triage_requests,
    can_use_desk,
    get_access_for_user,
    get_online_request_for_user,
    is_citizen,
    online_requests_visible_to,
)
from .schemas import (
    AccessIn,
    AccessOut,
    AccessPage,
    AccessPatch,
    OnlineRequestAnswerIn,
    OnlineRequestIn,
    OnlineRequestOut,
    OnlineRequestPage,
    OnlineRequestReceipt,
    OnlineRequestStatusOut,
)
from .selectors import access_list, online_request_by_code
from .services import (
    NeedInput,
    access_record,
    access_update,
    online_request_set_status,
    online_request_submit,
)
from .views import STATUS_LOOKUP_RATE

router = Router(tags=["desk"])


class AccessQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.SOLIDALE_API_PAGE_SIZE, ge=1, le=200)
    channel: str = ""
    outcome: str = ""
    need: str = ""
    person: int | None = None
    needs_answer: bool = False


class RequestQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.SOLIDALE_API_PAGE_SIZE, ge=1, le=200)
    status: str = ""


def _require_desk(request: HttpRequest) -> None:
    if not can_use_desk(request.user):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di lavorare allo sportello."))


def _require_triage(request: HttpRequest) -> None:
    if not can_triage_requests(request.user):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di gestire le richieste online."))


def access_out(access: Access) -> dict[str, Any]:
    return {
        "id": access.pk,
        "occurred_at": access.occurred_at,
        "channel": access.channel,
        "office_id": access.office_id,
        "organization_id": access.organization_id,
        "operator_id": access.operator_id,
        "person_id": access.person_id,
        "person_display_name": str(access.person) if access.person else "",
        "unidentified_description": access.unidentified_description,
        "needs": [
            {"code": item.need.code, "name": item.need.name, "urgency": item.urgency}
            for item in access.access_needs.all()
        ],
        "referred_by": access.referred_by,
        "request": access.request,
        "information_given": access.information_given,
        "outcome": access.outcome,
        "follow_up_on": access.follow_up_on,
        "follow_up_done_at": access.follow_up_done_at,
        "privacy_notice_given": access.privacy_notice_given,
        "assigned_to_id": access.assigned_to_id,
    }


def _needs(items: list[Any]) -> list[NeedInput]:
    return [NeedInput(code=item.code, urgency=item.urgency) for item in items]


def _access_data(payload: AccessIn | AccessPatch, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(
        exclude_unset=partial,
        exclude={"needs", "person_id", "new_person", "confirm_similar"},
    )
    if "office_id" in data:
        data["office"] = _office(data.pop("office_id"))
    if not partial and data.get("occurred_at") is None:
        data.pop("occurred_at", None)
    return data


def _office(pk: int | None) -> Office | None:
    if pk is None:
        return None
    office = Office.objects.filter(pk=pk).first()
    if office is None:
        raise DomainError(_("Sportello sconosciuto."), field="office_id")
    return office


def _reloaded(user: Any, pk: int) -> Access:
    access = access_list(user).filter(pk=pk).first()
    if access is None:
        raise PermissionDeniedError(_("Accesso non trovato."))
    return access


@router.get("/accesses", response=AccessPage, summary="Accesses recorded by my organization")
def list_accesses(request: HttpRequest, query: Query[AccessQuery]) -> dict[str, Any]:
    _require_desk(request)
    filters = query.model_dump(exclude={"page", "page_size"})
    queryset = access_list(request.user, filters)
    start = (query.page - 1) * query.page_size
    rows = list(queryset[start : start + query.page_size])
    return {
        "count": queryset.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [access_out(access) for access in rows],
    }


@router.get("/accesses/{access_id}", response=AccessOut, summary="One access")
def get_access(request: HttpRequest, access_id: int) -> dict[str, Any]:
    _require_desk(request)
    access = get_access_for_user(request.user, access_id)
    if access.person_id is not None:
        audit_record(
            actor=request.user,
            action=Action.VIEW,
            obj=access,
            person_id=access.person_id,
            purpose="api.desk.access",
        )
    return access_out(_reloaded(request.user, access.pk))


@router.post("/accesses", response={201: AccessOut}, summary="Record an access")
def create_access(request: HttpRequest, payload: AccessIn) -> Status:
    _require_desk(request)
    person = None
    if payload.person_id is not None:
        person = Person.objects.visible_to(request.user).filter(pk=payload.person_id).first()
        if person is None:
            raise DomainError(_("Persona non trovata."), field="person_id")
    access = access_record(
        actor=request.user,
        data=_access_data(payload, partial=False),
        needs=_needs(payload.needs),
        person=person,
        new_person=(
            payload.new_person.model_dump(exclude={"confirm_similar"})
            if payload.new_person
            else None
        ),
        confirm_similar=payload.confirm_similar,
    )
    return Status(201, access_out(_reloaded(request.user, access.pk)))


@router.patch("/accesses/{access_id}", response=AccessOut, summary="Change an access")
def update_access(request: HttpRequest, access_id: int, payload: AccessPatch) -> dict[str, Any]:
    _require_desk(request)
    access = get_access_for_user(request.user, access_id)
    needs = _needs(payload.needs) if payload.needs is not None else None
    access_update(
        actor=request.user,
        access=access,
        data=_access_data(payload, partial=True),
        needs=needs,
    )
    return access_out(_reloaded(request.user, access.pk))


def _ip_key(request: HttpRequest) -> str:
    return "ip" + (request.META.get("REMOTE_ADDR") or "unknown")


@router.post(
    "/requests",
    response={201: OnlineRequestReceipt},
    auth=None,
    summary="Send an online request for help (public)",
)
def create_online_request(request: HttpRequest, payload: OnlineRequestIn) -> Status:
    rate_limit_hit(
        scope="online_request", key=_ip_key(request), rate=settings.SOLIDALE_RATE_LIMIT_PUBLIC
    )
    if payload.website:
        raise DomainError(_("Richiesta non accettata."), field="website")
    citizen = request.user if is_citizen(request.user) else None
    online_request = online_request_submit(
        data=payload.model_dump(exclude={"website"}), citizen=citizen
    )
    return Status(
        201, {"tracking_code": online_request.tracking_code, "status": online_request.status}
    )


@router.get(
    "/requests/status/{code}",
    response=OnlineRequestStatusOut,
    auth=None,
    summary="The status of an online request by its tracking code (public)",
)
def online_request_status(request: HttpRequest, code: str) -> dict[str, Any]:
    rate_limit_hit(scope="online_request_status", key=_ip_key(request), rate=STATUS_LOOKUP_RATE)
    online_request = online_request_by_code(code)
    if online_request is None:
        raise Http404
    shows_answer = online_request.status in (
        OnlineRequest.Status.ANSWERED,
        OnlineRequest.Status.CLOSED,
    )
    return {
        "tracking_code": online_request.tracking_code,
        "status": online_request.status,
        "status_label": str(online_request.get_status_display()),
        "updated_at": online_request.status_changed_at,
        "answer": online_request.answer if shows_answer else "",
    }


def request_out(online_request: OnlineRequest) -> dict[str, Any]:
    return {
        "id": online_request.pk,
        "tracking_code": online_request.tracking_code,
        "created_at": online_request.created_at,
        "subject": online_request.subject,
        "category": online_request.category.code,
        "text": online_request.text,
        "requester_name": online_request.requester_name,
        "contact_preference": online_request.contact_preference,
        "contact_phone": online_request.contact_phone,
        "contact_email": online_request.contact_email,
        "consent_text_version": online_request.consent_text_version,
        "status": online_request.status,
        "status_changed_at": online_request.status_changed_at,
        "urgency": online_request.urgency,
        "answer": online_request.answer,
        "internal_notes": online_request.internal_notes,
        "assigned_to_id": online_request.assigned_to_id,
    }


@router.get("/requests", response=OnlineRequestPage, summary="Online requests (staff)")
def list_online_requests(request: HttpRequest, query: Query[RequestQuery]) -> dict[str, Any]:
    _require_triage(request)
    queryset = online_requests_visible_to(request.user).select_related("category")
    if query.status:
        queryset = queryset.filter(status=query.status)
    queryset = queryset.order_by("-created_at", "-pk")
    start = (query.page - 1) * query.page_size
    return {
        "count": queryset.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": [request_out(item) for item in queryset[start : start + query.page_size]],
    }


@router.get("/requests/{request_id}", response=OnlineRequestOut, summary="One online request")
def get_online_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    _require_triage(request)
    return request_out(get_online_request_for_user(request.user, request_id))


@router.post(
    "/requests/{request_id}/answer",
    response=OnlineRequestOut,
    summary="Change the status of an online request and answer the citizen",
)
def answer_online_request(
    request: HttpRequest, request_id: int, payload: OnlineRequestAnswerIn
) -> dict[str, Any]:
    _require_triage(request)
    online_request = get_online_request_for_user(request.user, request_id)
    online_request = online_request_set_status(
        actor=request.user,
        online_request=online_request,
        status=payload.status,
        answer=payload.answer,
        internal_notes=payload.internal_notes,
        urgency=payload.urgency,
    )
    return request_out(get_online_request_for_user(request.user, online_request.pk))
