"""One household per unit per night, under real concurrent API requests."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from conftest import Personas, build_personas

from ..models import Placement, PlacementNight
from .factories import comune_household, unit

URL = "/api/v1/housing/placements"


@pytest.fixture
def racing_personas(transactional_db: None) -> Personas:
    return build_personas()


def _race(payloads: list[dict[str, Any]], user: Any) -> list[int]:
    start = threading.Barrier(len(payloads))
    statuses: list[int] = []

    def post(payload: dict[str, Any]) -> None:
        client = Client()
        client.force_login(user)
        try:
            start.wait()
            statuses.append(client.post(URL, payload, content_type="application/json").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(payload,)) for payload in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_concurrent_requests_never_put_two_households_in_one_unit(
    racing_personas: Personas,
) -> None:
    personas = racing_personas
    flat = unit(personas)
    households = [comune_household(personas, name=f"Corsa{i}", size=1)[0] for i in range(6)]
    today = timezone.localdate()
    for round_number in range(2):
        start = today + timedelta(days=20 * round_number)
        payloads = [
            {
                "unit_id": flat.pk,
                "household_id": household.pk,
                "cause": "eviction",
                "starts_on": (start + timedelta(days=index % 3)).isoformat(),
                "ends_on": (start + timedelta(days=10)).isoformat(),
            }
            for index, household in enumerate(households[3 * round_number : 3 * round_number + 3])
        ]
        statuses = _race(payloads, personas.social_worker)
        assert statuses.count(201) == 1, statuses
        assert set(statuses) <= {201, 409}
    assert Placement.objects.count() == 2
    nights = list(PlacementNight.objects.filter(unit=flat).values_list("night", flat=True))
    assert len(nights) == len(set(nights))
