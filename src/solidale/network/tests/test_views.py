"""The network pages: the public directory, the organization's pages, the capacity page."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import Organization
from solidale.accounts.services import organization_create

from ..models import Capacity, Schedule, Service
from ..services import agreement_create, organization_profile_update, schedule_add
from .factories import beds, neighbourhood, published_service

pytestmark = pytest.mark.django_db


def directory(client: Client, **query: str) -> str:
    response = client.get(reverse("network:directory"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_citizen_finds_services_by_need_and_neighbourhood_without_logging_in(
    personas: Personas, client: Client
) -> None:
    centro, marina = neighbourhood("Centro"), neighbourhood("Marina di Massa", 44.00, 10.10)
    published_service(personas.cooperative, name="Mensa del Ponte", needs=("food",), place=centro)
    published_service(
        personas.other_association, name="Dormitorio Altrove", needs=("homelessness",), place=marina
    )
    page = directory(client, need="food")
    assert "Mensa del Ponte" in page and "Dormitorio Altrove" not in page
    page = directory(client, neighbourhood="marina-di-massa")
    assert "Dormitorio Altrove" in page and "Mensa del Ponte" not in page
    page = directory(client, q="altrove")
    assert "Dormitorio Altrove" in page and "Mensa del Ponte" not in page


def test_the_directory_filters_by_language_and_open_now(personas: Personas, client: Client) -> None:
    published_service(personas.cooperative, name="Sportello arabo", languages="it,ar")
    night = published_service(personas.cooperative, name="Sempre aperto")
    schedule_add(service=night, freq="DAILY", opens_at=time(0), closes_at=time(23, 59), actor=None)
    night.schedules.exclude(freq="DAILY").delete()
    Schedule.objects.filter(service__name="Sportello arabo").update(byday="")
    page = directory(client, language="ar")
    assert "Sportello arabo" in page and "Sempre aperto" not in page
    page = directory(client, open_now="on")
    assert "Sempre aperto" in page and "Sportello arabo" not in page


def test_the_directory_hides_defunct_services(personas: Personas, client: Client) -> None:
    service = published_service(personas.cooperative, name="Chiuso per sempre")
    Service.objects.filter(pk=service.pk).update(status="defunct")
    assert "Chiuso per sempre" not in directory(client)
    assert client.get(reverse("network:directory_service", args=[service.pk])).status_code == 404


def test_the_directory_shows_availability_and_its_age(personas: Personas, client: Client) -> None:
    service = published_service(personas.cooperative, name="Dormitorio")
    capacity = beds(service, total=20, available=4)
    Capacity.objects.filter(pk=capacity.pk).update(updated_at=timezone.now() - timedelta(hours=3))
    page = client.get(reverse("network:directory_service", args=[service.pk])).content.decode()
    page = page.replace("\xa0", " ")  # timesince keeps the number and its unit together
    assert "4 disponibili su 20" in page
    assert "aggiornato 3 ore fa" in page
    assert "4 disponibili su 20" in directory(client)


def test_the_directory_shows_no_personal_data(personas: Personas, client: Client) -> None:
    service = published_service(personas.cooperative, actor=personas.association_admin)
    capacity = beds(service)
    from ..services import capacity_adjust

    capacity_adjust(capacity=capacity, delta=-1, actor=personas.association_operator)
    pages = (
        directory(client)
        + client.get(reverse("network:directory_service", args=[service.pk])).content.decode()
    )
    for user in (personas.association_admin, personas.association_operator):
        assert user.email not in pages
        assert user.full_name not in pages


def test_the_directory_runs_a_fixed_number_of_queries(personas: Personas, client: Client) -> None:
    published_service(personas.cooperative, name="Primo")
    with CaptureQueriesContext(connection) as few:
        directory(client)
    for index in range(12):
        organization = organization_create(
            actor=None, name=f"Ente {index}", kind=Organization.Kind.ETS
        )
        beds(published_service(organization, name=f"Servizio {index}", needs=("food", "housing")))
    with CaptureQueriesContext(connection) as many:
        page = directory(client, need="food", neighbourhood="centro", language="it")
    assert "Servizio 11" in page
    with CaptureQueriesContext(connection) as unfiltered:
        directory(client)
    assert len(many) == len(unfiltered) == len(few)


def test_the_map_data_holds_boundaries_and_markers(personas: Personas, client: Client) -> None:
    published_service(personas.cooperative, name="Mensa")
    response = client.get(reverse("network:directory"))
    data = response.context["map_data"]
    assert data["neighbourhoods"][0]["boundary"]["type"] == "Polygon"
    assert data["markers"][0]["title"] == "Mensa"
    assert 'id="directory-map-data" type="application/json"' in response.content.decode()


def test_an_htmx_search_renders_only_the_results(personas: Personas, client: Client) -> None:
    published_service(personas.cooperative, name="Mensa")
    response = client.get(
        reverse("network:directory"), {"q": "mensa"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Mensa" in body and "<html" not in body


def test_the_hsds_export_is_a_datapackage_of_csv_files(personas: Personas, client: Client) -> None:
    service = published_service(personas.cooperative, name="Mensa del Ponte")
    beds(service)
    response = client.get(reverse("network:hsds_export"))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "datapackage.json",
        "organizations.csv",
        "services.csv",
        "locations.csv",
        "service_at_locations.csv",
        "schedules.csv",
    } <= names
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["profile"] == "tabular-data-package"
    assert {resource["path"] for resource in descriptor["resources"]} == names - {
        "datapackage.json"
    }
    services_csv = archive.read("services.csv").decode()
    assert services_csv.splitlines()[0].startswith("id,organization_id,program_id,name")
    assert "Mensa del Ponte" in services_csv
    assert "MO,TU,WE,TH,FR" in archive.read("schedules.csv").decode()


def test_the_json_export_holds_hsds_objects(personas: Personas, client: Client) -> None:
    published_service(personas.cooperative, name="Mensa del Ponte")
    data = client.get(reverse("network:hsds_export"), {"format": "json"}).json()
    assert data["services"][0]["name"] == "Mensa del Ponte"
    assert {"organizations", "services", "locations"} <= set(data)


def test_an_association_admin_edits_only_its_own_profile(personas: Personas, login) -> None:
    client = login(personas.association_admin)
    own = reverse("network:organization_update", args=[personas.cooperative.pk])
    response = client.post(own, {"description": "Accoglienza", "legal_form": "coop_sociale"})
    assert response.status_code == 302
    other = reverse("network:organization_update", args=[personas.other_association.pk])
    assert client.get(other).status_code == 404
    assert client.post(other, {"description": "Rubata"}).status_code == 404


def test_an_association_edits_only_its_own_services(personas: Personas, login) -> None:
    service = published_service(personas.cooperative, name="Mensa")
    client = login(personas.outsider)
    assert client.get(reverse("network:service_update", args=[service.pk])).status_code == 404
    assert client.post(reverse("network:service_confirm", args=[service.pk])).status_code == 404
    client = login(personas.association_admin)
    response = client.post(
        reverse("network:service_update", args=[service.pk]),
        {"name": "Mensa del Ponte", "status": "active", "languages": "it, en", "is_free": "on"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.languages) == ("Mensa del Ponte", "it,en")


def test_the_organization_page_shows_agreements_to_staff_only(
    personas: Personas, login, client: Client
) -> None:
    today = timezone.localdate()
    agreement_create(
        organization=personas.cooperative,
        kind="convenzione",
        title="Mensa sociale 2026",
        valid_from=today,
        valid_to=today + timedelta(days=365),
        actor=personas.coordinator,
    )
    organization_profile_update(
        organization=personas.cooperative, data={"description": "Cooperativa"}, actor=None
    )
    url = reverse("network:organization_detail", args=[personas.cooperative.pk])
    assert "Mensa sociale 2026" in login(personas.outsider).get(url).content.decode()
    client.logout()
    assert client.get(url).status_code == 302
    assert login(personas.citizen).get(url).status_code == 404


def test_an_operator_updates_capacity_from_the_phone_page(personas: Personas, login) -> None:
    capacity = beds(published_service(personas.cooperative), total=3, available=1)
    client = login(personas.association_operator)
    url = reverse("network:capacity_update", args=[capacity.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"delta": "-1"}).status_code == 302
    response = client.post(url, {"delta": "-1"})
    assert response.status_code == 400
    assert "ne restano 0" in response.content.decode()
    response = client.post(url, {"available": "3"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert Capacity.objects.get(pk=capacity.pk).available == 3
    assert login(personas.outsider).post(url, {"delta": "1"}).status_code == 404


def test_the_service_list_offers_to_confirm_stale_entries(personas: Personas, login) -> None:
    service = published_service(personas.cooperative, name="Mensa")
    Service.objects.filter(pk=service.pk).update(
        last_confirmed_at=timezone.now() - timedelta(days=100)
    )
    client = login(personas.association_admin)
    assert "da confermare" in client.get(reverse("network:service_list")).content.decode()
    client.post(reverse("network:service_confirm", args=[service.pk]))
    assert "da confermare" not in client.get(reverse("network:service_list")).content.decode()


def test_the_service_edit_page_adds_places_hours_and_capacity(personas: Personas, login) -> None:
    service = published_service(personas.cooperative, name="Mensa")
    client = login(personas.association_admin)
    assert client.get(reverse("network:service_update", args=[service.pk])).status_code == 200
    client.post(
        reverse("network:location_add", args=[service.pk]),
        {"name": "Sede due", "city": "Massa", "latitude": "44.03", "longitude": "10.14"},
    )
    client.post(
        reverse("network:schedule_add", args=[service.pk]),
        {"byday": ["SA", "SU"], "opens_at": "20:00", "closes_at": "08:00"},
    )
    client.post(
        reverse("network:capacity_add", args=[service.pk]),
        {"kind": "meals", "total": "80", "available": "80"},
    )
    assert service.service_at_locations.count() == 2
    assert service.schedules.filter(byday="SA,SU").exists()
    assert service.capacities.get().total == 80
    response = client.post(
        reverse("network:schedule_add", args=[service.pk]),
        {"byday": ["MO"], "opens_at": "09:00", "closes_at": "09:00"},
    )
    assert response.status_code == 400
    assert "diverso da quello di apertura" in response.content.decode()


def test_the_landing_page_lists_agreements_about_to_expire(personas: Personas, login) -> None:
    today = timezone.localdate()
    agreement_create(
        organization=personas.cooperative,
        kind="coprogettazione",
        title="Accoglienza invernale",
        valid_from=today - timedelta(days=300),
        valid_to=today + timedelta(days=20),
        actor=personas.coordinator,
    )
    page = login(personas.coordinator).get(reverse("core:home")).content.decode()
    assert "Accordi con il Comune in scadenza" in page
    assert "Accoglienza invernale" in page
