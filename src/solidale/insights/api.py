"""The insights API, mounted at ``/api/v1/insights/``: dashboard figures, the alert inbox,
exports — over the same services and scoping as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from solidale.core.errors import PermissionDeniedError

from . import selectors, services
from .models import AlertStatus
from .permissions import (
    aggregates_only,
    alerts_visible_to,
    get_alert_for_user,
    get_export_for_user,
    is_manager,
    is_staff_member,
    membership_of,
    uses_inbox,
)

router = Router(tags=["insights"])


class FiguresQuery(Schema):
    period: str = "month"
    month: str | None = None
    neighbourhood: int | None = None
    organization: int | None = None
    program: str | None = None


class FigureOut(Schema):
    key: str
    section: str
    label: str
    unit: str
    value: int | None
    previous: int | None
    suppressed: bool


class FiguresOut(Schema):
    period: str
    start: date
    end: date
    people_reached: int | None
    figures: list[FigureOut]


@router.get("/figures", response=FiguresOut, summary="Dashboard figures for a period")
def figures(request: HttpRequest, params: Query[FiguresQuery]) -> dict[str, Any]:
    if not is_staff_member(request.user):
        raise PermissionDeniedError(_("Il cruscotto è riservato alle organizzazioni della rete."))
    forced: dict[str, Any] = {}
    if not is_manager(request.user):
        forced["organization_id"] = membership_of(request.user).organization_id
    filters = selectors.filters_from(
        params.dict(exclude_none=True), today=timezone.localdate(), **forced
    )
    suppress = aggregates_only(request.user)
    reached, _before = selectors.people_reached(filters)
    if suppress and reached is not None and selectors.is_small(reached, True):
        reached = None
    return {
        "period": filters.kind,
        "start": filters.start,
        "end": filters.end,
        "people_reached": reached,
        "figures": [
            {
                "key": figure.key,
                "section": section.title,
                "label": figure.label,
                "unit": figure.unit,
                "value": None if figure.suppressed else figure.value,
                "previous": None if figure.suppressed else figure.previous,
                "suppressed": figure.suppressed,
            }
            for section in selectors.sections(filters, suppress=suppress)
            for figure in section.figures
        ],
    }


class AlertOut(Schema):
    id: int
    rule: str
    title: str
    reason: str
    url: str
    status: str
    raised_at: datetime
    outcome: str
    outcome_note: str


class AlertCloseIn(Schema):
    outcome: str
    note: str


def _alert(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "rule": item.rule_key,
        "title": item.title,
        "reason": item.reason,
        "url": item.url,
        "status": item.status,
        "raised_at": item.raised_at,
        "outcome": item.outcome,
        "outcome_note": item.outcome_note,
    }


def _require_inbox(request: HttpRequest) -> None:
    if not uses_inbox(request.user):
        raise PermissionDeniedError(_("Il tuo ruolo non ha segnalazioni."))


@router.get("/alerts", response=list[AlertOut], summary="The user's alert inbox")
def alert_list(request: HttpRequest, status: str = AlertStatus.OPEN) -> list[dict[str, Any]]:
    _require_inbox(request)
    items = alerts_visible_to(request.user).filter(status=status)[:200]
    return [_alert(item) for item in items]


@router.post("/alerts/{int:alert_id}/close", response=AlertOut, summary="Close with an outcome")
def alert_close(request: HttpRequest, alert_id: int, payload: AlertCloseIn) -> dict[str, Any]:
    _require_inbox(request)
    item = get_alert_for_user(request.user, alert_id)
    closed = services.alert_close(
        actor=request.user, item=item, outcome=payload.outcome, note=payload.note
    )
    return _alert(closed)


class ExportIn(Schema):
    source: str
    format: str = "csv"
    purpose: str = ""
    params: dict[str, str] = {}


class ExportOut(Schema):
    id: int
    source: str
    format: str
    state: str
    percent: int
    rows_total: int
    download_url: str | None
    expires_at: datetime | None


def _export(job: Any) -> dict[str, Any]:
    return {
        "id": job.pk,
        "source": job.source_key,
        "format": job.format,
        "state": job.state,
        "percent": job.percent,
        "rows_total": job.rows_total,
        "download_url": reverse("insights:export_download", args=[job.pk])
        if job.is_downloadable
        else None,
        "expires_at": job.expires_at,
    }


@router.post("/exports", response={201: ExportOut}, summary="Ask for an export of a list")
def export_create(request: HttpRequest, payload: ExportIn) -> Status:
    job = services.export_create(
        actor=request.user,
        source_key=payload.source,
        fmt=payload.format,
        purpose=payload.purpose,
        params=payload.params,
    )
    return Status(201, _export(job))


@router.get("/exports/{int:export_id}", response=ExportOut, summary="An export's progress")
def export_detail(request: HttpRequest, export_id: int) -> dict[str, Any]:
    return _export(get_export_for_user(request.user, export_id))
