"""Meetings: convening, agenda, versioned minutes, decisions, closing and publication."""

from __future__ import annotations

import pytest

from conftest import Personas
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent, Notification

from ..models import MeetingStatus, MinutesVersion
from ..permissions import get_meeting_for_user, meetings_visible_to, sees_minutes
from ..services import (
    agenda_item_add,
    attendee_add,
    meeting_close,
    meeting_convene,
    minutes_publish,
    minutes_save,
)
from .factories import convened_meeting, decided_meeting

pytestmark = pytest.mark.django_db


def test_a_comune_coordinator_convenes_and_the_invited_are_notified(personas: Personas) -> None:
    meeting = convened_meeting(personas)
    assert meeting.status == MeetingStatus.SCHEDULED
    assert set(meeting.participants.values_list("organization__name", flat=True)) == {
        personas.comune.name,
        personas.cooperative.name,
    }
    convened = Notification.objects.filter(kind="tavolo.meeting")
    assert convened.filter(user=personas.association_operator).exists()
    assert not convened.filter(user=personas.outsider).exists()
    assert not convened.filter(user=personas.coordinator).exists()


def test_only_a_comune_coordinator_convenes(personas: Personas) -> None:
    with pytest.raises(PermissionDeniedError):
        meeting_convene(
            actor=personas.association_admin,
            data={"title": "Tavolo", "starts_at": "2026-12-01T10:00Z", "place": "Sede"},
            organizations=[],
        )


def test_a_meeting_needs_a_place_or_a_link(personas: Personas) -> None:
    from django.utils import timezone

    with pytest.raises(DomainError) as refused:
        meeting_convene(
            actor=personas.coordinator,
            data={"title": "Tavolo", "starts_at": timezone.now()},
            organizations=[],
        )
    assert refused.value.field == "place"


def test_agenda_items_are_numbered_in_order(personas: Personas) -> None:
    meeting = convened_meeting(personas)
    first = agenda_item_add(actor=personas.coordinator, meeting=meeting, title="Freddo")
    second = agenda_item_add(actor=personas.coordinator, meeting=meeting, title="Pacchi viveri")
    assert (first.position, second.position) == (1, 2)


def test_every_save_of_the_minutes_is_kept_with_author(personas: Personas) -> None:
    meeting = convened_meeting(personas)
    item = agenda_item_add(actor=personas.coordinator, meeting=meeting, title="Freddo")
    minutes_save(actor=personas.coordinator, item=item, text="Prima stesura", base_version=0)
    minutes_save(actor=personas.coordinator, item=item, text="Seconda stesura", base_version=1)
    item.refresh_from_db()
    assert (item.minutes, item.minutes_version) == ("Seconda stesura", 2)
    versions = list(MinutesVersion.objects.filter(agenda_item=item).values_list("number", "text"))
    assert versions == [(2, "Seconda stesura"), (1, "Prima stesura")]
    assert set(MinutesVersion.objects.values_list("author", flat=True)) == {personas.coordinator.pk}
    assert (
        AuditEvent.objects.filter(object_type__icontains="agendaitem", action="update").count() == 2
    )


def test_a_save_from_a_stale_version_is_refused_and_nothing_is_lost(personas: Personas) -> None:
    meeting = convened_meeting(personas)
    item = agenda_item_add(actor=personas.coordinator, meeting=meeting, title="Freddo")
    minutes_save(actor=personas.coordinator, item=item, text="Testo di Carlo", base_version=0)
    with pytest.raises(ConflictError):
        minutes_save(actor=personas.coordinator, item=item, text="Testo vecchio", base_version=0)
    item.refresh_from_db()
    assert item.minutes == "Testo di Carlo"
    assert MinutesVersion.objects.count() == 1


def test_only_the_convening_coordinator_writes_the_minutes(personas: Personas) -> None:
    meeting = convened_meeting(personas)
    item = agenda_item_add(actor=personas.coordinator, meeting=meeting, title="Freddo")
    with pytest.raises(PermissionDeniedError):
        minutes_save(actor=personas.association_admin, item=item, text="Mio", base_version=0)


def test_attendance_marks_the_organization_present(personas: Personas) -> None:
    meeting = convened_meeting(personas)
    attendee_add(
        actor=personas.coordinator,
        meeting=meeting,
        organization=personas.cooperative,
        full_name="Olga Operatrice",
    )
    assert meeting.participants.get(organization=personas.cooperative).attended
    with pytest.raises(DomainError):
        attendee_add(
            actor=personas.coordinator,
            meeting=meeting,
            organization=personas.other_association,
            full_name="Otto Estraneo",
        )


def test_a_closed_meeting_is_published_and_participants_are_notified(personas: Personas) -> None:
    meeting, _ = decided_meeting(personas)
    with pytest.raises(ConflictError):
        minutes_publish(actor=personas.coordinator, meeting=meeting)
    meeting_close(actor=personas.coordinator, meeting=meeting)
    with pytest.raises(ConflictError):
        meeting_close(actor=personas.coordinator, meeting=meeting)
    item = meeting.agenda_items.get()
    with pytest.raises(PermissionDeniedError):
        minutes_save(actor=personas.coordinator, item=item, text="tardi", base_version=0)
    minutes_publish(actor=personas.coordinator, meeting=meeting)
    assert meeting.status == MeetingStatus.PUBLISHED
    published = Notification.objects.filter(kind="tavolo.minutes")
    assert set(published.values_list("user__email", flat=True)) >= {
        personas.association_operator.email,
        personas.social_worker.email,
    }
    assert not published.filter(user=personas.outsider).exists()


def test_participants_read_the_minutes_only_once_published(personas: Personas) -> None:
    meeting, _ = decided_meeting(personas)
    operator = personas.association_operator
    assert not sees_minutes(operator, get_meeting_for_user(operator, meeting.pk))
    assert sees_minutes(personas.social_worker, meeting)
    meeting_close(actor=personas.coordinator, meeting=meeting)
    minutes_publish(actor=personas.coordinator, meeting=meeting)
    assert sees_minutes(operator, get_meeting_for_user(operator, meeting.pk))


def test_an_organization_not_invited_does_not_see_the_meeting(personas: Personas) -> None:
    from django.http import Http404

    meeting, _ = decided_meeting(personas)
    assert not meetings_visible_to(personas.outsider).exists()
    with pytest.raises(Http404):
        get_meeting_for_user(personas.outsider, meeting.pk)
    with pytest.raises(Http404):
        get_meeting_for_user(personas.citizen, meeting.pk)
