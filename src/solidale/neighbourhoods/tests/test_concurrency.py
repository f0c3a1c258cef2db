"""Invariants under concurrent requests: seats of an event, one owner of a status change."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from conftest import Personas, build_personas
from solidale.accounts.models import User
from solidale.core.errors import DomainError
from solidale.desk.models import Access

from ..models import EventRegistration, ParticipationEvent, Report, ReportEvent
from ..services import event_register, report_take_in_charge
from .factories import elderly_report, event


def _race(workers: list[Callable[[], None]]) -> list[Exception]:
    barrier = threading.Barrier(len(workers))
    errors: list[Exception] = []

    def run(work: Callable[[], None]) -> None:
        barrier.wait()
        try:
            work()
        except DomainError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_six_citizens_racing_for_three_seats_get_three() -> None:
    personas: Personas = build_personas()
    assembly = event(personas, capacity=3)
    citizens = [
        User.objects.create(
            email=f"c{i}@example.invalid", full_name=f"Cittadino {i}", is_citizen=True
        )
        for i in range(6)
    ]

    def register(citizen: User) -> Callable[[], None]:
        def work() -> None:
            event_register(actor=citizen, event=ParticipationEvent.objects.get(pk=assembly.pk))

        return work

    errors = _race([register(c) for c in citizens])
    assert EventRegistration.objects.count() == 3
    assert ParticipationEvent.objects.get(pk=assembly.pk).registered == 3
    assert len(errors) == 3


@pytest.mark.django_db(transaction=True)
def test_two_operators_taking_the_same_report_make_one_access() -> None:
    personas: Personas = build_personas()
    report = elderly_report()

    def take(actor: User) -> Callable[[], None]:
        def work() -> None:
            report_take_in_charge(actor=actor, report=Report.objects.get(pk=report.pk))

        return work

    errors = _race([take(personas.desk_operator), take(personas.social_worker)])
    assert Access.objects.count() == 1
    assert ReportEvent.objects.filter(report_id=report.pk, status="assigned").count() == 1
    assert len(errors) == 1
