"""Input and output schemas of the cases API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import ConfigDict, Field


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class CaseIn(StrictSchema):
    person_id: int
    area: str = Field(description="minors_families, elderly, disability, adults, migrants…")
    responsible_id: int
    opening_reason: str = Field(min_length=1)
    household_id: int | None = None
    access_ids: list[int] = Field(default_factory=list, description="Desk accesses to link.")


class MemberOut(Schema):
    user_id: int
    user: str
    organization: str
    role: str


class CaseOut(Schema):
    id: int
    person_id: int
    household_id: int | None
    area: str
    status: str
    phase: str
    responsible_id: int
    opening_reason: str
    opened_at: datetime
    closed_at: datetime | None
    outcome: str
    next_review_on: date | None
    team: list[MemberOut] = Field(default_factory=list)


class CasePage(Schema):
    count: int
    page: int
    results: list[CaseOut]


class ActionOut(Schema):
    id: int
    title: str
    owner_organization_id: int
    owner_user_id: int | None
    due_on: date | None
    status: str
    progress: int


class GoalOut(Schema):
    id: int
    title: str
    domain: str | None
    target_on: date | None
    actions: list[ActionOut]


class PlanIn(StrictSchema):
    stage: str = "preliminary"
    preliminary_analysis: str = ""
    framework: str = ""
    pact_signed_on: date | None = None
    review_on: date | None = None


class PlanOut(Schema):
    stage: str
    preliminary_analysis: str
    framework: str
    pact_signed_on: date | None
    review_on: date | None
    goals: list[GoalOut]


class InterventionIn(StrictSchema):
    code: str = Field(description="SIUSS provision code, e.g. A1.04")
    provider_id: int
    start_on: date
    end_on: date | None = None
    quantity: Decimal | None = None
    unit: str = ""
    amount: Decimal | None = Field(None, description="Euro; above the threshold it needs approval.")
    character: str = Field("", description="periodic or one_off; empty for the code's usual one")
    notes: str = ""


class InterventionOut(Schema):
    id: int
    code: str
    name: str
    provider_id: int
    start_on: date
    end_on: date | None
    quantity: Decimal | None
    unit: str
    amount: Decimal | None
    character: str
    status: str
    requested_by_id: int
    decided_by_id: int | None


class DecisionIn(StrictSchema):
    approve: bool
    notes: str = ""


class NoteIn(StrictSchema):
    kind: str
    text: str = Field(min_length=1)
    reserved: bool = False


class NoteOut(Schema):
    id: int
    kind: str
    at: datetime
    text: str
    reserved: bool
    author_id: int
