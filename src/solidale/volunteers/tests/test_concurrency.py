"""No over-filling: volunteers racing for the last places of a shift, with real threads."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from conftest import Personas, build_personas
from solidale.accounts.models import Role
from solidale.accounts.services import membership_add, user_create
from solidale.core.errors import ConflictError
from solidale.referrals.tests.test_concurrency import _fresh, _race

from ..models import Shift, Signup, SignupStatus
from ..services import shift_signup
from .factories import open_shift, volunteer_record


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
