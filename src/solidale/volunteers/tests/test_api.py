"""The API: same services, same scoping, one error shape; a refusal changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import User

from ..models import Shift, Signup
from .factories import DISTRIBUTION, open_shift, signed_up, start, volunteer_record

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
BASE = "/api/v1/volunteers"


def _post(client: Client, path: str, payload: dict | None = None) -> Any:
    return client.post(path, json.dumps(payload or {}), content_type="application/json")


def test_a_volunteer_signs_up_through_the_api_and_sees_their_shifts(
    personas: Personas, login: Login
) -> None:
    volunteer_record(personas, user=personas.volunteer)
    shift = open_shift(personas, capacity=1)
    client = login(personas.volunteer)
    response = _post(client, f"{BASE}/shifts/{shift.pk}/signups")
    assert response.status_code == 201, response.content
    mine = client.get(f"{BASE}/me/shifts").json()
    assert [entry["shift"]["id"] for entry in mine] == [shift.pk]
    assert mine[0]["on_duty_now"] is False
    assert mine[0]["work_url"] == "/prova/banco/point:1/"


def test_a_full_shift_answers_409_with_the_error_shape(personas: Personas, login: Login) -> None:
    signup = signed_up(personas, capacity=1)
    client = login(personas.volunteer)
    response = _post(client, f"{BASE}/shifts/{signup.shift_id}/signups")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert "già iscritto" in error["message"]
    assert Shift.objects.get(pk=signup.shift_id).signed_count == 1


def test_a_malformed_shift_is_refused_with_the_field(personas: Personas, login: Login) -> None:
    starts = timezone.now() + timedelta(days=1)
    response = _post(
        login(personas.association_admin),
        f"{BASE}/shifts",
        {
            "activity": DISTRIBUTION,
            "target": "point:99",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "capacity": 2,
        },
    )
    assert response.status_code == 400
    assert "target" in response.json()["error"]["fields"]
    assert not Shift.objects.exists()


def test_hours_logged_and_confirmed_through_the_api(personas: Personas, login: Login) -> None:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    logged = _post(login(personas.volunteer), f"{BASE}/signups/{signup.pk}/hours", {"hours": "2.5"})
    assert logged.status_code == 200, logged.content
    assert logged.json()["hours_status"] == "logged"
    confirmed = _post(
        login(personas.association_admin), f"{BASE}/signups/{signup.pk}/confirm", {"confirm": True}
    )
    assert confirmed.json()["hours_status"] == "confirmed"
    report = login(personas.association_admin).get(f"{BASE}/hours").json()
    assert Decimal(report[0]["confirmed_hours"]) == Decimal("2.5")


def test_other_organizations_get_404_on_a_shift(personas: Personas, login: Login) -> None:
    signup = signed_up(personas)
    response = _post(login(personas.outsider), f"{BASE}/shifts/{signup.shift_id}/signups")
    assert response.status_code == 404
    assert Signup.objects.count() == 1


def test_the_registry_api_registers_a_volunteer_only_with_consent(
    personas: Personas, login: Login
) -> None:
    client = login(personas.association_admin)
    refused = _post(client, f"{BASE}/volunteers", {"full_name": "Senza Consenso"})
    assert refused.status_code == 400
    assert "consent" in refused.json()["error"]["fields"]
    created = _post(
        client,
        f"{BASE}/volunteers",
        {"full_name": "Con Consenso", "skills": ["first_aid"], "consent": True},
    )
    assert created.status_code == 201
    assert created.json()["skills"] == ["first_aid"]
