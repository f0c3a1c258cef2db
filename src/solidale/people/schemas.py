"""Input and output schemas of the persons and households API."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class StrictSchema(Schema):
    """Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class PersonIn(StrictSchema):
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    codice_fiscale: str | None = Field(None, max_length=16)
    sex: str = Field("", max_length=1, description="M, F, X or empty")
    birth_date: date | None = None
    birth_place: str = Field("", max_length=100)
    birth_place_code: str = Field("", max_length=4, description="Belfiore code, e.g. F023")
    citizenship: str = Field("", max_length=60)
    languages: str = Field("", max_length=200)
    is_identified: bool = True
    description: str = ""
    homeless: bool = False
    residence_address: str = Field("", max_length=200)
    residence_municipality: str = Field("", max_length=100)
    domicile_address: str = Field("", max_length=200)
    neighbourhood_id: int | None = None
    phone: str = Field("", max_length=30)
    email: str | None = Field(None, max_length=254)
    accessibility_notes: str = ""
    confirm_similar: bool = Field(
        False,
        description="Save even though persons with a similar name and the same birth date exist.",
    )


class PersonPatch(StrictSchema):
    given_name: str | None = Field(None, max_length=100)
    family_name: str | None = Field(None, max_length=100)
    codice_fiscale: str | None = Field(None, max_length=16)
    sex: str | None = Field(None, max_length=1)
    birth_date: date | None = None
    birth_place: str | None = Field(None, max_length=100)
    birth_place_code: str | None = Field(None, max_length=4)
    citizenship: str | None = Field(None, max_length=60)
    languages: str | None = Field(None, max_length=200)
    description: str | None = None
    homeless: bool | None = None
    residence_address: str | None = Field(None, max_length=200)
    residence_municipality: str | None = Field(None, max_length=100)
    domicile_address: str | None = Field(None, max_length=200)
    neighbourhood_id: int | None = None
    phone: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=254)
    accessibility_notes: str | None = None


class PersonOut(Schema):
    """A person as the caller's organization may see it: fields outside its reasons are absent."""

    id: int
    display_name: str
    visible_fieldsets: list[str]
    given_name: str | None = None
    family_name: str | None = None
    birth_date: date | None = None
    sex: str | None = None
    is_identified: bool | None = None
    household_id: int | None = None
    household_size: int | None = None
    codice_fiscale: str | None = None
    birth_place: str | None = None
    birth_place_code: str | None = None
    citizenship: str | None = None
    languages: str | None = None
    description: str | None = None
    homeless: bool | None = None
    residence_address: str | None = None
    residence_municipality: str | None = None
    domicile_address: str | None = None
    neighbourhood_id: int | None = None
    phone: str | None = None
    email: str | None = None
    accessibility_notes: str | None = None
    updated_at: datetime | None = None


class PersonPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[PersonOut]


class HouseholdMemberOut(Schema):
    id: int
    person_id: int
    display_name: str
    relationship: str
    start_date: date
    end_date: date | None = None


class HouseholdIn(StrictSchema):
    name: str = Field(..., min_length=1, max_length=150)
    address: str = Field("", max_length=200)
    neighbourhood_id: int | None = None


class HouseholdPatch(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=150)
    address: str | None = Field(None, max_length=200)
    neighbourhood_id: int | None = None


class HouseholdOut(Schema):
    id: int
    name: str
    address: str
    neighbourhood_id: int | None = None
    members: list[HouseholdMemberOut]


class HouseholdPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[HouseholdOut]
