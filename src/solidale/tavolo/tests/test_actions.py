"""Action items: assignment, progress, overdue computation, landing page and the worker."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from conftest import Personas
from solidale.core import schedule
from solidale.core.attention import attention_for
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import Notification

from ..models import Action, ActionStatus
from ..providers import attention_items
from ..services import (
    action_assign,
    action_progress_record,
    actions_overdue_notify,
    actions_overdue_task,
)
from .factories import assigned_action, decided_meeting, reported_need

pytestmark = pytest.mark.django_db

YESTERDAY = timezone.localdate() - timedelta(days=1)


def test_an_assigned_action_notifies_its_owner(personas: Personas) -> None:
    action = assigned_action(personas, owner=personas.association_operator)
    assert action.status == ActionStatus.OPEN
    assert Notification.objects.filter(
        user=personas.association_operator, kind="tavolo.action"
    ).exists()
    assert not Notification.objects.filter(
        user=personas.association_admin, kind="tavolo.action"
    ).exists()


def test_without_a_person_the_owner_organizations_staff_is_notified(personas: Personas) -> None:
    assigned_action(personas)
    notified = set(
        Notification.objects.filter(kind="tavolo.action").values_list("user__email", flat=True)
    )
    assert notified == {personas.association_operator.email, personas.association_admin.email}


def test_an_action_goes_to_a_participating_organization_only(personas: Personas) -> None:
    _, decision = decided_meeting(personas)
    with pytest.raises(DomainError) as refused:
        action_assign(
            actor=personas.coordinator,
            decision=decision,
            data={
                "title": "Coperte",
                "owner_organization": personas.other_association,
                "deadline": YESTERDAY,
            },
        )
    assert refused.value.field == "owner_organization"


def test_the_owner_person_belongs_to_the_owner_organization(personas: Personas) -> None:
    _, decision = decided_meeting(personas)
    with pytest.raises(DomainError):
        action_assign(
            actor=personas.coordinator,
            decision=decision,
            data={
                "title": "Coperte",
                "owner_organization": personas.cooperative,
                "owner": personas.outsider,
                "deadline": YESTERDAY,
            },
        )


def test_an_action_links_the_needs_it_addresses(personas: Personas) -> None:
    need = reported_need(personas)
    action = assigned_action(personas, needs=[need])
    assert list(Action.objects.filter(needs=need)) == [action]


def test_the_owner_records_progress_until_done(personas: Personas) -> None:
    action = assigned_action(personas)
    action_progress_record(
        actor=personas.association_operator, action=action, status="in_progress", note="Avviata"
    )
    action_progress_record(actor=personas.association_operator, action=action, status="done")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert list(action.progress.values_list("status", flat=True)) == ["done", "in_progress"]
    with pytest.raises(PermissionDeniedError):
        action_progress_record(actor=personas.association_operator, action=action, status="open")


def test_another_organization_cannot_update_the_action(personas: Personas) -> None:
    action = assigned_action(personas)
    with pytest.raises(PermissionDeniedError):
        action_progress_record(actor=personas.outsider, action=action, status="done")
    with pytest.raises(PermissionDeniedError):
        action_progress_record(actor=personas.volunteer, action=action, status="done")


def test_a_stale_update_of_a_closed_action_is_refused(personas: Personas) -> None:
    action = assigned_action(personas)
    stale = Action.objects.get(pk=action.pk)
    action_progress_record(actor=personas.coordinator, action=action, status="cancelled")
    with pytest.raises(ConflictError):
        action_progress_record(actor=personas.association_operator, action=stale, status="done")


def test_an_active_action_past_its_deadline_is_overdue(personas: Personas) -> None:
    late = assigned_action(personas, deadline=YESTERDAY)
    on_time = assigned_action(personas, deadline=timezone.localdate())
    assert late.is_overdue and not on_time.is_overdue
    assert list(Action.objects.overdue()) == [late]
    action_progress_record(actor=personas.association_operator, action=late, status="done")
    assert not Action.objects.overdue().exists()


def test_overdue_actions_show_on_the_landing_page_of_the_participants(personas: Personas) -> None:
    late = assigned_action(personas, deadline=YESTERDAY)
    for user in (personas.association_operator, personas.volunteer, personas.social_worker):
        items = attention_items(user)
        assert [item.url for item in items] == [f"/tavolo/actions/{late.pk}/"]
        assert items[0].severity == "danger"
    assert attention_items(personas.outsider) == []
    assert attention_items(personas.citizen) == []
    headings = dict(attention_for(personas.association_operator))
    assert any(
        item.title.startswith("Azione in ritardo") for items in headings.values() for item in items
    )


def test_the_overdue_notice_goes_once_to_the_owner(personas: Personas) -> None:
    assigned_action(personas, deadline=YESTERDAY, owner=personas.association_operator)
    assigned_action(personas, deadline=timezone.localdate() + timedelta(days=3))
    assert actions_overdue_notify() == 1
    assert actions_overdue_notify() == 0
    overdue = Notification.objects.filter(kind="tavolo.action_overdue")
    assert list(overdue.values_list("user__email", flat=True)) == [
        personas.association_operator.email
    ]


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_the_overdue_notice(personas: Personas) -> None:
    assigned_action(personas, deadline=YESTERDAY, owner=personas.association_operator)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    mail.outbox.clear()
    with transaction.atomic():
        actions_overdue_task.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    subjects = [message.subject for message in mail.outbox]
    assert any(subject.startswith("Azione del tavolo in ritardo") for subject in subjects)
    assert [message.to for message in mail.outbox] == [[personas.association_operator.email]]


def test_the_command_notifies_the_overdue_actions(personas: Personas) -> None:
    assigned_action(personas, deadline=YESTERDAY, owner=personas.association_operator)
    output = StringIO()
    call_command("tavolo_overdue", stdout=output)
    assert "1" in output.getvalue()
    assert Notification.objects.filter(kind="tavolo.action_overdue").count() == 1


def test_the_scheduler_enqueues_the_overdue_task_every_morning() -> None:
    (periodic,) = [p for p in schedule.registered() if p.name == "tavolo.overdue"]
    assert periodic.task == actions_overdue_task
    assert periodic.daily_at is not None and periodic.daily_at.hour == 7
