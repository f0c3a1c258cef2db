"""Who may see and do what in the housing emergency area.

- The Comune's social services (coordinator, social worker, desk operator) own the
  housing cases, calls, rankings, temporary units, placements and grants of the Comune;
  the coordinator and the social workers decide (rankings, appeals, grants).
- A housing officer of the agency (organization kind ``erp``) sees only the households
  referred to the agency and those holding an application to one of its calls, the
  calls it manages and their rankings; it writes the shared messages and tasks, the
  dwelling offers and the allocations.
- Everyone else (other associations, volunteers, viewers, citizens) gets 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from solidale.accounts.models import Organization, Role

from .models import (
    Allocation,
    Appeal,
    Application,
    Call,
    CaseNote,
    DwellingOffer,
    Grant,
    HousingCase,
    HousingCaseQuerySet,
    Placement,
    ProcedureEvent,
    Ranking,
    RuleSet,
    TemporaryUnit,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

COMUNE_ROLES = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.DESK_OPERATOR})
DECIDER_ROLES = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER})


def _membership(user: AnyUser) -> Any:
    return getattr(user, "membership", None) if user.is_authenticated else None


def organization_id_of(user: AnyUser) -> int | None:
    membership = _membership(user)
    return membership.organization_id if membership is not None else None


@rules.predicate
def is_comune_staff(user: AnyUser) -> bool:
    membership = _membership(user)
    return (
        membership is not None
        and membership.role in COMUNE_ROLES
        and membership.organization.kind == Organization.Kind.COMUNE
    )


@rules.predicate
def is_decider(user: AnyUser) -> bool:
    return is_comune_staff(user) and _membership(user).role in DECIDER_ROLES


@rules.predicate
def is_agency_officer(user: AnyUser) -> bool:
    membership = _membership(user)
    return (
        membership is not None
        and membership.role == Role.HOUSING_OFFICER
        and membership.organization.kind == Organization.Kind.ERP
    )


@rules.predicate
def is_housing_member(user: AnyUser) -> bool:
    """Anyone who works in the shared housing workspace."""
    return is_comune_staff(user) or is_agency_officer(user)


# --- Querysets: the one source of truth for scope ------------------------------------------


def calls_visible_to(user: AnyUser) -> QuerySet[Call]:
    organization_id = organization_id_of(user)
    if organization_id is None:
        return Call.objects.none()
    if is_comune_staff(user):
        return Call.objects.filter(organization_id=organization_id)
    if is_agency_officer(user):
        return Call.objects.filter(agency_id=organization_id)
    return Call.objects.none()


def housing_cases_visible_to(user: AnyUser) -> HousingCaseQuerySet:
    organization_id = organization_id_of(user)
    if organization_id is None:
        return HousingCase.objects.none()
    if is_comune_staff(user):
        return HousingCase.objects.filter(organization_id=organization_id)
    if is_agency_officer(user):
        applying = Application.objects.filter(call__agency_id=organization_id).values(
            "household_id"
        )
        return HousingCase.objects.filter(
            Q(agency_id=organization_id) | Q(household_id__in=applying)
        )
    return HousingCase.objects.none()


def applications_visible_to(user: AnyUser) -> QuerySet[Application]:
    return Application.objects.filter(call__in=calls_visible_to(user))


def rankings_visible_to(user: AnyUser) -> QuerySet[Ranking]:
    return Ranking.objects.filter(call__in=calls_visible_to(user))


def offers_visible_to(user: AnyUser) -> QuerySet[DwellingOffer]:
    return DwellingOffer.objects.filter(call__in=calls_visible_to(user))


def units_visible_to(user: AnyUser) -> QuerySet[TemporaryUnit]:
    organization_id = organization_id_of(user)
    if organization_id is None or not is_comune_staff(user):
        return TemporaryUnit.objects.none()
    return TemporaryUnit.objects.filter(organization_id=organization_id)


def placements_visible_to(user: AnyUser) -> QuerySet[Placement]:
    return Placement.objects.filter(unit__in=units_visible_to(user))


def grants_visible_to(user: AnyUser) -> QuerySet[Grant]:
    organization_id = organization_id_of(user)
    if organization_id is None or not is_comune_staff(user):
        return Grant.objects.none()
    return Grant.objects.filter(organization_id=organization_id)


def rulesets_visible_to(user: AnyUser) -> QuerySet[RuleSet]:
    return RuleSet.objects.all() if is_housing_member(user) else RuleSet.objects.none()


# --- Getters: 404 outside the scope ----------------------------------------------------------


def get_housing_case_for_user(user: AnyUser, pk: Any) -> HousingCase:
    return get_object_or_404(
        housing_cases_visible_to(user).select_related(
            "household", "person", "agency", "organization", "responsible", "social_case"
        ),
        pk=pk,
    )


def get_event_for_user(user: AnyUser, pk: Any) -> ProcedureEvent:
    return get_object_or_404(
        ProcedureEvent.objects.filter(case__in=housing_cases_visible_to(user)).select_related(
            "case"
        ),
        pk=pk,
    )


def get_note_for_user(user: AnyUser, pk: Any) -> CaseNote:
    return get_object_or_404(
        CaseNote.objects.filter(case__in=housing_cases_visible_to(user)).select_related("case"),
        pk=pk,
    )


def get_call_for_user(user: AnyUser, pk: Any) -> Call:
    return get_object_or_404(
        calls_visible_to(user).select_related("ruleset", "agency", "organization"), pk=pk
    )


def get_application_for_user(user: AnyUser, pk: Any) -> Application:
    return get_object_or_404(
        applications_visible_to(user).select_related("call__ruleset", "household", "applicant"),
        pk=pk,
    )


def get_appeal_for_user(user: AnyUser, pk: Any) -> Appeal:
    return get_object_or_404(
        Appeal.objects.filter(application__in=applications_visible_to(user)).select_related(
            "application"
        ),
        pk=pk,
    )


def get_ranking_for_user(user: AnyUser, pk: Any) -> Ranking:
    return get_object_or_404(rankings_visible_to(user).select_related("call", "ruleset"), pk=pk)


def get_offer_for_user(user: AnyUser, pk: Any) -> DwellingOffer:
    return get_object_or_404(offers_visible_to(user).select_related("call", "agency"), pk=pk)


def get_allocation_for_user(user: AnyUser, pk: Any) -> Allocation:
    return get_object_or_404(
        Allocation.objects.filter(offer__in=offers_visible_to(user)).select_related(
            "offer", "application"
        ),
        pk=pk,
    )


def get_unit_for_user(user: AnyUser, pk: Any) -> TemporaryUnit:
    return get_object_or_404(units_visible_to(user), pk=pk)


def get_placement_for_user(user: AnyUser, pk: Any) -> Placement:
    return get_object_or_404(
        placements_visible_to(user).select_related("unit", "household", "housing_case"), pk=pk
    )


def get_grant_for_user(user: AnyUser, pk: Any) -> Grant:
    return get_object_or_404(
        grants_visible_to(user).select_related("household", "applicant", "ruleset"), pk=pk
    )


def get_ruleset_for_user(user: AnyUser, pk: Any) -> RuleSet:
    return get_object_or_404(rulesets_visible_to(user), pk=pk)


# --- Object predicates ------------------------------------------------------------------------


@rules.predicate
def can_manage_offer(user: AnyUser, offer: DwellingOffer | None = None) -> bool:
    """The agency that offers the dwelling proposes and records the allocation."""
    if not is_agency_officer(user):
        return False
    return offer is None or offer.agency_id == organization_id_of(user)


rules.add_perm("housing.view", is_housing_member)
rules.add_perm("housing.manage", is_comune_staff)
rules.add_perm("housing.decide", is_decider)
rules.add_perm("housing.manage_offer", can_manage_offer)
