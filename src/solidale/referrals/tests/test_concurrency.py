"""One owner at a time: two operators racing on the same referral, with real threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connections

from conftest import Personas, build_personas
from solidale.core.errors import ConflictError
from solidale.people.models import PersonLink

from ..models import Referral, ReferralEvent, ReferralStatus
from ..services import referral_accept, referral_decline
from .factories import sent_referral


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


def _fresh(user: Any) -> Any:
    """The same user as another request would load it (its own membership cache)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def racing_personas(transactional_db: None) -> Personas:
    return build_personas()


ROUNDS = 3


def test_two_operators_accepting_at_once_make_exactly_one_owner(
    racing_personas: Personas,
) -> None:
    personas = racing_personas
    for round_number in range(ROUNDS):
        referral = sent_referral(personas) if round_number == 0 else _another(personas)
        operator, admin = _fresh(personas.association_operator), _fresh(personas.association_admin)
        results, errors = _race(
            [
                partial(referral_accept, actor=operator, referral=referral),
                partial(referral_accept, actor=admin, referral=referral),
            ]
        )
        assert len(results) == 1, errors
        assert len(errors) == 1 and isinstance(errors[0], ConflictError)
        assert "già gestito da" in errors[0].message
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.ACCEPTED
        assert ReferralEvent.objects.filter(referral=referral, status="accepted").count() == 1
        assert (
            PersonLink.objects.open().filter(source=f"referrals.referral:{referral.pk}").count()
            == 1
        )


def test_an_accept_racing_a_decline_leaves_one_decision(racing_personas: Personas) -> None:
    personas = racing_personas
    referral = sent_referral(personas)
    operator, admin = _fresh(personas.association_operator), _fresh(personas.association_admin)
    results, errors = _race(
        [
            lambda: referral_accept(actor=operator, referral=referral),
            lambda: referral_decline(actor=admin, referral=referral, reason="no_capacity"),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ConflictError)
    referral.refresh_from_db()
    assert referral.status == results[0].status
    assert referral.status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)
    decisions = ReferralEvent.objects.filter(referral=referral).exclude(status="sent")
    assert decisions.count() == 1
    links = PersonLink.objects.open().filter(source=f"referrals.referral:{referral.pk}")
    assert links.count() == (1 if referral.status == ReferralStatus.ACCEPTED else 0)


def _another(personas: Personas) -> Referral:
    """One more referral of the same person and service (the case stays open)."""
    first = Referral.objects.order_by("id").first()
    assert first is not None
    return sent_referral(personas, source=first.case, service=first.service)
