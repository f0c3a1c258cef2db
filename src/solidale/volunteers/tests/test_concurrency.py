"""No over-filling: volunteers racing for the last places of a shift, with real threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connections

from conftest import Personas, build_personas
from solidale.accounts.models import Role
from solidale.accounts.services import membership_add, user_create
from solidale.core.errors import ConflictError

from ..models import Shift, Signup, SignupStatus
from ..services import shift_signup
from .factories import open_shift, volunteer_record


def _race(actions: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run the actions at the same moment, each thread on its own database connection."""
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


def _volunteers(personas: Personas, count: int) -> list[tuple[Any, Any]]:
    pairs = []
    for number in range(count):
        user = user_create(
            actor=None,
            email=f"corsa{number}@ponte.invalid",
            full_name=f"Volontario {number}",
            password="Solidale-test-2026!",
        )
        membership_add(
            actor=None, user=user, organization=personas.cooperative, role=Role.VOLUNTEER
        )
        pairs.append((user, volunteer_record(personas, user=user, name=f"Volontario {number}")))
    return pairs


def _fresh(user: Any) -> Any:
    """The same user as another request would load it (its own membership cache)."""
    return type(user).objects.get(pk=user.pk)


def test_six_volunteers_racing_for_two_places_fill_exactly_two(racing_personas: Personas) -> None:
    personas = racing_personas
    volunteers = _volunteers(personas, 6)
    for _round in range(2):
        shift = open_shift(personas, capacity=2)
        results, errors = _race(
            [partial(shift_signup, actor=_fresh(user), shift=shift) for user, _record in volunteers]
        )
        assert len(results) == 2, errors
        assert len(errors) == 4
        assert all(isinstance(error, ConflictError) for error in errors), errors
        assert Shift.objects.get(pk=shift.pk).signed_count == 2
        assert Signup.objects.filter(shift=shift, status=SignupStatus.ACTIVE).count() == 2


def test_one_volunteer_double_clicking_gets_one_place(racing_personas: Personas) -> None:
    personas = racing_personas
    [(user, _record)] = _volunteers(personas, 1)
    shift = open_shift(personas, capacity=5)
    results, errors = _race(
        [partial(shift_signup, actor=_fresh(user), shift=shift) for _ in range(3)]
    )
    assert len(results) == 1, errors
    assert all(isinstance(error, ConflictError) for error in errors), errors
    assert Shift.objects.get(pk=shift.pk).signed_count == 1
