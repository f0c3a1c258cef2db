"""Persons and households API: the same services, scoping and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from solidale.core.errors import ConflictError, PermissionDeniedError
from solidale.core.models import Neighbourhood
from solidale.core.ratelimit import client_key, rate_limit_hit

from . import services
from .models import Household, HouseholdMember, Person, PersonLink
from .permissions import (
    can_edit_person,
    can_use_registry,
    get_household_for_user,
    get_person_for_user,
    households_visible_to,
    link_fieldsets,
    person_fieldsets_for,
    person_visible_fields,
    persons_visible_to,
)
from .schemas import (
    HouseholdIn,
    HouseholdMemberOut,
    HouseholdOut,
    HouseholdPage,
    HouseholdPatch,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
)
from .selectors import person_search

persons_router = Router(tags=["persons"])
households_router = Router(tags=["households"])

_ALWAYS_SHOWN = ("id",)


class PageQuery(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(settings.SOLIDALE_API_PAGE_SIZE, ge=1, le=200)


class PersonQuery(PageQuery):
    q: str = Field(
        "", max_length=100, description="Name, alias or codice fiscale; typos tolerated."
    )


def _require_registry(request: HttpRequest) -> None:
    if not can_use_registry(request.user):
        raise PermissionDeniedError(_("Il tuo ruolo non permette di consultare l'anagrafica."))


def _current_household(person: Person) -> HouseholdMember | None:
    return (
        HouseholdMember.objects.filter(person=person, end_date__isnull=True)
        .select_related("household")
        .first()
    )


def person_out(user: Any, person: Person) -> dict[str, Any]:
    """The person as a dict holding only the fields the user's organization may see."""
    fieldsets = sorted(person_fieldsets_for(user, person))
    fields = person_visible_fields(user, person)
    data: dict[str, Any] = {
        "id": person.pk,
        "display_name": str(person),
        "visible_fieldsets": fieldsets,
    }
    for name in fields:
        if name == "neighbourhood":
            data["neighbourhood_id"] = person.neighbourhood_id
        else:
            data[name] = getattr(person, name)
    if {"household", "household_size"} & set(fieldsets):
        membership = _current_household(person)
        if membership is not None:
            data["household_size"] = membership.household.members.filter(
                end_date__isnull=True
            ).count()
            if "household" in fieldsets:
                data["household_id"] = membership.household_id
    if fields:
        data["updated_at"] = person.updated_at
    return data


def _fieldsets_by_person(user: Any, person_ids: list[int]) -> dict[int, list[str]]:
    """The visible field groups of many persons in one query (for list pages)."""
    reasons = PersonLink.objects.open().filter(
        person_id__in=person_ids, organization_id=user.membership.organization_id
    )
    groups: dict[int, set[str]] = {pk: set() for pk in person_ids}
    for person_id, reason, shared in reasons.values_list("person_id", "reason", "fieldsets"):
        groups[person_id] |= link_fieldsets(reason, shared)
    return {pk: sorted(names) for pk, names in groups.items()}


def _page(queryset: QuerySet[Any] | list[Any], page: PageQuery) -> tuple[int, list[Any]]:
    count = len(queryset) if isinstance(queryset, list) else queryset.count()
    start = (page.page - 1) * page.page_size
    return count, list(queryset[start : start + page.page_size])


def _person_data(payload: PersonIn | PersonPatch, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial, exclude={"confirm_similar"})
    if "neighbourhood_id" in data:
        neighbourhood_id = data.pop("neighbourhood_id")
        data["neighbourhood"] = (
            get_object_or_404(Neighbourhood, pk=neighbourhood_id) if neighbourhood_id else None
        )
    if "email" in data and data["email"] is None:
        data["email"] = ""
    return data


@persons_router.get("", response=PersonPage, exclude_unset=True, summary="List or search persons")
def person_list(request: HttpRequest, params: Query[PersonQuery]) -> dict[str, Any]:
    _require_registry(request)
    user = request.user
    if params.q.strip():
        rate_limit_hit(
            scope="search", key=client_key(request), rate=settings.SOLIDALE_RATE_LIMIT_SEARCH
        )
        found: QuerySet[Person] | list[Person] = person_search(user=user, query=params.q, limit=200)
    else:
        found = persons_visible_to(user).select_related("neighbourhood")
    count, rows = _page(found, params)
    fieldsets = _fieldsets_by_person(user, [p.pk for p in rows])
    # Every reason opens the identity group, which is all a list shows.
    results = [
        {
            "id": p.pk,
            "display_name": str(p),
            "visible_fieldsets": fieldsets[p.pk],
            "given_name": p.given_name,
            "family_name": p.family_name,
            "birth_date": p.birth_date,
        }
        for p in rows
    ]
    return {"count": count, "page": params.page, "page_size": params.page_size, "results": results}


