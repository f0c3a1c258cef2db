"""Who sees which persons, households and fields; who may merge and read the access log."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from solidale.people.models import FieldSet, LinkReason
from solidale.people.permissions import (
    can_merge,
    can_view_person_access_log,
    get_household_for_user,
    get_person_for_user,
    households_visible_to,
    person_fieldsets_for,
    person_visible_fields,
    persons_visible_to,
)
from solidale.people.services import (
    household_member_end,
    person_link_close,
    person_link_open,
    person_merge,
)

from .factories import make_household, make_person


def test_the_registering_organization_sees_the_person_and_others_do_not(personas):
    person = make_person(personas.desk_operator)

    for user in (personas.desk_operator, personas.social_worker, personas.coordinator):
        assert get_person_for_user(user, person.pk) == person
    for user in (
        personas.association_operator,
        personas.outsider,
        personas.housing_officer,
        personas.viewer,
        personas.volunteer,
        personas.citizen,
    ):
        with pytest.raises(Http404):
            get_person_for_user(user, person.pk)


def test_a_link_opens_and_closing_it_closes_the_view(personas):
    person = make_person(personas.desk_operator)
    link = person_link_open(
        actor=None,
        person=person,
        organization=personas.cooperative,
        reason=LinkReason.REFERRAL,
        source="ref:1",
    )
    assert persons_visible_to(personas.association_operator).filter(pk=person.pk).exists()
    assert not persons_visible_to(personas.volunteer).filter(pk=person.pk).exists()

    person_link_close(actor=None, link=link)

    assert not persons_visible_to(personas.association_operator).filter(pk=person.pk).exists()


def test_a_merged_record_is_404_for_everyone(personas):
    kept, merged = make_person(personas.desk_operator), make_person(personas.desk_operator)
    person_merge(actor=personas.coordinator, kept=kept, merged=merged, reason="doppione")

    with pytest.raises(Http404):
        get_person_for_user(personas.coordinator, merged.pk)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (LinkReason.PROGRAM, {FieldSet.IDENTITY, FieldSet.HOUSEHOLD_SIZE}),
        (LinkReason.REFERRAL, {FieldSet.IDENTITY, FieldSet.CONTACTS}),
        (
            LinkReason.CASE,
            {
                FieldSet.IDENTITY,
                FieldSet.CONTACTS,
                FieldSet.REGISTRY,
                FieldSet.SENSITIVE,
                FieldSet.HOUSEHOLD,
                FieldSet.HOUSEHOLD_SIZE,
            },
        ),
    ],
)
def test_each_reason_opens_only_its_fieldsets(personas, reason, expected):
    person = make_person(personas.desk_operator)
    person_link_open(actor=None, person=person, organization=personas.cooperative, reason=reason)

    assert person_fieldsets_for(personas.association_operator, person) == expected


def test_a_program_link_sees_no_contacts_or_codice_fiscale(personas):
    person = make_person(personas.desk_operator)
    person_link_open(
        actor=None, person=person, organization=personas.cooperative, reason=LinkReason.PROGRAM
    )

    fields = person_visible_fields(personas.association_operator, person)

    assert {"given_name", "family_name"} <= fields
    assert not fields & {
        "phone",
        "email",
        "codice_fiscale",
        "accessibility_notes",
        "residence_address",
    }


def test_reasons_add_up(personas):
    person = make_person(personas.desk_operator)
    for reason in (LinkReason.PROGRAM, LinkReason.REFERRAL):
        person_link_open(
            actor=None, person=person, organization=personas.cooperative, reason=reason
        )

    assert person_fieldsets_for(personas.association_operator, person) == {
        FieldSet.IDENTITY,
        FieldSet.CONTACTS,
        FieldSet.HOUSEHOLD_SIZE,
    }


def test_an_outsider_has_no_fieldsets(personas):
    person = make_person(personas.desk_operator)

    assert person_fieldsets_for(personas.outsider, person) == set()
    assert person_fieldsets_for(personas.citizen, person) == set()


def test_households_are_visible_through_a_current_visible_member(personas):
    person = make_person(personas.desk_operator)
    household = make_household(personas.desk_operator, (person, "head"))
    person_link_open(
        actor=None, person=person, organization=personas.cooperative, reason=LinkReason.PROGRAM
    )

    assert get_household_for_user(personas.association_operator, household.pk) == household
    with pytest.raises(Http404):
        get_household_for_user(personas.outsider, household.pk)

    household_member_end(actor=None, member=household.members.get(), end_date=timezone.localdate())
    assert not households_visible_to(personas.association_operator).filter(pk=household.pk).exists()
    assert households_visible_to(personas.desk_operator).filter(pk=household.pk).exists()


def test_only_coordinators_merge(personas):
    assert can_merge(personas.coordinator)
    for name, user in personas.all_staff().items():
        if name != "coordinator":
            assert not can_merge(user), name
    assert not can_merge(personas.citizen)


def test_the_access_log_is_for_coordinators_and_org_admins_who_see_the_person(personas):
    person = make_person(personas.desk_operator)

    assert can_view_person_access_log(personas.coordinator, person)
    assert not can_view_person_access_log(personas.desk_operator, person)
    assert not can_view_person_access_log(personas.association_admin, person)
    person_link_open(
        actor=None, person=person, organization=personas.cooperative, reason=LinkReason.PROGRAM
    )
    assert can_view_person_access_log(personas.association_admin, person)
    assert not can_view_person_access_log(personas.association_operator, person)


def test_rules_permissions_are_registered(personas):
    person = make_person(personas.desk_operator)

    assert personas.coordinator.has_perm("people.merge_person")
    assert not personas.desk_operator.has_perm("people.merge_person")
    assert personas.desk_operator.has_perm("people.change_person", person)
    assert not personas.outsider.has_perm("people.change_person", person)


def test_a_link_that_shares_fewer_groups_opens_only_those(personas) -> None:
    from solidale.core.errors import DomainError
    from solidale.people.permissions import person_fieldsets_for
    from solidale.people.services import person_link_open

    person = make_person(personas.desk_operator)
    person_link_open(
        actor=personas.coordinator,
        person=person,
        organization=personas.cooperative,
        reason=LinkReason.REFERRAL,
        source="referrals.referral:1",
        fieldsets=[FieldSet.IDENTITY],
    )
    assert person_fieldsets_for(personas.association_operator, person) == {FieldSet.IDENTITY}
    with pytest.raises(DomainError):
        person_link_open(
            actor=personas.coordinator,
            person=person,
            organization=personas.cooperative,
            reason=LinkReason.REFERRAL,
            source="referrals.referral:2",
            fieldsets=["everything"],
        )
