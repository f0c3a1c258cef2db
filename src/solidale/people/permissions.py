"""Who may see and do what in the person registry (DESIGN.md, access model).

The scope is ``Person.objects.visible_to(user)``: an open ``PersonLink`` of the
user's current organization. Each link reason opens only some groups of fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from solidale.accounts.models import REGISTRY_ROLES, Role

from .models import (
    FieldSet,
    Household,
    HouseholdMember,
    LinkReason,
    Person,
    PersonLink,
    PersonMerge,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

_FULL = frozenset(
    {
        FieldSet.IDENTITY,
        FieldSet.CONTACTS,
        FieldSet.REGISTRY,
        FieldSet.SENSITIVE,
        FieldSet.HOUSEHOLD,
        FieldSet.HOUSEHOLD_SIZE,
    }
)
#: The groups of fields each reason opens.
FIELDSETS_BY_REASON: dict[str, frozenset[str]] = {
    LinkReason.REGISTERED: _FULL,
    LinkReason.CASE: _FULL,
    LinkReason.PROGRAM: frozenset({FieldSet.IDENTITY, FieldSet.HOUSEHOLD_SIZE}),
    LinkReason.REFERRAL: frozenset({FieldSet.IDENTITY, FieldSet.CONTACTS}),
    LinkReason.HOUSING: frozenset(
        {
            FieldSet.IDENTITY,
            FieldSet.CONTACTS,
            FieldSet.REGISTRY,
            FieldSet.HOUSEHOLD,
            FieldSet.HOUSEHOLD_SIZE,
        }
    ),
}
#: The person fields in each group (pages and API show only the groups allowed).
PERSON_FIELDS_BY_FIELDSET: dict[str, tuple[str, ...]] = {
    FieldSet.IDENTITY: (
        "given_name",
        "family_name",
        "sex",
        "birth_date",
        "is_identified",
        "description",
    ),
    FieldSet.CONTACTS: ("phone", "email", "domicile_address", "languages"),
    FieldSet.REGISTRY: (
        "codice_fiscale",
        "birth_place",
        "birth_place_code",
        "citizenship",
        "homeless",
        "residence_address",
        "residence_municipality",
        "neighbourhood",
    ),
    FieldSet.SENSITIVE: ("accessibility_notes",),
    FieldSet.HOUSEHOLD: (),
    FieldSet.HOUSEHOLD_SIZE: (),
}


def link_fieldsets(reason: str, shared: list[str] | None) -> frozenset[str]:
    """The field groups one link opens: its reason's, narrowed to what was shared."""
    opened = FIELDSETS_BY_REASON.get(reason, frozenset())
    return opened if shared is None else opened & frozenset(shared)


def persons_visible_to(user: AnyUser) -> Any:
    return Person.objects.visible_to(user)


def get_person_for_user(user: AnyUser, pk: Any) -> Person:
    """The person, if the user's organization may see it; 404 otherwise (merged records too)."""
    return get_object_or_404(
        persons_visible_to(user).select_related("neighbourhood", "registered_by"), pk=pk
    )


def merged_record_target_for_user(user: AnyUser, pk: Any) -> Person | None:
    """For the id of a merged record: the record it now lives in, if the user may see it."""
    target_id = Person.objects.filter(pk=pk).values_list("merged_into_id", flat=True).first()
    for _hop in range(10):
        if target_id is None:
            return None
        person = persons_visible_to(user).filter(pk=target_id).first()
        if person is not None:
            return person
        target_id = (
            Person.objects.filter(pk=target_id).values_list("merged_into_id", flat=True).first()
        )
    return None


def households_visible_to(user: AnyUser) -> Any:
    """Households registered by the user's organization or with a current member it sees."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None or membership.role not in REGISTRY_ROLES:
        return Household.objects.none()
    visible_member = HouseholdMember.objects.filter(
        household=OuterRef("pk"),
        end_date__isnull=True,
        person__in=Person.objects.visible_to(user).values("pk"),
    )
    return Household.objects.filter(
        Q(registered_by_id=membership.organization_id) | Exists(visible_member)
    )


def get_household_for_user(user: AnyUser, pk: Any) -> Household:
    return get_object_or_404(households_visible_to(user).select_related("neighbourhood"), pk=pk)


def get_merge_for_user(user: AnyUser, pk: Any) -> PersonMerge:
    if not can_merge(user):
        return get_object_or_404(PersonMerge.objects.none(), pk=pk)
    return get_object_or_404(
        PersonMerge.objects.select_related("kept", "merged", "merged_by"), pk=pk
    )


def person_fieldsets_for(user: AnyUser, person: Person) -> set[str]:
    """The groups of fields the user's organization may see on this person."""
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None or membership.role not in REGISTRY_ROLES:
        return set()
    links = PersonLink.objects.open().filter(
        person=person, organization_id=membership.organization_id
    )
    allowed: set[str] = set()
    for reason, shared in links.values_list("reason", "fieldsets"):
        allowed |= link_fieldsets(reason, shared)
    return allowed


def person_visible_fields(user: AnyUser, person: Person) -> set[str]:
    return {
        field
        for fieldset in person_fieldsets_for(user, person)
        for field in PERSON_FIELDS_BY_FIELDSET.get(fieldset, ())
    }


def _role(user: AnyUser) -> str | None:
    return getattr(user, "role", None) if user.is_authenticated else None


@rules.predicate
def can_use_registry(user: AnyUser) -> bool:
    return _role(user) in REGISTRY_ROLES


@rules.predicate
def can_merge(user: AnyUser) -> bool:
    return _role(user) == Role.COORDINATOR


@rules.predicate
def can_view_person_access_log(user: AnyUser, person: Person | None = None) -> bool:
    if _role(user) not in (Role.COORDINATOR, Role.ORG_ADMIN):
        return False
    return person is None or persons_visible_to(user).filter(pk=person.pk).exists()


@rules.predicate
def can_edit_person(user: AnyUser, person: Person | None = None) -> bool:
    """Editing needs the full record: a ``registered`` or ``case`` reason."""
    if not can_use_registry(user):
        return False
    return person is None or FieldSet.REGISTRY in person_fieldsets_for(user, person)


rules.add_perm("people.use_registry", can_use_registry)
rules.add_perm("people.merge_person", can_merge)
rules.add_perm("people.view_person_access_log", can_view_person_access_log)
rules.add_perm("people.change_person", can_edit_person)
