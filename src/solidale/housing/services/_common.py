"""Helpers the housing services share."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from solidale.accounts.models import Membership, Organization, Role
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.people import services as people
from solidale.people.models import HouseholdMember, LinkReason, Person

from ..permissions import is_agency_officer, is_comune_staff, is_decider

#: An ISEE above this is not a real declaration (a typo, an extra zero).
ISEE_MAX = Decimal("200000")


def organization_of(actor: Any) -> Organization:
    membership = getattr(actor, "membership", None)
    if membership is None:
        raise PermissionDeniedError(_("Serve un'appartenenza a un'organizzazione."))
    organization: Organization = membership.organization
    return organization


def require_comune(actor: Any) -> Organization:
    if not is_comune_staff(actor):
        raise PermissionDeniedError(_("Azione riservata ai servizi sociali del Comune."))
    return organization_of(actor)


def require_decider(actor: Any) -> Organization:
    if not is_decider(actor):
        raise PermissionDeniedError(_("Decide il coordinatore o l'assistente sociale del Comune."))
    return organization_of(actor)


def require_agency(actor: Any) -> Organization:
    if not is_agency_officer(actor):
        raise PermissionDeniedError(_("Azione riservata all'ente gestore ERP."))
    return organization_of(actor)


def check_isee(value: Decimal | None, *, field: str = "isee") -> None:
    if value is None:
        return
    if value < 0 or value > ISEE_MAX:
        raise DomainError(
            _("Valore ISEE impossibile: deve essere tra 0 e %(max)s €.") % {"max": ISEE_MAX},
            field=field,
        )


def household_person_ids(household_id: int) -> list[int]:
    return list(
        HouseholdMember.objects.filter(
            household_id=household_id, end_date__isnull=True
        ).values_list("person_id", flat=True)
    )


def open_housing_links(
    *, actor: Any, household_id: int, organization: Organization, source: str
) -> None:
    """Give the agency its reason to see the household's members (LinkReason.HOUSING)."""
    for person in Person.objects.filter(pk__in=household_person_ids(household_id)):
        people.person_link_open(
            actor=actor,
            person=person,
            organization=organization,
            reason=LinkReason.HOUSING,
            source=source,
        )


def members_of(organization_id: int, roles: Iterable[str] | None = None) -> list[Any]:
    memberships = Membership.objects.active().filter(organization_id=organization_id)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return [membership.user for membership in memberships.select_related("user")]


def officers_of(organization_id: int) -> list[Any]:
    return members_of(organization_id, [Role.HOUSING_OFFICER])
