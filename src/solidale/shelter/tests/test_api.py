"""The API over the same services: assignments, conflicts, idempotent encounters, errors."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import User

from ..models import Encounter, Stay
from . import factories

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def _post(client: Client, path: str, payload: dict[str, object]) -> Any:
    return client.post(
        f"/api/v1/shelter{path}", json.dumps(payload), content_type="application/json"
    )


def test_it_assigns_a_bed_and_answers_409_for_the_second(personas: Personas, login: Login) -> None:
    bed = factories.first_bed(factories.facility(personas))
    client = login(personas.association_operator)
    payload = {"bed_id": bed.pk, "night": factories.tonight().isoformat(), "alias": "Uno"}
    assert _post(client, "/stays", payload).status_code == 201
    second = _post(client, "/stays", {**payload, "alias": "Due"})
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"
    assert Stay.objects.count() == 1
    listed = client.get("/api/v1/shelter/stays").json()
    assert [row["guest_name"] for row in listed] == ["Uno"]


def test_check_out_before_check_in_is_a_400(personas: Personas, login: Login) -> None:
    bed = factories.first_bed(factories.facility(personas))
    client = login(personas.association_operator)
    stay = _post(
        client,
        "/stays",
        {"bed_id": bed.pk, "night": factories.tonight().isoformat(), "alias": "Uno"},
    ).json()
    response = _post(client, f"/stays/{stay['id']}/status", {"action": "check_out"})
    assert response.status_code == 400
    assert Stay.objects.get().status == "assigned"


def test_an_encounter_sent_twice_answers_201_then_200(personas: Personas, login: Login) -> None:
    factories.season(personas)
    outing = factories.outing(personas)
    client = login(personas.association_operator)
    payload = {
        "key": str(uuid.uuid4()),
        "round_id": outing.pk,
        "met_at": timezone.now().isoformat(),
        "latitude": 44.03,
        "longitude": 10.14,
        "alias": "Il Biondo",
        "goods": {"1": 2},
    }
    first = _post(client, "/encounters", payload)
    assert first.status_code == 201
    again = _post(client, "/encounters", payload)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Encounter.objects.count() == 1


def test_an_encounter_without_position_is_a_400_with_the_field(
    personas: Personas, login: Login
) -> None:
    factories.season(personas)
    outing = factories.outing(personas)
    client = login(personas.association_operator)
    response = _post(
        client,
        "/encounters",
        {"key": str(uuid.uuid4()), "round_id": outing.pk, "met_at": timezone.now().isoformat()},
    )
    assert response.status_code == 400
    assert "latitude" in response.json()["error"]["fields"]
    assert not Encounter.objects.exists()
