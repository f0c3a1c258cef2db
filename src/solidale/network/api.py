"""The network API: the public HSDS 3.0 read API (``/hsds/…``, no authentication) so other
directories can consume ours, and the staff API over the same services as the pages
(organization profile, services, capacity)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import Neighbourhood

from . import services
from .hsds import (
    hsds_locations,
    hsds_organizations,
    hsds_services,
    location_json,
    organization_json,
    pk_from_hsds_id,
    service_json,
)
from .models import Capacity, CapacityKind, NeedCategory, OrganizationProfile, Service
from .permissions import (
    capacities_updatable_by,
    get_organization_for_edit,
    get_organization_for_user,
    get_service_for_edit,
    organizations_visible_to,
    require_staff,
    services_of_my_organization,
    user_may_edit_services,
)

router = Router(tags=["network"])

# --- Public HSDS 3.0 read API ----------------------------------------------------------


class HsdsPageQuery(Schema):
    page: int = Field(1, ge=1, description="HSDS page number, from 1.")
    per_page: int = Field(50, ge=1, le=200, description="Items per page.")
    search: str = Field("", max_length=100, description="Words in the name or description.")


class HsdsPage(Schema):
    """The HSDS 3.0 API page envelope."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


def _hsds_page(queryset: QuerySet[Any], params: HsdsPageQuery, serialize: Any) -> dict[str, Any]:
    total = queryset.count()
    start = (params.page - 1) * params.per_page
    contents = [serialize(item) for item in queryset[start : start + params.per_page]]
    total_pages = max(1, math.ceil(total / params.per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": params.page,
        "size": params.per_page,
        "first_page": params.page == 1,
        "last_page": params.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


@router.get(
    "/hsds/services", response=HsdsPage, auth=None, summary="HSDS 3.0: list services (public)"
)
def hsds_service_list(request: HttpRequest, params: Query[HsdsPageQuery]) -> dict[str, Any]:
    services_qs = hsds_services()
    if params.search.strip():
        services_qs = services_qs.filter(name__icontains=params.search.strip())
    return _hsds_page(services_qs, params, service_json)


@router.get(
    "/hsds/services/{service_id}",
    response=dict[str, Any],
    auth=None,
    summary="HSDS 3.0: one service (public)",
)
def hsds_service_detail(request: HttpRequest, service_id: str) -> dict[str, Any]:
    pk = pk_from_hsds_id("service", service_id)
    service = hsds_services().filter(pk=pk).first() if pk is not None else None
    if service is None:
        raise Http404
    return service_json(service)


@router.get(
    "/hsds/organizations",
    response=HsdsPage,
    auth=None,
    summary="HSDS 3.0: list organizations (public)",
)
def hsds_organization_list(request: HttpRequest, params: Query[HsdsPageQuery]) -> dict[str, Any]:
    organizations = hsds_organizations()
    if params.search.strip():
        organizations = organizations.filter(name__icontains=params.search.strip())
    return _hsds_page(organizations, params, organization_json)


@router.get(
    "/hsds/locations", response=HsdsPage, auth=None, summary="HSDS 3.0: list locations (public)"
)
def hsds_location_list(request: HttpRequest, params: Query[HsdsPageQuery]) -> dict[str, Any]:
    locations = hsds_locations()
    if params.search.strip():
        locations = locations.filter(name__icontains=params.search.strip())
    return _hsds_page(locations, params, location_json)


# --- Staff API ---------------------------------------------------------------------------


class ProfileOut(Schema):
    legal_form: str
    description: str
    website: str
    public_email: str
    public_phone: str
    contact_role: str
    areas: list[str]
    neighbourhoods: list[str]


class OrganizationOut(Schema):
    id: int
    name: str
    kind: str
    runts_number: str
    profile: ProfileOut | None


class ProfilePatch(Schema):
    legal_form: str | None = None
    description: str | None = None
    website: str | None = None
    public_email: str | None = None
    public_phone: str | None = None
    contact_role: str | None = None
    areas: list[str] | None = Field(None, description="Need category codes.")
    neighbourhoods: list[str] | None = Field(None, description="Neighbourhood slugs.")


def _organization_out(organization: Any) -> dict[str, Any]:
    profile = OrganizationProfile.objects.filter(organization=organization).first()
    return {
        "id": organization.pk,
        "name": organization.name,
        "kind": organization.kind,
        "runts_number": organization.runts_number,
        "profile": (
            {
                "legal_form": profile.legal_form,
                "description": profile.description,
                "website": profile.website,
                "public_email": profile.public_email,
                "public_phone": profile.public_phone,
                "contact_role": profile.contact_role,
                "areas": list(profile.areas.values_list("code", flat=True)),
                "neighbourhoods": list(profile.neighbourhoods.values_list("slug", flat=True)),
            }
            if profile
            else None
        ),
    }


@router.get("/organizations", response=list[OrganizationOut], summary="List organizations")
def organization_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _organization_out(item) for item in organizations_visible_to(request.user).order_by("name")
    ]


@router.get("/organizations/{organization_id}", response=OrganizationOut, summary="An organization")
def organization_detail(request: HttpRequest, organization_id: int) -> dict[str, Any]:
    return _organization_out(get_organization_for_user(request.user, organization_id))


@router.patch(
    "/organizations/{organization_id}",
    response=OrganizationOut,
    summary="Change an organization's profile (its admins, Comune coordinators)",
)
def organization_update(
    request: HttpRequest, organization_id: int, payload: ProfilePatch
) -> dict[str, Any]:
    organization = get_organization_for_edit(request.user, organization_id)
    data = payload.model_dump(exclude_unset=True)
    areas = data.pop("areas", None)
    neighbourhoods = data.pop("neighbourhoods", None)
    services.organization_profile_update(
        organization=organization,
        data=data,
        areas=NeedCategory.objects.filter(code__in=areas) if areas is not None else None,
        neighbourhoods=(
            Neighbourhood.objects.filter(slug__in=neighbourhoods)
            if neighbourhoods is not None
            else None
        ),
        actor=request.user,
    )
    return _organization_out(organization)


class CapacityOut(Schema):
    id: int
    kind: str
    total: int
    available: int
    updated_at: datetime


class ServiceOut(Schema):
    id: int
    organization_id: int
    name: str
    description: str
    status: str
    need_categories: list[str]
    eligibility_description: str
    languages: str
    is_free: bool
    fees_description: str
    required_documents: str
    application_process: str
    url: str
    email: str
    phone: str
    last_confirmed_at: datetime | None
    capacities: list[CapacityOut]


class ServicePatch(Schema):
    name: str | None = Field(None, max_length=200)
    description: str | None = None
    status: str | None = None
    eligibility_description: str | None = None
    languages: str | None = Field(None, max_length=100)
    is_free: bool | None = None
    fees_description: str | None = Field(None, max_length=255)
    required_documents: str | None = None
    application_process: str | None = None
    url: str | None = None
    email: str | None = None
    phone: str | None = Field(None, max_length=30)
    need_categories: list[str] | None = Field(None, description="Need category codes.")


class ServiceIn(ServicePatch):
    name: str = Field(..., max_length=200)


def _service_out(service: Service) -> dict[str, Any]:
    return {
        **{
            name: getattr(service, name) for name in ServiceOut.model_fields if name != "capacities"
        },
        "organization_id": service.organization_id,
        "need_categories": list(service.need_categories.values_list("code", flat=True)),
        "capacities": list(Capacity.objects.filter(service=service).order_by("kind")),
    }


def _service_data(payload: ServicePatch) -> tuple[dict[str, Any], Any]:
    data = payload.model_dump(exclude_unset=True)
    codes = data.pop("need_categories", None)
    for key in ("description", "eligibility_description", "required_documents", "url", "email"):
        if key in data and data[key] is None:
            data[key] = ""
    categories = NeedCategory.objects.filter(code__in=codes) if codes is not None else None
    return data, categories


@router.get("/services", response=list[ServiceOut], summary="My organization's services")
def service_list(request: HttpRequest) -> list[dict[str, Any]]:
    require_staff(request.user)
    return [
        _service_out(service)
        for service in services_of_my_organization(request.user).order_by("name", "pk")
    ]


@router.post(
    "/services",
    response={201: ServiceOut},
    summary="Publish a service of my organization (its admins, Comune coordinators)",
)
def service_create(request: HttpRequest, payload: ServiceIn) -> Status[dict[str, Any]]:
    require_staff(request.user)
    if not user_may_edit_services(request.user):
        raise PermissionDeniedError(
            _("Solo gli amministratori dell'organizzazione o i coordinatori del Comune.")
        )
    data, categories = _service_data(payload)
    service = services.service_create(
        organization=request.user.membership.organization,  # type: ignore[union-attr]
        data=data,
        need_categories=categories if categories is not None else (),
        actor=request.user,
    )
    return Status(201, _service_out(service))


@router.get("/services/{service_id}", response=ServiceOut, summary="A service I may edit")
def service_detail(request: HttpRequest, service_id: int) -> dict[str, Any]:
    return _service_out(get_service_for_edit(request.user, service_id))


@router.patch("/services/{service_id}", response=ServiceOut, summary="Change a service")
def service_update(request: HttpRequest, service_id: int, payload: ServicePatch) -> dict[str, Any]:
    service = get_service_for_edit(request.user, service_id)
    data, categories = _service_data(payload)
    service = services.service_update(
        service=service, data=data, need_categories=categories, actor=request.user
    )
    return _service_out(service)


@router.post(
    "/services/{service_id}/confirm",
    response=ServiceOut,
    summary="Confirm that a service's entry is still valid",
)
def service_confirm(request: HttpRequest, service_id: int) -> dict[str, Any]:
    service = get_service_for_edit(request.user, service_id)
    return _service_out(services.service_confirm(service=service, actor=request.user))


class CapacityIn(Schema):
    kind: CapacityKind
    delta: int | None = Field(None, description="Add (or, negative, take) this many.")
    available: int | None = Field(None, ge=0, description="Or set the counted number.")
    total: int | None = Field(None, ge=0, description="With ``available``: a new total.")


@router.post(
    "/services/{service_id}/capacity",
    response=CapacityOut,
    summary="Update a service's live capacity (its organization's staff)",
)
def capacity_update(request: HttpRequest, service_id: int, payload: CapacityIn) -> Capacity:
    capacity = get_object_or_404(
        capacities_updatable_by(request.user).select_related("service__organization"),
        service_id=service_id,
        kind=payload.kind,
    )
    if payload.delta is not None:
        return services.capacity_adjust(capacity=capacity, delta=payload.delta, actor=request.user)
    if payload.available is None:
        raise DomainError(_("Indica delta oppure available."), field="available")
    return services.capacity_set(
        capacity=capacity, available=payload.available, total=payload.total, actor=request.user
    )
