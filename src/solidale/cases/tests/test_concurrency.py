"""Invariants held by the database under concurrent requests (real threads, own connections)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from solidale.accounts.models import Role, User
from solidale.accounts.services import membership_add, user_create
from solidale.core.errors import ConflictError
from solidale.people.models import Person

from .. import services
from ..models import Case, Intervention, InterventionStatus
from .factories import comune_person, open_case, siuss


def _race(*actions: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run the actions at the same moment, each in its own thread and connection."""
    start = threading.Barrier(len(actions))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(action: Callable[[], Any]) -> None:
        try:
            start.wait()
            results.append(action())
        except BaseException as error:  # collected and asserted on by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _second_coordinator(personas: Any) -> User:
    user = user_create(
        actor=None, email="seconda.coordinatrice@test.invalid", full_name="Seconda", password=None
    )
    membership_add(actor=None, user=user, organization=personas.comune, role=Role.COORDINATOR)
    return user


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_deciding_at_once_leave_one_decision(personas) -> None:
    case = open_case(personas)
    intervention = services.intervention_request(
        actor=personas.social_worker,
        case=case,
        type=siuss("A1.04"),
        provider=personas.comune,
        start_on=timezone.localdate(),
        amount="2000",
    )
    deciders = [personas.coordinator.pk, _second_coordinator(personas).pk]

    def decide(user_id: int, approve: bool) -> Callable[[], Intervention]:
        def action() -> Intervention:
            return services.intervention_decide(
                actor=User.objects.get(pk=user_id),
                intervention=Intervention.objects.get(pk=intervention.pk),
                approve=approve,
                notes="" if approve else "Fondi esauriti",
            )

        return action

    results, errors = _race(decide(deciders[0], True), decide(deciders[1], False))
    assert len(results) == 1
    assert [type(error) for error in errors] == [ConflictError]
    intervention.refresh_from_db()
    assert intervention.status in (InterventionStatus.APPROVED, InterventionStatus.REFUSED)
    assert intervention.decided_by_id in deciders


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_charge_at_once_open_one_case(personas) -> None:
    person_id = comune_person(personas).pk

    def take_charge() -> Case:
        worker = User.objects.get(pk=personas.social_worker.pk)
        return services.case_open(
            actor=worker,
            person=Person.objects.get(pk=person_id),
            area="adults",
            responsible=worker,
            opening_reason="Stessa persona, due porte",
        )

    results, errors = _race(take_charge, take_charge)
    assert len(results) == 1
    assert [type(error) for error in errors] == [ConflictError]
    assert Case.objects.filter(person_id=person_id).count() == 1
