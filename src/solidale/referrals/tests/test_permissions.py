"""Access follows the referral: who sees the referral, and which of the person's fields."""

from __future__ import annotations

import pytest
from django.http import Http404

from conftest import Personas

from ..permissions import (
    comments_for,
    get_referral_for_user,
    referrals_visible_to,
    shared_fieldsets_for,
    shows_case_details,
)
from ..services import (
    referral_accept,
    referral_comment_add,
    referral_complete,
    referral_decline,
)
from .factories import sent_referral

pytestmark = pytest.mark.django_db


def test_an_association_never_sees_another_associations_referrals(personas: Personas) -> None:
    referral = sent_referral(personas)
    assert not referrals_visible_to(personas.outsider).exists()
    with pytest.raises(Http404):
        get_referral_for_user(personas.outsider, referral.pk)
    for who in ("volunteer", "viewer", "citizen"):
        with pytest.raises(Http404):
            get_referral_for_user(getattr(personas, who), referral.pk)


def test_both_organizations_see_the_referral(personas: Personas) -> None:
    referral = sent_referral(personas)
    for who in ("social_worker", "desk_operator", "association_operator", "association_admin"):
        assert get_referral_for_user(getattr(personas, who), referral.pk) == referral


def test_before_acceptance_the_receiver_sees_no_personal_data(personas: Personas) -> None:
    referral = sent_referral(personas)
    assert shared_fieldsets_for(personas.association_operator, referral) == set()
    assert shows_case_details(personas.association_operator, referral)
    assert shared_fieldsets_for(personas.social_worker, referral) == {"identity", "contacts"}


def test_the_sender_may_show_name_and_contacts_before_acceptance(personas: Personas) -> None:
    referral = sent_referral(personas, show_identity_before_acceptance=True)
    assert shared_fieldsets_for(personas.association_operator, referral) == {
        "identity",
        "contacts",
    }


def test_after_acceptance_the_receiver_sees_only_what_was_shared(personas: Personas) -> None:
    referral = sent_referral(personas, shared_fieldsets=["identity"])
    referral = referral_accept(actor=personas.association_operator, referral=referral)
    assert shared_fieldsets_for(personas.association_operator, referral) == {"identity"}


def test_after_completion_the_receiver_keeps_only_what_it_recorded(personas: Personas) -> None:
    referral = sent_referral(personas)
    operator = personas.association_operator
    referral_accept(actor=operator, referral=referral)
    referral_comment_add(actor=personas.social_worker, referral=referral, body="Nota del Comune")
    referral_comment_add(actor=operator, referral=referral, body="Colloquio svolto")
    referral = referral_complete(actor=operator, referral=referral, outcome="met")
    assert get_referral_for_user(operator, referral.pk) == referral
    assert shared_fieldsets_for(operator, referral) == set()
    assert not shows_case_details(operator, referral)
    assert [c.body for c in comments_for(operator, referral)] == ["Colloquio svolto"]
    assert [c.body for c in comments_for(personas.social_worker, referral)] == [
        "Nota del Comune",
        "Colloquio svolto",
    ]


def test_a_declined_referral_shows_the_receiver_no_personal_data(personas: Personas) -> None:
    referral = sent_referral(personas, show_identity_before_acceptance=True)
    referral = referral_decline(
        actor=personas.association_operator, referral=referral, reason="no_capacity"
    )
    assert shared_fieldsets_for(personas.association_operator, referral) == set()
