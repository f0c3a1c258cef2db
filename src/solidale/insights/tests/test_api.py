"""The insights API: figures, the alert inbox and exports, with the pages' rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import Personas

from ..models import AlertItem, AlertStatus, ExportJob
from ..services import alerts_run
from .factories import accesses, neighbourhood, old_case, refreshed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(tmp_path, settings) -> None:
    settings.MEDIA_ROOT = tmp_path


def _post(client: Any, url: str, payload: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_figures_follow_the_role(personas: Personas, login) -> None:
    accesses(personas, 3, area=neighbourhood())
    refreshed()
    figures = login(personas.coordinator).get("/api/v1/insights/figures").json()
    accesses_figure = next(f for f in figures["figures"] if f["key"] == "desk.accesses")
    assert accesses_figure["value"] == 3 and figures["people_reached"] == 3
    viewer = login(personas.viewer).get("/api/v1/insights/figures").json()
    hidden = next(f for f in viewer["figures"] if f["key"] == "desk.accesses")
    assert hidden == {**hidden, "value": None, "suppressed": True}
    operator = login(personas.association_operator).get("/api/v1/insights/figures").json()
    assert next(f for f in operator["figures"] if f["key"] == "desk.accesses")["value"] == 0
    bad = login(personas.coordinator).get("/api/v1/insights/figures?period=week")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]


def test_alerts_close_through_the_api_only_with_an_outcome(personas: Personas, login) -> None:
    old_case(personas, days=60)
    refreshed()
    alerts_run()
    client = login(personas.social_worker)
    [item] = client.get("/api/v1/insights/alerts").json()
    url = f"/api/v1/insights/alerts/{item['id']}/close"
    response = _post(client, url, {"outcome": "contacted", "note": ""})
    assert response.status_code == 400 and "note" in response.json()["error"]["fields"]
    assert AlertItem.objects.get().status == AlertStatus.OPEN
    closed = _post(client, url, {"outcome": "contacted", "note": "Visita fatta"}).json()
    assert closed["status"] == "closed"
    assert _post(client, url, {"outcome": "contacted", "note": "Ancora"}).status_code == 409


def test_exports_through_the_api(personas: Personas, login) -> None:
    accesses(personas, 2)
    client = login(personas.desk_operator)
    response = _post(client, "/api/v1/insights/exports", {"source": "desk.accesses"})
    assert response.status_code == 400 and "purpose" in response.json()["error"]["fields"]
    assert not ExportJob.objects.exists()
    created = _post(
        client,
        "/api/v1/insights/exports",
        {"source": "desk.accesses", "format": "xlsx", "purpose": "Controllo di qualità"},
    ).json()
    assert created["state"] == "done" and created["download_url"]
    other = login(personas.social_worker).get(f"/api/v1/insights/exports/{created['id']}")
    assert other.status_code == 404
