"""Who may see and do what on a cartella sociale.

- The Comune's social workers and coordinators see every case of their organization
  and manage them (open, team, assessment, plan, interventions, closure).
- A member of the case team from a partner organization sees the cases whose team they
  are in (while they are, acting for that organization) and contributes to them: notes,
  documents, follow-ups, progress of their actions.
- A reserved note is read only by its author and the current case team: never by other
  members of the same organization, never by partners outside the team.
- Approving an intervention above the threshold needs a coordinator of the case's
  organization other than the requester.

Objects outside the scope answer 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Q
from django.shortcuts import get_object_or_404

from solidale.accounts.models import Organization, Role

from .models import Case, CaseMember, Document, Intervention, Note, PlanAction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

#: The Comune roles that take persons in charge.
CASE_ROLES = frozenset({Role.SOCIAL_WORKER, Role.COORDINATOR})
#: The roles a team member may have in their organization.
TEAM_ROLES = frozenset(
    {Role.SOCIAL_WORKER, Role.COORDINATOR, Role.ORG_ADMIN, Role.ORG_OPERATOR, Role.HOUSING_OFFICER}
)


def _membership(user: AnyUser) -> Any:
    return getattr(user, "membership", None) if user.is_authenticated else None


def is_case_staff(user: AnyUser) -> bool:
    """A Comune social worker or coordinator (acting for the Comune)."""
    membership = _membership(user)
    return (
        membership is not None
        and membership.role in CASE_ROLES
        and membership.organization.kind == Organization.Kind.COMUNE
    )


def is_coordinator(user: AnyUser) -> bool:
    return is_case_staff(user) and _membership(user).role == Role.COORDINATOR


def cases_visible_to(user: AnyUser) -> Any:
    membership = _membership(user)
    if membership is None or membership.role not in TEAM_ROLES:
        return Case.objects.none()
    in_team = CaseMember.objects.current().filter(
        user_id=user.pk or 0, organization_id=membership.organization_id
    )
    scope = Q(pk__in=in_team.values("case_id"))
    if is_case_staff(user):
        scope |= Q(organization_id=membership.organization_id)
    return Case.objects.filter(scope)


def get_case_for_user(user: AnyUser, pk: Any) -> Case:
    return get_object_or_404(
        cases_visible_to(user).select_related("person", "household", "responsible", "organization"),
        pk=pk,
    )


def notes_visible_to(user: AnyUser) -> Any:
    return Note.objects.filter(case__in=cases_visible_to(user)).readable_by(user)


def get_note_for_user(user: AnyUser, pk: Any) -> Note:
    return get_object_or_404(notes_visible_to(user).select_related("case", "author"), pk=pk)


def get_intervention_for_user(user: AnyUser, pk: Any) -> Intervention:
    return get_object_or_404(
        Intervention.objects.filter(case__in=cases_visible_to(user)).select_related(
            "case", "type", "provider", "requested_by", "decided_by"
        ),
        pk=pk,
    )


def get_document_for_user(user: AnyUser, pk: Any) -> Document:
    return get_object_or_404(
        Document.objects.filter(case__in=cases_visible_to(user)).select_related("case"), pk=pk
    )


def get_action_for_user(user: AnyUser, pk: Any) -> PlanAction:
    return get_object_or_404(
        PlanAction.objects.filter(goal__plan__case__in=cases_visible_to(user)).select_related(
            "goal__plan__case"
        ),
        pk=pk,
    )


@rules.predicate
def can_open_case(user: AnyUser) -> bool:
    return is_case_staff(user)


@rules.predicate
def can_manage_case(user: AnyUser, case: Case | None = None) -> bool:
    """Comune case staff of the case's organization."""
    if not is_case_staff(user):
        return False
    return case is None or case.organization_id == _membership(user).organization_id


@rules.predicate
def can_decide_intervention(user: AnyUser, intervention: Intervention | None = None) -> bool:
    if not is_coordinator(user):
        return False
    if intervention is None:
        return True
    return (
        intervention.case.organization_id == _membership(user).organization_id
        and intervention.requested_by_id != user.pk
    )


@rules.predicate
def can_view_caseload(user: AnyUser) -> bool:
    return is_coordinator(user)


rules.add_perm("cases.open_case", can_open_case)
rules.add_perm("cases.manage_case", can_manage_case)
rules.add_perm("cases.decide_intervention", can_decide_intervention)
rules.add_perm("cases.view_caseload", can_view_caseload)
