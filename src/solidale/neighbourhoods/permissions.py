"""Who sees and does what with reports, presidi and participation events.

* Public reports (places) are public in their non-personal part (category, status,
  position, description); their contacts and reporter are seen by the responsible
  organization's staff only.
* Sensitive (social) reports are seen only by the desk/outreach roles of the
  organization they were routed to; a citizen sees their own reports (status only).
* Presidi and events are run by their organization's staff; a volunteer records a
  presidio session or sees who registered for an event only while on duty for it.
* ``viewer`` sees aggregates only. Out of scope is a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from solidale.accounts.models import REGISTRY_ROLES, Role
from solidale.core.duty import on_duty

from .models import ParticipationEvent, Presidio, Report

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

    AnyUser = User | AnonymousUser

#: Roles that handle the reports routed to their organization (desk and outreach teams).
HANDLER_ROLES = frozenset(REGISTRY_ROLES - {Role.HOUSING_OFFICER})
#: Roles that run presidi and events for their organization.
ORGANIZER_ROLES = frozenset(
    {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.ORG_ADMIN, Role.ORG_OPERATOR}
)
PRESIDIO_ACTIVITY = "neighbourhoods.presidio"
EVENT_ACTIVITY = "neighbourhoods.event"


def _role(user: AnyUser) -> str | None:
    return getattr(user, "role", None) if user.is_authenticated else None


def _organization_id(user: AnyUser) -> int | None:
    organization = getattr(user, "organization", None) if user.is_authenticated else None
    return organization.pk if organization is not None else None


def is_staff_member(user: AnyUser) -> bool:
    return _role(user) is not None


def is_citizen(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_citizen", False))


def is_comune_coordinator(user: AnyUser) -> bool:
    organization = getattr(user, "organization", None) if user.is_authenticated else None
    return _role(user) == Role.COORDINATOR and organization is not None and organization.is_comune


def can_handle_reports(user: AnyUser) -> bool:
    return _role(user) in HANDLER_ROLES


def reports_visible_to(user: AnyUser) -> QuerySet[Report]:
    """The reports a staff member handles: those routed to their organization (and every
    public one for the Comune's coordinator). Citizens use :func:`own_reports`."""
    if not can_handle_reports(user):
        return Report.objects.none()
    scope = Q(organization_id=_organization_id(user))
    if is_comune_coordinator(user):
        scope |= Q(is_sensitive=False)
    return Report.objects.filter(scope)


def own_reports(user: AnyUser) -> QuerySet[Report]:
    if not user.is_authenticated:
        return Report.objects.none()
    return Report.objects.filter(reporter=user)


def get_report_for_user(user: AnyUser, pk: int) -> Report:
    report = (
        reports_visible_to(user).select_related("category", "neighbourhood").filter(pk=pk).first()
    )
    if report is None:
        raise Http404
    return report


def get_public_report(pk: int) -> Report:
    report = (
        Report.objects.public().select_related("category", "neighbourhood").filter(pk=pk).first()
    )
    if report is None:
        raise Http404
    return report


def can_configure(user: AnyUser) -> bool:
    return is_comune_coordinator(user)


def can_see_indicators(user: AnyUser) -> bool:
    """Aggregates are for every staff member (``viewer`` included), never for citizens."""
    return is_staff_member(user)


def presidi_visible_to(user: AnyUser) -> QuerySet[Presidio]:
    """Every staff member reads the presidi of the network (no personal data in them)."""
    if not is_staff_member(user):
        return Presidio.objects.none()
    return Presidio.objects.all()


def get_presidio_for_user(user: AnyUser, pk: int) -> Presidio:
    presidio = (
        presidi_visible_to(user)
        .select_related("neighbourhood", "organization")
        .filter(pk=pk)
        .first()
    )
    if presidio is None:
        raise Http404
    return presidio


def can_organize(user: AnyUser, organization_id: int | None = None) -> bool:
    if _role(user) not in ORGANIZER_ROLES:
        return False
    return organization_id is None or organization_id == _organization_id(user)


def can_record_session(user: AnyUser, presidio: Presidio) -> bool:
    if can_organize(user, presidio.organization_id):
        return True
    return (
        _role(user) == Role.VOLUNTEER
        and _organization_id(user) == presidio.organization_id
        and on_duty(user, PRESIDIO_ACTIVITY, target=presidio_target(presidio)) is not None
    )


def can_see_registrations(user: AnyUser, event: ParticipationEvent) -> bool:
    if can_organize(user, event.organization_id):
        return True
    return (
        _role(user) == Role.VOLUNTEER
        and _organization_id(user) == event.organization_id
        and on_duty(user, EVENT_ACTIVITY, target=event_target(event)) is not None
    )


def presidio_target(presidio: Presidio) -> str:
    return f"{PRESIDIO_ACTIVITY}:{presidio.pk}"


def event_target(event: ParticipationEvent) -> str:
    return f"{EVENT_ACTIVITY}:{event.pk}"


def get_event(pk: int) -> ParticipationEvent:
    """Events are public (no personal data in the event itself)."""
    event = (
        ParticipationEvent.objects.select_related("neighbourhood", "organization")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404
    return event
