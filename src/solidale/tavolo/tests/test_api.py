"""The coordination table API: same services and scoping as the pages."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas

from ..models import Need
from ..services import meeting_close, minutes_publish, minutes_save
from .factories import assigned_action, decided_meeting, reported_need, romagnano

pytestmark = pytest.mark.django_db


def _json(client: Any, method: str, url: str, payload: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json")


def test_meetings_are_listed_for_participants_only(personas: Personas, login) -> None:
    meeting, _ = decided_meeting(personas)
    operator = login(personas.association_operator)
    assert [m["id"] for m in operator.get("/api/v1/tavolo/meetings").json()] == [meeting.pk]
    assert login(personas.outsider).get("/api/v1/tavolo/meetings").json() == []
    assert login(personas.outsider).get(f"/api/v1/tavolo/meetings/{meeting.pk}").status_code == 404


def test_minutes_reach_participants_through_the_api_only_once_published(
    personas: Personas, login
) -> None:
    meeting, decision = decided_meeting(personas)
    minutes_save(
        actor=personas.coordinator, item=decision.agenda_item, text="Bozza", base_version=0
    )
    client = login(personas.association_operator)
    (item,) = client.get(f"/api/v1/tavolo/meetings/{meeting.pk}").json()["agenda"]
    assert item["minutes"] is None and item["decisions"] == []
    meeting_close(actor=personas.coordinator, meeting=meeting)
    minutes_publish(actor=personas.coordinator, meeting=meeting)
    (item,) = client.get(f"/api/v1/tavolo/meetings/{meeting.pk}").json()["agenda"]
    assert item["minutes"] == "Bozza"
    assert item["decisions"][0]["text"].startswith("Aprire un punto caldo")


def test_actions_are_created_and_progress_recorded(personas: Personas, login) -> None:
    _, decision = decided_meeting(personas)
    need = reported_need(personas)
    created = _json(
        login(personas.coordinator),
        "post",
        "/api/v1/tavolo/actions",
        {
            "decision_id": decision.pk,
            "title": "Coperte",
            "owner_organization_id": personas.cooperative.pk,
            "deadline": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "need_ids": [need.pk],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["overdue"] is True and body["needs"] == [need.pk]
    operator = login(personas.association_operator)
    overdue = operator.get("/api/v1/tavolo/actions?overdue=true").json()
    assert [action["id"] for action in overdue] == [body["id"]]
    updated = _json(operator, "patch", f"/api/v1/tavolo/actions/{body['id']}", {"status": "done"})
    assert updated.json()["status"] == "done"
    refused = _json(
        login(personas.outsider),
        "patch",
        f"/api/v1/tavolo/actions/{body['id']}",
        {"status": "done"},
    )
    assert refused.status_code == 404


def test_only_the_convener_assigns_actions(personas: Personas, login) -> None:
    _, decision = decided_meeting(personas)
    response = _json(
        login(personas.association_admin),
        "post",
        "/api/v1/tavolo/actions",
        {
            "decision_id": decision.pk,
            "title": "Coperte",
            "owner_organization_id": personas.cooperative.pk,
            "deadline": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_needs_with_personal_data_are_refused_with_the_field(personas: Personas, login) -> None:
    romagnano()
    client = login(personas.association_operator)
    payload = {
        "count": 5,
        "unit": "anziani",
        "title": "soli in casa",
        "category": "loneliness",
        "neighbourhood": "romagnano",
        "description": "per info mario.rossi@example.com",
    }
    refused = _json(client, "post", "/api/v1/tavolo/needs", payload)
    assert refused.status_code == 400
    assert "description" in json.dumps(refused.json()["error"])
    assert not Need.objects.exists()
    created = _json(client, "post", "/api/v1/tavolo/needs", {**payload, "description": ""})
    assert created.status_code == 201
    assert created.json()["neighbourhood"] == "romagnano"
    assert [n["id"] for n in login(personas.viewer).get("/api/v1/tavolo/needs").json()] == [
        created.json()["id"]
    ]


def test_a_pledge_delivered_meets_the_need(personas: Personas, login) -> None:
    need = reported_need(personas, count=3)
    client = login(personas.association_operator)
    pledge = _json(
        client, "post", f"/api/v1/tavolo/needs/{need.pk}/pledges", {"what": "Stufe", "quantity": 3}
    )
    assert pledge.status_code == 201
    delivered = _json(
        client, "patch", f"/api/v1/tavolo/pledges/{pledge.json()['id']}", {"status": "delivered"}
    )
    assert delivered.json()["need_status"] == "met"
    closed = _json(
        login(personas.social_worker), "patch", f"/api/v1/tavolo/needs/{need.pk}", {"closed": True}
    )
    assert closed.json()["status"] == "closed"


def test_the_owner_sees_its_action_through_the_api(personas: Personas, login) -> None:
    action = assigned_action(personas)
    assert login(personas.volunteer).get(f"/api/v1/tavolo/actions/{action.pk}").status_code == 200
    assert login(personas.citizen).get(f"/api/v1/tavolo/actions/{action.pk}").status_code == 403
