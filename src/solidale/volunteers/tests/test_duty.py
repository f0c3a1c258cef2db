"""The duty provider: a volunteer is on duty only during their shift, for its task."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from conftest import Personas
from solidale.accounts.models import Role
from solidale.accounts.services import membership_add
from solidale.core.duty import on_duty

from ..models import Volunteer
from ..services import shift_signup, signup_cancel, swap_accept, swap_offer, volunteer_update
from .factories import DISTRIBUTION, OUTREACH, open_shift, signed_up, volunteer_record

pytestmark = pytest.mark.django_db


def test_a_volunteer_is_on_duty_inside_the_window_of_their_shift(personas: Personas) -> None:
    signup = signed_up(personas, target="point:1")
    shift = signup.shift
    duty = on_duty(personas.volunteer, DISTRIBUTION, target="point:1", at=shift.starts_at)
    assert duty is not None
    assert duty.shift_id == shift.pk
    assert duty.organization_id == personas.cooperative.pk
    assert duty.target == "point:1"
    assert on_duty(personas.volunteer, DISTRIBUTION, at=shift.ends_at) is not None
    middle = shift.starts_at + (shift.ends_at - shift.starts_at) / 2
    assert on_duty(personas.volunteer, DISTRIBUTION, target="point:1", at=middle) is not None


def test_the_grace_opens_a_little_before_and_closes_a_little_after(personas: Personas) -> None:
    shift = signed_up(personas).shift
    assert on_duty(personas.volunteer, DISTRIBUTION, at=shift.starts_at - timedelta(minutes=14))
    assert on_duty(personas.volunteer, DISTRIBUTION, at=shift.ends_at + timedelta(minutes=14))
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=shift.starts_at - timedelta(minutes=16))
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=shift.ends_at + timedelta(minutes=16))


@override_settings(SOLIDALE_DUTY_GRACE_MINUTES=0)
def test_the_grace_is_configurable(personas: Personas) -> None:
    shift = signed_up(personas).shift
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=shift.starts_at - timedelta(minutes=1))
    assert on_duty(personas.volunteer, DISTRIBUTION, at=shift.starts_at)


def test_nobody_is_on_duty_before_or_after_the_shift(personas: Personas) -> None:
    shift = signed_up(personas).shift
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=shift.starts_at - timedelta(hours=2))
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=shift.ends_at + timedelta(hours=1))


def test_another_activity_or_target_is_not_covered(personas: Personas) -> None:
    shift = signed_up(personas, target="point:1").shift
    assert not on_duty(personas.volunteer, OUTREACH, at=shift.starts_at)
    assert not on_duty(personas.volunteer, DISTRIBUTION, target="point:2", at=shift.starts_at)


def test_other_users_are_not_on_duty(personas: Personas) -> None:
    shift = signed_up(personas).shift
    for user in (personas.association_operator, personas.social_worker, personas.outsider):
        assert not on_duty(user, DISTRIBUTION, at=shift.starts_at)


def test_a_cancelled_signup_ends_the_duty(personas: Personas) -> None:
    signup = signed_up(personas)
    signup_cancel(actor=personas.volunteer, signup=signup)
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=signup.shift.starts_at)


def test_a_shift_swapped_away_moves_the_duty_to_the_other_volunteer(personas: Personas) -> None:
    signup = signed_up(personas)
    other_user = personas.association_operator
    membership_add(
        actor=None, user=other_user, organization=personas.cooperative, role=Role.VOLUNTEER
    )
    other = volunteer_record(personas, user=other_user, name="Ugo Subentrante")
    offer = swap_offer(actor=personas.volunteer, signup=signup, to_volunteer=other)
    other_user = type(other_user).objects.get(pk=other_user.pk)
    other_user.act_as(other_user.memberships.get(role=Role.VOLUNTEER))
    swap_accept(actor=other_user, offer=offer)
    at = signup.shift.starts_at
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=at)
    assert on_duty(other_user, DISTRIBUTION, at=at)


def test_a_deactivated_volunteer_is_not_on_duty(personas: Personas) -> None:
    signup = signed_up(personas)
    volunteer_update(
        actor=personas.association_admin, volunteer=signup.volunteer, data={"is_active": False}
    )
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=signup.shift.starts_at)


def test_a_user_acting_for_another_organization_is_not_on_duty(personas: Personas) -> None:
    signup = signed_up(personas)
    membership = membership_add(
        actor=None,
        user=personas.volunteer,
        organization=personas.other_association,
        role=Role.VOLUNTEER,
    )
    personas.volunteer.act_as(membership)
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=signup.shift.starts_at)


def test_a_shift_of_another_organization_gives_no_duty(personas: Personas) -> None:
    membership = membership_add(
        actor=None,
        user=personas.outsider,
        organization=personas.other_association,
        role=Role.VOLUNTEER,
    )
    personas.outsider.act_as(membership)
    record = volunteer_record(
        personas, user=personas.outsider, organization=personas.other_association
    )
    shift = open_shift(personas, organization=personas.other_association)
    shift_signup(actor=personas.outsider, shift=shift, volunteer=record)
    assert on_duty(personas.outsider, DISTRIBUTION, at=shift.starts_at)
    assert not on_duty(personas.volunteer, DISTRIBUTION, at=shift.starts_at)
    assert Volunteer.objects.filter(user=personas.volunteer).count() == 0


def test_anonymous_users_are_never_on_duty(personas: Personas) -> None:
    shift = signed_up(personas).shift
    assert on_duty(AnonymousUser(), DISTRIBUTION, at=shift.starts_at) is None
