"""Appointments API: free slots and bookings, over the same services, scoping and audit."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from solidale.core.errors import PermissionDeniedError
from solidale.network.models import NeedCategory
from solidale.people.models import Person
from solidale.people.permissions import get_person_for_user
from solidale.people.services import person_view

from . import services
from .models import Appointment, Slot
from .permissions import (
    appointments_visible_to,
    can_use_appointments,
    get_appointment_for_user,
    get_office_for_user,
    get_slot_for_user,
)
from .schemas import (
    AppointmentIn,
    AppointmentOut,
    AppointmentPage,
    AppointmentQuery,
    CancelIn,
    MarkIn,
    MoveIn,
    SlotOut,
    SlotsQuery,
)
from .selectors import day_bounds, free_slots

router = Router(tags=["appointments"])


def _require(request: HttpRequest) -> None:
    if not can_use_appointments(request.user):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di gestire gli appuntamenti."))


def slot_out(slot: Slot) -> dict[str, Any]:
    return {
        "id": slot.pk,
        "office_id": slot.office_id,
        "operator_id": slot.operator_id,
        "operator_name": str(slot.operator),
        "start": slot.start,
        "end": slot.end,
    }


def appointment_out(appointment: Appointment, visible_person_ids: set[int]) -> dict[str, Any]:
    person_visible = appointment.person_id in visible_person_ids
    return {
        "id": appointment.pk,
        "slot": slot_out(appointment.slot),
        "office_name": appointment.slot.office.name,
        "person_id": appointment.person_id if person_visible else None,
        "person_name": str(appointment.person) if person_visible else "",
        "contact_name": appointment.contact_name,
        "need": appointment.need.code if appointment.need else "",
        "notes": appointment.notes,
        "status": appointment.status,
        "reminder_channel": appointment.reminder_channel,
        "reminder_sent_at": appointment.reminder_sent_at,
        "booked_by": str(appointment.booked_by),
        "moved_to_id": appointment.moved_to_id,
        "closed_reason": appointment.closed_reason,
        "created_at": appointment.created_at,
    }


def _visible_persons(user: Any, appointments: list[Appointment]) -> set[int]:
    ids = {a.person_id for a in appointments if a.person_id}
    if not ids:
        return set()
    return set(Person.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def _one(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    appointment = get_appointment_for_user(request.user, appointment_id)
    visible = _visible_persons(request.user, [appointment])
    if appointment.person is not None and appointment.person_id in visible:
        person_view(actor=request.user, person=appointment.person, purpose="appuntamento (API)")
    return appointment_out(appointment, visible)


@router.get(
    "/offices/{int:office_id}/slots", response=list[SlotOut], summary="Free slots of an office"
)
def office_free_slots(
    request: HttpRequest, office_id: int, params: Query[SlotsQuery]
) -> list[dict[str, Any]]:
    _require(request)
    office = get_office_for_user(request.user, office_id)
    return [slot_out(s) for s in free_slots(office=office, day=params.day, days=params.days)]


@router.get("", response=AppointmentPage, summary="List appointments")
def appointment_list(request: HttpRequest, params: Query[AppointmentQuery]) -> dict[str, Any]:
    _require(request)
    queryset = appointments_visible_to(request.user).select_related(
        "slot__office", "slot__operator", "person", "need", "booked_by"
    )
    if params.day:
        start, end = day_bounds(params.day)
        queryset = queryset.filter(slot__start__gte=start, slot__start__lt=end)
    if params.office_id:
        queryset = queryset.filter(slot__office_id=params.office_id)
    if params.status:
        queryset = queryset.filter(status=params.status)
    count = queryset.count()
    offset = (params.page - 1) * params.page_size
    rows = list(queryset.order_by("slot__start", "pk")[offset : offset + params.page_size])
    visible = _visible_persons(request.user, rows)
    return {"count": count, "results": [appointment_out(a, visible) for a in rows]}


@router.get("/{int:appointment_id}", response=AppointmentOut, summary="One appointment")
def appointment_detail(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    _require(request)
    return _one(request, appointment_id)


@router.post("", response={201: AppointmentOut}, summary="Book a free slot")
def appointment_book(request: HttpRequest, payload: AppointmentIn) -> Status:
    _require(request)
    user = request.user
    slot = get_slot_for_user(user, payload.slot_id)
    person = get_person_for_user(user, payload.person_id) if payload.person_id else None
    need = (
        get_object_or_404(NeedCategory, code=payload.need, is_active=True) if payload.need else None
    )
    appointment = services.appointment_book(
        slot=slot,
        actor=user,
        person=person,
        contact_name=payload.contact_name,
        contact_phone=payload.contact_phone,
        contact_email=payload.contact_email,
        need=need,
        notes=payload.notes,
        reminder_channel=payload.reminder_channel,
    )
    return Status(201, _one(request, appointment.pk))


@router.post(
    "/{int:appointment_id}/move",
    response={201: AppointmentOut},
    summary="Move to another free slot",
)
def appointment_move(request: HttpRequest, appointment_id: int, payload: MoveIn) -> Status:
    _require(request)
    appointment = get_appointment_for_user(request.user, appointment_id)
    slot = get_slot_for_user(request.user, payload.slot_id)
    moved = services.appointment_move(appointment=appointment, slot=slot, actor=request.user)
    return Status(201, _one(request, moved.pk))


@router.post(
    "/{int:appointment_id}/cancel", response=AppointmentOut, summary="Cancel an appointment"
)
def appointment_cancel(
    request: HttpRequest, appointment_id: int, payload: CancelIn
) -> dict[str, Any]:
    _require(request)
    appointment = get_appointment_for_user(request.user, appointment_id)
    services.appointment_cancel(appointment=appointment, reason=payload.reason, actor=request.user)
    return _one(request, appointment_id)


@router.post(
    "/{int:appointment_id}/mark", response=AppointmentOut, summary="Record attended or no-show"
)
def appointment_mark(request: HttpRequest, appointment_id: int, payload: MarkIn) -> dict[str, Any]:
    _require(request)
    appointment = get_appointment_for_user(request.user, appointment_id)
    services.appointment_mark(appointment=appointment, status=payload.status, actor=request.user)
    return _one(request, appointment_id)
