"""The API: GeoJSON neighbourhoods, reports in scope, presidi, events, errors in one shape."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import User

from ..models import Report
from .factories import INSIDE, OUTSIDE, centro, elderly_report, event, presidio, streetlight_report

pytestmark = pytest.mark.django_db
API = "/api/v1/neighbourhoods"


def test_neighbourhoods_are_geojson_for_anyone(client: Client) -> None:
    centro()
    collection = client.get(f"{API}/areas").json()
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["slug"] == "centro"
    assert client.get(f"{API}/areas/centro").json()["properties"]["name"] == "Centro"


def test_handlers_list_their_reports_and_change_status(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    report = streetlight_report()
    client = login(personas.desk_operator)
    (row,) = [r for r in client.get(f"{API}/reports").json() if r["id"] == report.pk]
    assert row["category"] == "illuminazione"
    response = client.post(
        f"{API}/reports/{report.pk}/status",
        json.dumps({"status": "resolved", "note": "Lampada cambiata"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "resolved"


def test_a_bad_status_is_a_json_error_and_changes_nothing(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    report = streetlight_report()
    response = login(personas.desk_operator).post(
        f"{API}/reports/{report.pk}/status",
        json.dumps({"status": "closed"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"note": [response.json()["error"]["message"]]}
    report.refresh_from_db()
    assert report.status == "received"


def test_other_organizations_get_404_on_a_sensitive_report(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    report = elderly_report()
    assert login(personas.association_operator).get(f"{API}/reports/{report.pk}").status_code == 404


def test_a_citizen_sends_a_report_and_sees_only_its_status(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    centro()
    client = login(personas.citizen)
    response = client.post(
        f"{API}/reports",
        json.dumps(
            {
                "category": "barriere-architettoniche",
                "description": "Scivolo rotto davanti alla posta",
                "latitude": INSIDE[0],
                "longitude": INSIDE[1],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Report.objects.get().reporter == personas.citizen
    (mine,) = client.get(f"{API}/reports/mine").json()
    assert set(mine) == {
        "tracking_code",
        "category",
        "status",
        "status_note",
        "created_at",
        "status_changed_at",
    }
    assert client.get(f"{API}/reports").status_code == 403


def test_a_position_outside_the_town_is_refused_by_the_api(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    centro()
    response = login(personas.citizen).post(
        f"{API}/reports",
        json.dumps(
            {
                "category": "illuminazione",
                "description": "Lampione spento in via Roma",
                "latitude": OUTSIDE[0],
                "longitude": OUTSIDE[1],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400 and "latitude" in response.json()["error"]["fields"]
    assert not Report.objects.exists()


def test_presidi_sessions_and_events(personas: Personas, login: Callable[[User], Client]) -> None:
    activity = presidio(personas)
    staff = login(personas.social_worker)
    assert [p["id"] for p in staff.get(f"{API}/presidi").json()] == [activity.pk]
    response = staff.post(
        f"{API}/presidi/{activity.pk}/sessions",
        json.dumps({"date": timezone.localdate().isoformat(), "attendance": 9}),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["attendance"] == 9
    assembly = event(personas, capacity=10)
    citizen = login(personas.citizen)
    assert citizen.post(f"{API}/events/{assembly.pk}/registrations").json()["registered"] == 1
    proposal = citizen.post(
        f"{API}/events/{assembly.pk}/proposals",
        json.dumps({"title": "Giochi", "text": "Nuovi giochi per i bambini piccoli"}),
        content_type="application/json",
    )
    assert proposal.status_code == 201 and proposal.json()["status"] == "submitted"
    assert [e["id"] for e in Client().get(f"{API}/events").json()] == [assembly.pk]
