"""API shapes of the desk: accesses and online requests."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from solidale.people.schemas import PersonIn


class NeedIn(Schema):
    code: str = Field(..., max_length=40, description="Code of a need area (network.NeedCategory).")
    urgency: str = Field("medium", description="low | medium | high | urgent")


class NeedOut(Schema):
    code: str
    name: str
    urgency: str


class AccessIn(Schema):
    occurred_at: datetime | None = None
    channel: str = "desk"
    office_id: int | None = None
    person_id: int | None = Field(None, description="A person your organization sees.")
    new_person: PersonIn | None = Field(
        None, description="A person to register now (same fields as POST /persons)."
    )
    confirm_similar: bool = False
    unidentified_description: str = ""
    needs: list[NeedIn]
    referred_by: str = ""
    request: str = ""
    information_given: str = ""
    outcome: str = "pending"
    follow_up_on: date | None = None
    privacy_notice_given: bool = False


class AccessPatch(Schema):
    occurred_at: datetime | None = None
    channel: str | None = None
    office_id: int | None = None
    unidentified_description: str | None = None
    needs: list[NeedIn] | None = None
    referred_by: str | None = None
    request: str | None = None
    information_given: str | None = None
    outcome: str | None = None
    follow_up_on: date | None = None
    privacy_notice_given: bool | None = None


class AccessOut(Schema):
    id: int
    occurred_at: datetime
    channel: str
    office_id: int | None
    organization_id: int
    operator_id: int
    person_id: int | None
    person_display_name: str
    unidentified_description: str
    needs: list[NeedOut]
    referred_by: str
    request: str
    information_given: str
    outcome: str
    follow_up_on: date | None
    follow_up_done_at: datetime | None
    privacy_notice_given: bool
    assigned_to_id: int | None


class AccessPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[AccessOut]


class OnlineRequestIn(Schema):
    subject: str = "self"
    category: str = Field(..., description="Code of a need area.")
    text: str = Field(..., max_length=4000)
    requester_name: str = Field("", max_length=150)
    contact_preference: str = "none"
    contact_phone: str = Field("", max_length=30)
    contact_email: str = Field("", max_length=254)
    consent: bool = Field(..., description="Consent to processing (required).")
    website: str = Field("", description="Leave empty (anti-spam field).")


class OnlineRequestReceipt(Schema):
    tracking_code: str
    status: str


class OnlineRequestStatusOut(Schema):
    tracking_code: str
    status: str
    status_label: str
    updated_at: datetime
    answer: str


class OnlineRequestOut(Schema):
    id: int
    tracking_code: str
    created_at: datetime
    subject: str
    category: str
    text: str
    requester_name: str
    contact_preference: str
    contact_phone: str
    contact_email: str
    consent_text_version: str
    status: str
    status_changed_at: datetime
    urgency: str
    answer: str
    internal_notes: str
    assigned_to_id: int | None


class OnlineRequestPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[OnlineRequestOut]


class OnlineRequestAnswerIn(Schema):
    status: str
    answer: str = ""
    internal_notes: str | None = None
    urgency: str = ""
