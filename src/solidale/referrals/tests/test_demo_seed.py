"""The demo seed leaves referrals in every status, with steps in the past."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import Role
from solidale.cases.services import case_open
from solidale.demo.city import City
from solidale.demo.domain_seeds.s50_referrals import PLAN, seed_demo
from solidale.people.services import person_create

from ..models import Referral, ReferralStatus
from .factories import cooperative_service

pytestmark = pytest.mark.django_db


def test_the_demo_seed_covers_every_status(personas: Personas) -> None:
    cooperative_service(personas)
    for number in range(len(PLAN)):
        case_open(
            actor=personas.social_worker,
            person=person_create(
                actor=personas.social_worker,
                data={"given_name": f"Demo{number}", "family_name": "Seminata"},
            ),
            area="adults",
            responsible=personas.social_worker,
            opening_reason="Demo",
        )
    city = City(
        neighbourhoods={},
        organizations={"comune": personas.comune, "ilponte": personas.cooperative},
        users=[
            (personas.social_worker, "comune", Role.SOCIAL_WORKER),
            (personas.association_operator, "ilponte", Role.ORG_OPERATOR),
        ],
    )
    seed_demo(city=city, rng=random.Random(7))
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    assert Referral.objects.overdue().exists()
    now = timezone.now()
    assert not Referral.objects.filter(closed_at__gt=now).exists()
    assert not Referral.objects.filter(handled_at__gt=now).exists()
