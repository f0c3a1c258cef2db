"""Open311 GeoReport v2: what an existing Open311 app sends and expects, in JSON and XML."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.utils import timezone

from conftest import Personas

from ..models import Report
from ..services import open311_client_create, report_set_status
from .factories import INSIDE, OUTSIDE, centro, elderly_report, published, streetlight_report

pytestmark = pytest.mark.django_db
BASE = "/neighbourhoods/open311/v2"


@pytest.fixture
def api_key(personas: Personas) -> str:
    centro()
    _client, key = open311_client_create(actor=personas.coordinator, name="FixMyStreet Massa")
    return key


def _post(client: Client, fmt: str = "json", **data: Any) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data)


def test_the_service_list_in_json_and_xml(client: Client) -> None:
    services = client.get(f"{BASE}/services.json").json()
    lighting = next(s for s in services if s["service_code"] == "illuminazione")
    assert lighting == {
        "service_code": "illuminazione",
        "service_name": "Illuminazione pubblica",
        "description": "Lampioni spenti o guasti.",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "Spazi pubblici",
    }
    root = ElementTree.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    assert {s.findtext("service_code") for s in root.findall("service")} >= {
        "illuminazione",
        "anziano-solo",
    }
    assert root.find("service/metadata").text == "false"


def test_the_service_definition(client: Client) -> None:
    assert client.get(f"{BASE}/services/illuminazione.json").json() == {
        "service_code": "illuminazione",
        "attributes": [],
    }
    root = ElementTree.fromstring(client.get(f"{BASE}/services/illuminazione.xml").content)
    assert root.tag == "service_definition" and root.findtext("service_code") == "illuminazione"
    missing = client.get(f"{BASE}/services/nessuna.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


def test_an_app_creates_a_request_and_reads_it_back(
    client: Client, api_key: str, personas: Personas
) -> None:
    created = _post(
        client,
        api_key=api_key,
        jurisdiction_id="comune.massa.ms.it",
        service_code="illuminazione",
        lat=INSIDE[0],
        long=INSIDE[1],
        address_string="Via Cavour 12",
        email="app@example.invalid",
        description="Lampione spento da giorni",
    )
    assert created.status_code == 201
    (row,) = created.json()
    assert set(row) == {"service_request_id", "token", "service_notice", "account_id"}
    report = Report.objects.get()
    assert row["service_request_id"] == report.tracking_code
    assert report.client is not None and report.contact_email == "app@example.invalid"
    assert "verifica" in row["service_notice"]
    assert client.get(f"{BASE}/requests/{report.tracking_code}.json").status_code == 404
    published(report, personas.coordinator)
    (one,) = client.get(f"{BASE}/requests/{report.tracking_code}.json").json()
    assert one["status"] == "open"
    assert one["service_code"] == "illuminazione"
    assert one["lat"] == INSIDE[0] and one["long"] == INSIDE[1]
    assert one["agency_responsible"] == "Comune di Massa — Servizi Sociali"
    assert "contact_email" not in one and "email" not in one
    token = client.get(f"{BASE}/tokens/{row['token']}.json").json()
    assert token == [{"service_request_id": report.tracking_code, "token": row["token"]}]


def test_the_xml_create_answer(client: Client, api_key: str) -> None:
    created = _post(
        client,
        "xml",
        api_key=api_key,
        service_code="illuminazione",
        address_string="Piazza Aranci",
        description="Lampione spento in piazza",
    )
    root = ElementTree.fromstring(created.content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text.startswith("SEG-")


def test_get_requests_filters_by_status_code_and_dates(client: Client, personas: Personas) -> None:
    open_one = published(streetlight_report(), personas.coordinator)
    closed = report_set_status(
        actor=personas.desk_operator,
        report=published(streetlight_report(latitude=INSIDE[0] + 0.01), personas.coordinator),
        status="closed",
        note="Non di competenza comunale",
    )
    assert {
        r["service_request_id"] for r in client.get(f"{BASE}/requests.json?status=open").json()
    } == {open_one.tracking_code}
    (row,) = client.get(f"{BASE}/requests.json?status=closed").json()
    assert row["status"] == "closed" and row["status_notes"] == "Non di competenza comunale"
    assert client.get(f"{BASE}/requests.json?service_code=degrado-urbano").json() == []
    ids = client.get(
        f"{BASE}/requests.json?service_request_id={open_one.tracking_code},{closed.tracking_code}"
    ).json()
    assert len(ids) == 2
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get(f"{BASE}/requests.json", {"start_date": future}).status_code == 400
    root = ElementTree.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert len(root.findall("request")) == 2


def test_sensitive_requests_are_never_returned(client: Client, personas: Personas) -> None:
    report = elderly_report()
    listing = client.get(f"{BASE}/requests.json").content.decode()
    assert report.tracking_code not in listing and "Zanobetti" not in listing
    assert client.get(f"{BASE}/requests/{report.tracking_code}.json").status_code == 404


def test_a_request_without_a_valid_api_key_is_refused(client: Client) -> None:
    response = _post(
        client,
        api_key="sbagliata",
        service_code="illuminazione",
        address_string="x",
        description="Lampione spento",
    )
    assert response.status_code == 403
    assert response.json()[0]["code"] == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"service_code": "nessuna", "address_string": "Via Roma 1"}, "service_code"),
        ({"service_code": "illuminazione"}, "lat e long"),
        (
            {"service_code": "illuminazione", "lat": OUTSIDE[0], "long": OUTSIDE[1]},
            "fuori dal territorio",
        ),
        ({"service_code": "illuminazione", "lat": "nord", "long": "est"}, "posizione"),
        (
            {"service_code": "illuminazione", "address_string": "Via Roma", "description": "x"},
            "description",
        ),
    ],
)
def test_malformed_requests_get_an_open311_error(
    client: Client, api_key: str, data: dict[str, Any], words: str
) -> None:
    response = _post(client, api_key=api_key, **{"description": "Lampione spento da ieri", **data})
    assert response.status_code == 400
    (error,) = response.json()
    assert error["code"] == 400 and words in error["description"]
    xml = _post(
        client, "xml", api_key=api_key, **{"description": "Lampione spento da ieri", **data}
    )
    assert ElementTree.fromstring(xml.content).find("error/code").text == "400"
    assert not Report.objects.exists()


def test_an_unknown_jurisdiction_or_format_is_an_error(client: Client) -> None:
    assert client.get(f"{BASE}/services.json?jurisdiction_id=altrove").status_code == 404
    response = client.get(f"{BASE}/services.csv")
    assert response.status_code == 404 and json.loads(response.content)[0]["code"] == 404
