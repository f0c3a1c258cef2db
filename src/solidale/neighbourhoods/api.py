"""The neighbourhoods API, mounted at ``/api/v1/neighbourhoods/``: neighbourhoods as
GeoJSON, reports, presidi and events over the same services and scoping as the pages.
(Open311 apps use the GeoReport v2 endpoints, see ``open311.py``.)"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import Neighbourhood

from . import services
from .models import ParticipationEvent, Report, ReportCategory
from .permissions import (
    can_handle_reports,
    get_event,
    get_presidio_for_user,
    get_report_for_user,
    is_citizen,
    is_staff_member,
    own_reports,
    presidi_visible_to,
    reports_visible_to,
)
from .selectors import neighbourhood_geojson, upcoming_events

router = Router(tags=["neighbourhoods"])


class ReportOut(Schema):
    id: int
    tracking_code: str
    category: str
    sensitive: bool
    status: str
    status_note: str
    description: str
    latitude: float | None
    longitude: float | None
    address: str
    neighbourhood: str | None
    created_at: datetime
    status_changed_at: datetime
    duplicate_of: int | None
    access_id: int | None


class CitizenReportOut(Schema):
    """What a citizen sees of their own report: the closed loop, nothing more."""

    tracking_code: str
    category: str
    status: str
    status_note: str
    created_at: datetime
    status_changed_at: datetime


class ReportIn(Schema):
    category: str
    description: str
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    contact_preference: str = "in_app"
    contact_email: str = ""
    contact_phone: str = ""


class StatusIn(Schema):
    status: str
    note: str = ""
    expected_status: str | None = None


class PresidioOut(Schema):
    id: int
    title: str
    kind: str
    neighbourhood: str
    organization: str
    place: str
    weekday: int
    start_time: str
    end_time: str
    is_active: bool


class SessionIn(Schema):
    date: date
    attendance: int
    volunteers: str = ""
    outcome: str = ""


class SessionOut(Schema):
    id: int
    presidio_id: int
    date: date
    attendance: int
    volunteers: str
    outcome: str


class EventOut(Schema):
    id: int
    title: str
    kind: str
    neighbourhood: str
    organization: str
    starts_at: datetime
    place: str
    capacity: int | None
    registered: int
    attendance: int | None
    decisions: str


class ProposalIn(Schema):
    title: str
    text: str


class ProposalOut(Schema):
    id: int
    event_id: int
    title: str
    status: str
    answer: str


def _report(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "tracking_code": report.tracking_code,
        "category": report.category.code,
        "sensitive": report.is_sensitive,
        "status": report.status,
        "status_note": report.status_note,
        "description": report.description,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "address": report.address,
        "neighbourhood": report.neighbourhood.slug if report.neighbourhood else None,
        "created_at": report.created_at,
        "status_changed_at": report.status_changed_at,
        "duplicate_of": report.duplicate_of_id,
        "access_id": report.access_id,
    }


@router.get("/areas", auth=None, summary="The neighbourhoods as a GeoJSON FeatureCollection")
def neighbourhood_list_api(request: HttpRequest) -> dict[str, Any]:
    return neighbourhood_geojson(Neighbourhood.objects.all())


@router.get("/areas/{slug}", auth=None, summary="One neighbourhood as a GeoJSON Feature")
def neighbourhood_detail_api(request: HttpRequest, slug: str) -> dict[str, Any]:
    neighbourhood = get_object_or_404(Neighbourhood, slug=slug)
    feature: dict[str, Any] = neighbourhood_geojson([neighbourhood])["features"][0]
    return feature


@router.get("/reports", response=list[ReportOut], summary="Reports routed to your organization")
def report_list_api(
    request: HttpRequest, status: str = "", limit: int = 100
) -> list[dict[str, Any]]:
    if not can_handle_reports(request.user):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di gestire le segnalazioni."))
    reports = (
        reports_visible_to(request.user).select_related("category", "neighbourhood").defer("photo")
    )
    if status:
        reports = reports.filter(status=status)
    return [_report(r) for r in reports[: max(1, min(limit, 500))]]


@router.get("/reports/mine", response=list[CitizenReportOut], summary="Your own reports")
def my_reports_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "tracking_code": r.tracking_code,
            "category": r.category.code,
            "status": r.status,
            "status_note": r.status_note,
            "created_at": r.created_at,
            "status_changed_at": r.status_changed_at,
        }
        for r in own_reports(request.user).select_related("category").defer("photo")
    ]


@router.post("/reports", response={201: CitizenReportOut}, summary="Send a report")
def report_create_api(request: HttpRequest, payload: ReportIn) -> Status:
    category = ReportCategory.objects.filter(code=payload.category, is_active=True).first()
    if category is None:
        raise DomainError(_("Scegli la categoria della segnalazione."), field="category")
    data = payload.dict()
    data["category"] = category
    report = services.report_submit(data=data, reporter=request.user)
    return Status(
        201,
        {
            "tracking_code": report.tracking_code,
            "category": category.code,
            "status": report.status,
            "status_note": report.status_note,
            "created_at": report.created_at,
            "status_changed_at": report.status_changed_at,
        },
    )


@router.get("/reports/{int:report_id}", response=ReportOut, summary="One report you handle")
def report_detail_api(request: HttpRequest, report_id: int) -> dict[str, Any]:
    return _report(get_report_for_user(request.user, report_id))


@router.post("/reports/{int:report_id}/status", response=ReportOut, summary="Change the status")
def report_status_api(request: HttpRequest, report_id: int, payload: StatusIn) -> dict[str, Any]:
    report = get_report_for_user(request.user, report_id)
    report = services.report_set_status(
        actor=request.user,
        report=report,
        status=payload.status,
        note=payload.note,
        expected_status=payload.expected_status,
    )
    return _report(get_report_for_user(request.user, report.pk))


@router.get("/presidi", response=list[PresidioOut], summary="The presidi of the network")
def presidio_list_api(request: HttpRequest) -> list[dict[str, Any]]:
    if not is_staff_member(request.user):
        raise PermissionDeniedError(_("I presidi sono riservati agli operatori della rete."))
    return [
        {
            "id": p.pk,
            "title": p.title,
            "kind": p.kind,
            "neighbourhood": p.neighbourhood.slug,
            "organization": p.organization.name,
            "place": p.place,
            "weekday": p.weekday,
            "start_time": p.start_time.strftime("%H:%M"),
            "end_time": p.end_time.strftime("%H:%M"),
            "is_active": p.is_active,
        }
        for p in presidi_visible_to(request.user).select_related("neighbourhood", "organization")
    ]


@router.post(
    "/presidi/{int:presidio_id}/sessions", response={201: SessionOut}, summary="Record a session"
)
def presidio_session_api(request: HttpRequest, presidio_id: int, payload: SessionIn) -> Status:
    presidio = get_presidio_for_user(request.user, presidio_id)
    session = services.presidio_session_record(
        actor=request.user,
        presidio=presidio,
        day=payload.date,
        attendance=payload.attendance,
        volunteers=payload.volunteers,
        outcome=payload.outcome,
    )
    return Status(
        201,
        {
            "id": session.pk,
            "presidio_id": presidio.pk,
            "date": session.date,
            "attendance": session.attendance,
            "volunteers": session.volunteers,
            "outcome": session.outcome,
        },
    )


def _event(event: ParticipationEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "title": event.title,
        "kind": event.kind,
        "neighbourhood": event.neighbourhood.slug,
        "organization": event.organization.name,
        "starts_at": event.starts_at,
        "place": event.place,
        "capacity": event.capacity,
        "registered": event.registered,
        "attendance": event.attendance,
        "decisions": event.decisions if event.decisions_published_at else "",
    }


@router.get("/events", auth=None, response=list[EventOut], summary="Upcoming events")
def event_list_api(request: HttpRequest) -> list[dict[str, Any]]:
    return [_event(e) for e in upcoming_events()[:200]]


@router.post(
    "/events/{int:event_id}/registrations", response={201: EventOut}, summary="Register (citizens)"
)
def event_register_api(request: HttpRequest, event_id: int) -> Status:
    if not is_citizen(request.user):
        raise PermissionDeniedError(_("Per iscriverti accedi come cittadino."))
    event = get_event(event_id)
    services.event_register(actor=request.user, event=event)
    return Status(201, _event(get_event(event_id)))


@router.post(
    "/events/{int:event_id}/proposals", response={201: ProposalOut}, summary="Send a proposal"
)
def proposal_create_api(request: HttpRequest, event_id: int, payload: ProposalIn) -> Status:
    if not is_citizen(request.user):
        raise PermissionDeniedError(_("Per presentare una proposta accedi come cittadino."))
    proposal = services.proposal_submit(
        actor=request.user, event=get_event(event_id), title=payload.title, text=payload.text
    )
    return Status(
        201,
        {
            "id": proposal.pk,
            "event_id": proposal.event_id,
            "title": proposal.title,
            "status": proposal.status,
            "answer": proposal.answer,
        },
    )
