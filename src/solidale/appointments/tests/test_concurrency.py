"""No double booking under real concurrent requests: each thread has its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from solidale.core.errors import ConflictError

from .. import services
from ..models import Appointment, Status
from .factories import comune_person, next_weekday, open_office, slot_at

THREADS = 4


def _race(work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(index)`` in THREADS threads released together; collect results and errors."""
    results: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run(index: int) -> None:
        try:
            start.wait()
            results.append(work(index))
        except BaseException as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_slot_through_the_service_leave_one_winner(personas) -> None:
    office = open_office(personas, weeks=1)
    slot = slot_at(office, next_weekday(1), time(10))
    persons = [
        comune_person(personas, given=f"Persona{index}", family="Concorrente")
        for index in range(THREADS)
    ]
    actors = [
        personas.desk_operator,
        personas.social_worker,
        personas.coordinator,
        personas.desk_operator,
    ]

    def book(index: int) -> Appointment:
        return services.appointment_book(slot=slot, person=persons[index], actor=actors[index])

    results, errors = _race(book)
    assert len(results) == 1
    assert len(errors) == THREADS - 1
    assert all(isinstance(error, ConflictError) for error in errors), errors
    assert all(
        "appena stato prenotato" in error.message
        for error in errors
        if isinstance(error, ConflictError)
    )
    assert Appointment.objects.filter(slot=slot, status=Status.BOOKED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_through_http_give_one_201_and_409_to_the_others(personas) -> None:
    office = open_office(personas, weeks=1)
    slot = slot_at(office, next_weekday(2), time(11))
    clients = []
    for user in (
        personas.desk_operator,
        personas.social_worker,
        personas.coordinator,
        personas.desk_operator,
    ):
        client = Client()
        client.force_login(user)
        clients.append(client)

    def book(index: int) -> Any:
        return clients[index].post(
            "/api/v1/appointments",
            {"slot_id": slot.pk, "contact_name": f"Richiedente {index}"},
            content_type="application/json",
        )

    responses, errors = _race(book)
    assert errors == []
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 409, 409, 409]
    refused = [response.json() for response in responses if response.status_code == 409]
    assert all(body["error"]["code"] == "conflict" for body in refused)
    assert Appointment.objects.filter(slot=slot, status=Status.BOOKED).count() == 1
