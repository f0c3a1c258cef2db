"""Notifications: created with the change, e-mailed by the real task worker after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from solidale.core.models import Notification
from solidale.core.notifications import notification_digest_send, notify


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_a_notification_after_commit(personas) -> None:
    with transaction.atomic():
        notify(
            users=[personas.social_worker],
            kind="referral",
            title="Nuovo invio ricevuto",
            url="/people/",
        )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [message.subject for message in mail.outbox] == ["Nuovo invio ricevuto"]
    assert "http://127.0.0.1:8000/people/" in mail.outbox[0].body
    assert Notification.objects.get().emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_notifies_nobody(personas) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[personas.social_worker], kind="referral", title="Mai visto")
        raise RuntimeError
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_digest_users_get_one_email_with_every_title(personas) -> None:
    user = personas.coordinator
    user.notification_email = "digest"
    user.save(update_fields=["notification_email"])
    notify(users=[user], kind="action", title="Azione scaduta")
    notify(users=[user], kind="action", title="Nuovo bisogno")
    assert notification_digest_send.call() == 1
    assert len(mail.outbox) == 1
    assert "Azione scaduta" in mail.outbox[0].body
    assert "Nuovo bisogno" in mail.outbox[0].body


@pytest.mark.django_db
def test_inactive_users_are_not_notified(personas) -> None:
    personas.volunteer.is_active = False
    personas.volunteer.save(update_fields=["is_active"])
    assert notify(users=[personas.volunteer], kind="x", title="t") == []


@pytest.mark.django_db
def test_a_user_reads_only_their_own_notifications(personas, login) -> None:
    mine = notify(users=[personas.social_worker], kind="x", title="Per Anna", url="/people/")[0]
    theirs = notify(users=[personas.outsider], kind="x", title="Per Otto")[0]
    client = login(personas.social_worker)
    page = client.get("/notifications/")
    assert b"Per Anna" in page.content
    assert b"Per Otto" not in page.content
    assert client.post("/notifications/read/", {"id": theirs.pk}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    opened = client.post("/notifications/read/", {"id": mine.pk})
    assert opened.status_code == 302
    assert opened["Location"] == "/people/"
    mine.refresh_from_db()
    assert mine.read_at is not None


@pytest.mark.django_db
def test_the_header_counts_unread_notifications(personas, login) -> None:
    notify(users=[personas.desk_operator], kind="x", title="Uno")
    page = login(personas.desk_operator).get("/notifications/")
    assert b'1<span class="visually-hidden"> non lette' in page.content


@pytest.mark.django_db
def test_a_user_chooses_the_daily_digest(personas, login) -> None:
    client = login(personas.social_worker)
    response = client.post("/account/notifications/", {"notification_email": "digest"})
    assert response.status_code == 302
    personas.social_worker.refresh_from_db()
    assert personas.social_worker.notification_email == "digest"
    assert b'value="digest" selected' in client.get("/notifications/").content


@pytest.mark.django_db
def test_an_unknown_preference_changes_nothing(personas, login) -> None:
    client = login(personas.social_worker)
    client.post("/account/notifications/", {"notification_email": "pigeon"})
    personas.social_worker.refresh_from_db()
    assert personas.social_worker.notification_email == "immediate"