@persons_router.get(
    "/{int:person_id}", response=PersonOut, exclude_unset=True, summary="One person"
)
def person_detail(request: HttpRequest, person_id: int) -> dict[str, Any]:
    person = get_person_for_user(request.user, person_id)
    services.person_view(actor=request.user, person=person, purpose="api")
    return person_out(request.user, person)


@persons_router.post("", response={201: PersonOut}, exclude_unset=True, summary="Register a person")
def person_create(request: HttpRequest, payload: PersonIn) -> Status:
    _require_registry(request)
    try:
        person = services.person_create(
            actor=request.user,
            data=_person_data(payload, partial=False),
            confirm_similar=payload.confirm_similar,
        )
    except services.DuplicateCodiceFiscale as exc:
        visible = persons_visible_to(request.user).filter(pk=exc.existing.pk).exists()
        raise ConflictError(
            _("Esiste già una persona con questo codice fiscale (scheda n. %(id)s).")
            % {"id": exc.existing.pk}
            if visible
            else _(
                "Esiste già nella rete una persona con questo codice fiscale: chiedi di registrarla presso la tua organizzazione."
            ),
            field="codice_fiscale",
            code="duplicate_codice_fiscale",
        ) from exc
    return Status(201, person_out(request.user, person))


@persons_router.patch(
    "/{int:person_id}", response=PersonOut, exclude_unset=True, summary="Update a person"
)
def person_update(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    person = get_person_for_user(request.user, person_id)
    if not can_edit_person(request.user, person):
        raise PermissionDeniedError(_("La tua organizzazione non può modificare questa scheda."))
    person = services.person_update(
        actor=request.user, person=person, data=_person_data(payload, partial=True)
    )
    return person_out(request.user, person)


def _visible_member_ids(user: Any, households: list[Household]) -> set[int]:
    return set(
        persons_visible_to(user)
        .filter(household_memberships__household__in=households)
        .values_list("pk", flat=True)
    )


def household_out(
    user: Any, household: Household, visible_ids: set[int] | None = None
) -> dict[str, Any]:
    """The household with only the members the user's organization may see."""
    if visible_ids is None:
        visible_ids = _visible_member_ids(user, [household])
    members = [
        HouseholdMemberOut(
            id=m.pk,
            person_id=m.person_id,
            display_name=str(m.person),
            relationship=m.relationship,
            start_date=m.start_date,
            end_date=m.end_date,
        )
        for m in household.members.all()
        if m.person_id in visible_ids
    ]
    return {
        "id": household.pk,
        "name": household.name,
        "address": household.address,
        "neighbourhood_id": household.neighbourhood_id,
        "members": members,
    }


def _household_data(payload: HouseholdIn | HouseholdPatch, *, partial: bool) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=partial)
    if "neighbourhood_id" in data:
        neighbourhood_id = data.pop("neighbourhood_id")
        data["neighbourhood"] = (
            get_object_or_404(Neighbourhood, pk=neighbourhood_id) if neighbourhood_id else None
        )
    return data


@households_router.get("", response=HouseholdPage, summary="List households")
def household_list(request: HttpRequest, params: Query[PageQuery]) -> dict[str, Any]:
    _require_registry(request)
    queryset = (
        households_visible_to(request.user)
        .order_by("name", "id")
        .prefetch_related(Prefetch("members", HouseholdMember.objects.select_related("person")))
    )
    count, rows = _page(queryset, params)
    visible_ids = _visible_member_ids(request.user, rows)
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "results": [household_out(request.user, h, visible_ids) for h in rows],
    }


@households_router.get("/{int:household_id}", response=HouseholdOut, summary="One household")
def household_detail(request: HttpRequest, household_id: int) -> dict[str, Any]:
    household = get_household_for_user(request.user, household_id)
    return household_out(request.user, household)


@households_router.post("", response={201: HouseholdOut}, summary="Create a household")
def household_create(request: HttpRequest, payload: HouseholdIn) -> Status:
    _require_registry(request)
    household = services.household_create(
        actor=request.user, data=_household_data(payload, partial=False)
    )
    return Status(201, household_out(request.user, household))


@households_router.patch("/{int:household_id}", response=HouseholdOut, summary="Update a household")
def household_update(
    request: HttpRequest, household_id: int, payload: HouseholdPatch
) -> dict[str, Any]:
    household = get_household_for_user(request.user, household_id)
    household = services.household_update(
        actor=request.user, household=household, data=_household_data(payload, partial=True)
    )
    return household_out(request.user, household)
