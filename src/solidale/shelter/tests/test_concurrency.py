"""A bed never holds two people on the same night: operators racing with real requests.

Each thread is a browser session posting to the bed board (its own database
connection); the conditional unique constraint on (bed, night) decides the race on
SQLite and PostgreSQL alike. The same holds for an encounter resent twice at once.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Personas, build_personas

from ..models import HOLDING, Encounter, Stay
from . import factories


def _race(actions: Sequence[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    start = threading.Barrier(len(actions))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            start.wait()
            results.append(action())
        except BaseException as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.fixture
def racing_personas(transactional_db: None) -> Personas:
    return build_personas()


def _session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assign(client: Client, bed_id: int, alias: str) -> int:
    response = client.post(
        reverse("shelter:stay_assign"),
        {
            "night": factories.tonight().isoformat(),
            "bed": bed_id,
            "alias": alias,
            "guest": "man",
        },
    )
    return response.status_code


def _status(client: Client, url: str, payload: dict[str, str]) -> int:
    return int(client.post(url, payload).status_code)


def test_two_operators_assigning_the_same_bed_leave_one_guest(racing_personas: Personas) -> None:
    personas = racing_personas
    bed = factories.first_bed(factories.facility(personas, beds=2))
    operator, admin = _session(personas.association_operator), _session(personas.association_admin)
    for round_number in range(3):
        Stay.objects.all().delete()
        results, errors = _race(
            [
                partial(_assign, operator, bed.pk, f"Primo {round_number}"),
                partial(_assign, admin, bed.pk, f"Secondo {round_number}"),
            ]
        )
        assert not errors, errors
        assert sorted(results) == [302, 400]
        assert Stay.objects.filter(bed=bed, status__in=HOLDING).count() == 1


def test_many_assignments_on_few_beds_never_double_book(racing_personas: Personas) -> None:
    personas = racing_personas
    beds = list(factories.facility(personas, beds=3).beds.order_by("label"))
    users = [personas.association_operator, personas.association_admin, personas.coordinator]
    clients = [_session(user) for user in users]
    actions = [partial(_assign, clients[i % 3], beds[i % 3].pk, f"Ospite {i}") for i in range(9)]
    results, errors = _race(actions)
    assert not errors, errors
    assert results.count(302) == 3 and results.count(400) == 6
    for bed in beds:
        assert Stay.objects.filter(bed=bed, status__in=HOLDING).count() == 1


def test_an_encounter_resent_twice_at_once_is_saved_once(racing_personas: Personas) -> None:
    personas = racing_personas
    factories.season(personas)
    outing = factories.outing(personas)
    key = str(uuid.uuid4())
    payload = {
        "key": key,
        "met_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "latitude": "44.0361",
        "longitude": "10.1401",
        "alias": "Il Biondo",
    }
    clients = [_session(personas.association_operator) for _ in range(3)]
    url = reverse("shelter:round_detail", kwargs={"pk": outing.pk})
    results, errors = _race([partial(_status, client, url, payload) for client in clients])
    assert not errors, errors
    assert results == [302, 302, 302]
    assert Encounter.objects.filter(key=key).count() == 1
