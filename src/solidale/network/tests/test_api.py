"""The network API: the public HSDS 3.0 read API and the staff API over the same services."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import Personas

from ..hsds import hsds_id, pk_from_hsds_id
from ..models import Capacity, Service
from .factories import beds, published_service

pytestmark = pytest.mark.django_db

PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def test_hsds_ids_are_uuids_that_lead_back_to_the_row() -> None:
    value = hsds_id("service", 42)
    assert value == "5011da1e-0002-4000-8000-00000000002a"
    assert pk_from_hsds_id("service", value) == 42
    assert pk_from_hsds_id("location", value) is None
    assert pk_from_hsds_id("service", "not-a-uuid") is None


def test_the_hsds_service_list_is_public_and_paginated(personas: Personas, client: Client) -> None:
    for index in range(3):
        published_service(personas.cooperative, name=f"Servizio {index}")
    body = client.get("/api/v1/network/hsds/services", {"per_page": 2}).json()
    assert set(body) == PAGE_KEYS
    assert (body["total_items"], body["total_pages"], body["size"]) == (3, 2, 2)
    assert body["first_page"] and not body["last_page"] and not body["empty"]
    last = client.get("/api/v1/network/hsds/services", {"per_page": 2, "page": 2}).json()
    assert last["last_page"] and len(last["contents"]) == 1


def test_an_hsds_service_has_the_required_fields_and_its_links(
    personas: Personas, client: Client
) -> None:
    service = published_service(personas.cooperative, name="Dormitorio", languages="it,ar")
    beds(service, total=10, available=3)
    [item] = client.get("/api/v1/network/hsds/services").json()["contents"]
    assert {"id", "name", "status", "organization", "service_at_locations", "schedules"} <= set(
        item
    )
    assert item["id"] == hsds_id("service", service.pk)
    assert item["status"] == "active"
    assert [language["code"] for language in item["languages"]] == ["it", "ar"]
    assert (
        item["schedules"][0]["freq"] == "WEEKLY"
        and item["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    )
    location = item["service_at_locations"][0]["location"]
    assert {"id", "location_type", "name", "latitude", "longitude"} <= set(location)
    assert item["capacities"][0]["available"] == 3 and item["capacities"][0]["maximum"] == 10
    detail = client.get(f"/api/v1/network/hsds/services/{item['id']}").json()
    assert detail["name"] == "Dormitorio"


def test_an_unknown_hsds_id_is_404(client: Client) -> None:
    response = client.get(f"/api/v1/network/hsds/services/{hsds_id('location', 1)}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_hsds_organizations_and_locations_have_the_required_fields(
    personas: Personas, client: Client
) -> None:
    published_service(personas.cooperative)
    organizations = client.get("/api/v1/network/hsds/organizations").json()
    assert set(organizations) == PAGE_KEYS
    assert all({"id", "name", "description"} <= set(item) for item in organizations["contents"])
    locations = client.get("/api/v1/network/hsds/locations").json()
    assert {"id", "location_type", "name"} <= set(locations["contents"][0])


def test_an_org_admin_publishes_and_edits_a_service(personas: Personas, login) -> None:
    client = login(personas.association_admin)
    response = client.post(
        "/api/v1/network/services",
        {"name": "Doposcuola", "languages": "it", "need_categories": ["education"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    service_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/network/services/{service_id}",
        {"status": "temporarily closed"},
        content_type="application/json",
    )
    assert response.json()["status"] == "temporarily closed"
    assert Service.objects.get(pk=service_id).organization == personas.cooperative


def test_an_outsider_cannot_edit_another_organizations_service(personas: Personas, login) -> None:
    service = published_service(personas.cooperative)
    client = login(personas.outsider)
    response = client.patch(
        f"/api/v1/network/services/{service.pk}", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert (
        client.post(
            "/api/v1/network/services", {"name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_capacity_updates_through_the_api_stay_within_bounds(personas: Personas, login) -> None:
    service = published_service(personas.cooperative)
    capacity = beds(service, total=2, available=1)
    client = login(personas.association_operator)
    url = f"/api/v1/network/services/{service.pk}/capacity"
    response = client.post(url, {"kind": "beds", "delta": -1}, content_type="application/json")
    assert response.json()["available"] == 0
    response = client.post(url, {"kind": "beds", "delta": -1}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    response = client.post(url, {"kind": "beds", "available": 5}, content_type="application/json")
    assert response.status_code == 400
    assert Capacity.objects.get(pk=capacity.pk).available == 0
    outsider = login(personas.outsider)
    response = outsider.post(url, {"kind": "beds", "delta": 1}, content_type="application/json")
    assert response.status_code == 404


def test_an_org_admin_changes_its_profile_through_the_api(personas: Personas, login) -> None:
    client = login(personas.association_admin)
    response = client.patch(
        f"/api/v1/network/organizations/{personas.cooperative.pk}",
        {"legal_form": "coop_sociale", "areas": ["housing", "work"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["profile"]["areas"] == ["housing", "work"]
    response = client.patch(
        f"/api/v1/network/organizations/{personas.other_association.pk}",
        {"description": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
