"""Input and output schemas of the appointments API."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from solidale.people.schemas import StrictSchema


class SlotOut(Schema):
    id: int
    office_id: int
    operator_id: int
    operator_name: str
    start: datetime
    end: datetime


class AppointmentOut(Schema):
    id: int
    slot: SlotOut
    office_name: str
    person_id: int | None
    person_name: str
    contact_name: str
    need: str
    notes: str
    status: str
    reminder_channel: str
    reminder_sent_at: datetime | None
    booked_by: str
    moved_to_id: int | None
    closed_reason: str
    created_at: datetime


class AppointmentPage(Schema):
    count: int
    results: list[AppointmentOut]


class SlotsQuery(Schema):
    day: date | None = None
    days: int = Field(1, ge=1, le=31)


class AppointmentQuery(Schema):
    day: date | None = None
    office_id: int | None = None
    status: str | None = Field(None, max_length=10)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class AppointmentIn(StrictSchema):
    slot_id: int
    person_id: int | None = None
    contact_name: str = Field("", max_length=150)
    contact_phone: str = Field("", max_length=30)
    contact_email: str = Field("", max_length=254)
    need: str | None = Field(None, max_length=40, description="Need category code, e.g. housing")
    notes: str = ""
    reminder_channel: str = Field("none", description="email, sms or none")


class MoveIn(StrictSchema):
    slot_id: int


class CancelIn(StrictSchema):
    reason: str = Field(..., min_length=1, max_length=200)


class MarkIn(StrictSchema):
    status: str = Field(..., description="attended or no_show")
