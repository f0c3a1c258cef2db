"""Sign-ups, swaps and hours: the rules, with clear errors and nothing changed on refusal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import Role
from solidale.accounts.services import membership_add
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent, Notification

from ..models import HoursStatus, Shift, Signup, SignupStatus, SwapStatus, Volunteer
from ..services import (
    hours_confirm,
    hours_log,
    shift_cancel,
    shift_create,
    shift_signup,
    signup_cancel,
    swap_accept,
    swap_decline,
    swap_offer,
    volunteer_register,
    volunteer_update,
)
from .factories import DISTRIBUTION, open_shift, signed_up, start, volunteer_record

pytestmark = pytest.mark.django_db


def _second_volunteer(personas: Personas, name: str = "Ugo Subentrante") -> tuple[Any, Volunteer]:
    """The association operator also volunteers, acting through a volunteer membership."""
    user = personas.association_operator
    membership = membership_add(
        actor=None, user=user, organization=personas.cooperative, role=Role.VOLUNTEER
    )
    user = type(user).objects.get(pk=user.pk)
    user.act_as(membership)
    return user, volunteer_record(personas, user=user, name=name)


# --- Registry ------------------------------------------------------------------------------


def test_it_registers_a_volunteer_with_consent_and_audits_it(personas: Personas) -> None:
    volunteer = volunteer_record(personas, user=personas.volunteer)
    assert volunteer.consent_at is not None
    assert volunteer.organization == personas.cooperative
    assert AuditEvent.objects.filter(object_type="volunteers.volunteer", action="create").exists()


def test_it_refuses_a_volunteer_without_consent(personas: Personas) -> None:
    with pytest.raises(DomainError) as error:
        volunteer_register(
            actor=personas.association_admin,
            organization=personas.cooperative,
            data={"full_name": "Senza Consenso"},
            consent=False,
        )
    assert error.value.field == "consent"
    assert not Volunteer.objects.exists()


def test_only_the_organization_keeps_its_registry(personas: Personas) -> None:
    for actor in (personas.outsider, personas.volunteer, personas.social_worker):
        with pytest.raises(PermissionDeniedError):
            volunteer_register(
                actor=actor,
                organization=personas.cooperative,
                data={"full_name": "Intruso"},
                consent=True,
            )


def test_it_links_only_an_account_with_the_volunteer_role_there(personas: Personas) -> None:
    with pytest.raises(DomainError) as error:
        volunteer_record(personas, user=personas.outsider)
    assert error.value.field == "user"


# --- Shifts and sign-up --------------------------------------------------------------------


def test_it_opens_a_shift_for_a_target_of_the_activity(personas: Personas) -> None:
    shift = open_shift(personas, target="point:2")
    assert shift.target_label == "Punto di Marina"
    assert shift.title.endswith("Punto di Marina")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"activity": "nope.nothing"}, "activity"),
        ({"target": "point:99"}, "target"),
        ({"ends_at": timezone.now()}, "ends_at"),
        ({"required_skills": ["juggling"]}, "required_skills"),
    ],
)
def test_it_refuses_a_malformed_shift(personas: Personas, changes: dict, field: str) -> None:
    starts_at = timezone.now() + timedelta(days=1)
    data = {
        "activity": DISTRIBUTION,
        "target": "point:1",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "capacity": 2,
        **changes,
    }
    with pytest.raises(DomainError) as error:
        shift_create(actor=personas.association_admin, organization=personas.cooperative, data=data)
    assert error.value.field == field
    assert not Shift.objects.exists()


def test_a_volunteer_signs_up_and_the_place_is_taken(personas: Personas) -> None:
    signup = signed_up(personas, capacity=2)
    shift = Shift.objects.get(pk=signup.shift_id)
    assert shift.signed_count == 1
    assert shift.free_places == 1


def test_it_refuses_a_signup_beyond_capacity(personas: Personas) -> None:
    signup = signed_up(personas, capacity=1)
    user, other = _second_volunteer(personas)
    with pytest.raises(ConflictError, match="al completo"):
        shift_signup(actor=user, shift=signup.shift, volunteer=other)
    assert Shift.objects.get(pk=signup.shift_id).signed_count == 1
    assert Signup.objects.count() == 1


def test_it_refuses_a_second_signup_for_the_same_shift(personas: Personas) -> None:
    signup = signed_up(personas)
    with pytest.raises(ConflictError, match="già iscritto"):
        shift_signup(actor=personas.volunteer, shift=signup.shift)
    assert Shift.objects.get(pk=signup.shift_id).signed_count == 1


def test_it_refuses_an_overlapping_shift(personas: Personas) -> None:
    signup = signed_up(personas)
    overlapping = open_shift(personas, starts_at=signup.shift.starts_at + timedelta(hours=1))
    with pytest.raises(ConflictError, match="sovrappone"):
        shift_signup(actor=personas.volunteer, shift=overlapping)
    assert Shift.objects.get(pk=overlapping.pk).signed_count == 0
    after = open_shift(personas, starts_at=signup.shift.ends_at)
    shift_signup(actor=personas.volunteer, shift=after)


def test_it_checks_the_required_skills(personas: Personas) -> None:
    volunteer_record(personas, user=personas.volunteer, skills=["haccp"])
    shift = open_shift(personas, skills=["haccp", "first_aid"])
    with pytest.raises(DomainError, match="primo soccorso"):
        shift_signup(actor=personas.volunteer, shift=shift)
    assert Shift.objects.get(pk=shift.pk).signed_count == 0


def test_it_refuses_a_volunteer_whose_insurance_does_not_cover_the_shift(
    personas: Personas,
) -> None:
    volunteer_record(
        personas, user=personas.volunteer, insurance_until=timezone.localdate() + timedelta(days=1)
    )
    shift = open_shift(personas, starts_at=timezone.now() + timedelta(days=5))
    with pytest.raises(DomainError, match="assicurazione"):
        shift_signup(actor=personas.volunteer, shift=shift)


def test_a_volunteer_cannot_sign_up_for_a_shift_already_started(personas: Personas) -> None:
    volunteer_record(personas, user=personas.volunteer)
    shift = open_shift(personas, starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ConflictError, match="già iniziato"):
        shift_signup(actor=personas.volunteer, shift=shift)


def test_a_manager_records_attendance_on_a_started_shift(personas: Personas) -> None:
    volunteer = volunteer_record(personas, user=personas.volunteer)
    shift = open_shift(personas, starts_at=timezone.now() - timedelta(hours=4))
    signup = shift_signup(actor=personas.association_admin, shift=shift, volunteer=volunteer)
    assert signup.status == SignupStatus.ACTIVE


def test_a_volunteer_cannot_sign_up_somebody_else(personas: Personas) -> None:
    volunteer_record(personas, user=personas.volunteer)
    other = volunteer_record(personas, name="Altra Persona")
    with pytest.raises(PermissionDeniedError):
        shift_signup(actor=personas.volunteer, shift=open_shift(personas), volunteer=other)


def test_cancelling_gives_the_place_back(personas: Personas) -> None:
    signup = signed_up(personas)
    signup_cancel(actor=personas.volunteer, signup=signup)
    assert Shift.objects.get(pk=signup.shift_id).signed_count == 0
    with pytest.raises(ConflictError):
        signup_cancel(actor=personas.volunteer, signup=Signup.objects.get(pk=signup.pk))
    assert Shift.objects.get(pk=signup.shift_id).signed_count == 0
    shift_signup(actor=personas.volunteer, shift=signup.shift)


# --- Swaps ---------------------------------------------------------------------------------


def test_a_swap_moves_the_place_when_the_other_volunteer_accepts(personas: Personas) -> None:
    signup = signed_up(personas)
    user, other = _second_volunteer(personas)
    offer = swap_offer(actor=personas.volunteer, signup=signup, to_volunteer=other)
    assert Notification.objects.filter(user=user, kind="volunteers.swap_offered").exists()
    taken = swap_accept(actor=user, offer=offer)
    assert taken.volunteer == other
    assert Signup.objects.get(pk=signup.pk).status == SignupStatus.SWAPPED
    assert Shift.objects.get(pk=signup.shift_id).signed_count == 1
    assert Notification.objects.filter(
        user=personas.volunteer, kind="volunteers.swap_accepted"
    ).exists()
    with pytest.raises(ConflictError):
        swap_accept(actor=user, offer=offer)


def test_a_declined_swap_leaves_the_shift_as_it_was(personas: Personas) -> None:
    signup = signed_up(personas)
    user, other = _second_volunteer(personas)
    offer = swap_offer(actor=personas.volunteer, signup=signup, to_volunteer=other)
    swap_decline(actor=user, offer=offer)
    assert Signup.objects.get(pk=signup.pk).status == SignupStatus.ACTIVE
    assert offer.status == SwapStatus.DECLINED


def test_a_swap_is_refused_when_the_recipient_lacks_the_skills(personas: Personas) -> None:
    signup = signed_up(personas, skills=["haccp"])
    user, other = _second_volunteer(personas)
    volunteer_update(actor=personas.association_admin, volunteer=other, data={"skills": []})
    offer = swap_offer(actor=personas.volunteer, signup=signup, to_volunteer=other)
    with pytest.raises(DomainError, match="competenze"):
        swap_accept(actor=user, offer=offer)
    assert Signup.objects.get(pk=signup.pk).status == SignupStatus.ACTIVE


def test_only_one_pending_offer_per_signup_and_only_the_recipient_accepts(
    personas: Personas,
) -> None:
    signup = signed_up(personas)
    _user, other = _second_volunteer(personas)
    offer = swap_offer(actor=personas.volunteer, signup=signup, to_volunteer=other)
    with pytest.raises(ConflictError):
        swap_offer(actor=personas.volunteer, signup=signup, to_volunteer=other)
    with pytest.raises(PermissionDeniedError):
        swap_accept(actor=personas.volunteer, offer=offer)


# --- Hours ---------------------------------------------------------------------------------


def test_hours_are_logged_by_the_volunteer_and_confirmed_by_the_organization(
    personas: Personas,
) -> None:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    signup = hours_log(actor=personas.volunteer, signup=signup, hours="2,5", note="ok")
    assert signup.hours == Decimal("2.50")
    assert signup.hours_status == HoursStatus.LOGGED
    assert Notification.objects.filter(
        user=personas.association_admin, kind="volunteers.hours_logged"
    ).exists()
    signup = hours_confirm(actor=personas.association_admin, signup=signup, confirm=True)
    assert signup.hours_status == HoursStatus.CONFIRMED
    assert signup.hours_confirmed_by == personas.association_admin
    with pytest.raises(ConflictError):
        hours_log(actor=personas.volunteer, signup=signup, hours="3")
    assert Signup.objects.get(pk=signup.pk).hours == Decimal("2.50")


def test_hours_cannot_be_logged_before_the_shift(personas: Personas) -> None:
    signup = signed_up(personas)
    with pytest.raises(DomainError):
        hours_log(actor=personas.volunteer, signup=signup, hours="2")
    assert Signup.objects.get(pk=signup.pk).hours is None


@pytest.mark.parametrize("hours", ["zero", "0", "-1", "9"])
def test_implausible_hours_are_refused(personas: Personas, hours: str) -> None:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    with pytest.raises(DomainError) as error:
        hours_log(actor=personas.volunteer, signup=signup, hours=hours)
    assert error.value.field == "hours"
    assert Signup.objects.get(pk=signup.pk).hours is None


def test_a_volunteer_cannot_confirm_their_own_hours(personas: Personas) -> None:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    hours_log(actor=personas.volunteer, signup=signup, hours="3")
    with pytest.raises(PermissionDeniedError):
        hours_confirm(actor=personas.volunteer, signup=signup, confirm=True)


def test_rejected_hours_can_be_logged_again(personas: Personas) -> None:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    hours_log(actor=personas.volunteer, signup=signup, hours="3")
    hours_confirm(actor=personas.association_operator, signup=signup, confirm=False)
    signup = hours_log(actor=personas.volunteer, signup=signup, hours="2")
    assert signup.hours_status == HoursStatus.LOGGED


def test_a_manager_cancels_a_shift_and_the_volunteers_are_told(personas: Personas) -> None:
    signup = signed_up(personas)
    shift_cancel(actor=personas.association_admin, shift=signup.shift, reason="pioggia")
    assert Shift.objects.get(pk=signup.shift_id).status == "cancelled"
    assert Notification.objects.filter(
        user=personas.volunteer, kind="volunteers.shift_cancelled"
    ).exists()
    with pytest.raises(ConflictError):
        shift_cancel(actor=personas.association_admin, shift=signup.shift)
    with pytest.raises(ConflictError, match="annullato"):
        shift_signup(actor=personas.volunteer, shift=signup.shift)
    with pytest.raises(PermissionDeniedError):
        shift_cancel(actor=personas.volunteer, shift=open_shift(personas))
