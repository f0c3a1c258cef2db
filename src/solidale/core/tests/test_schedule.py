"""Periodic tasks: due at their interval or daily time, enqueued once, run by the real worker."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from solidale.core import schedule
from solidale.core.models import PeriodicRun
from solidale.core.notifications import notification_digest_send, notify


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Rome"))


def test_an_interval_task_is_due_after_its_interval() -> None:
    hourly = schedule.Periodic("x", task=None, every=timedelta(hours=1))
    now = local(2026, 12, 1, 10)
    assert hourly.is_due(now=now, last=None)
    assert not hourly.is_due(now=now, last=now - timedelta(minutes=59))
    assert hourly.is_due(now=now, last=now - timedelta(hours=1))


def test_a_daily_task_is_due_once_after_its_time() -> None:
    daily = schedule.Periodic("x", task=None, daily_at=time(7, 0))
    assert not daily.is_due(now=local(2026, 12, 1, 6, 59), last=None)
    assert daily.is_due(now=local(2026, 12, 1, 7, 0), last=local(2026, 11, 30, 7, 0))
    assert not daily.is_due(now=local(2026, 12, 1, 18, 0), last=local(2026, 12, 1, 7, 0))


def test_it_refuses_an_entry_with_both_or_neither_timing() -> None:
    with pytest.raises(ValueError):
        schedule.register("bad", notification_digest_send)
    with pytest.raises(ValueError):
        schedule.register(
            "bad", notification_digest_send, every=timedelta(hours=1), daily_at=time(1)
        )


@pytest.mark.django_db(transaction=True)
def test_a_tick_enqueues_the_digest_once_and_the_worker_sends_it(personas) -> None:
    user = personas.coordinator
    user.notification_email = "digest"
    user.save(update_fields=["notification_email"])
    notify(users=[user], kind="x", title="Azione scaduta")
    at_eight = local(2026, 12, 1, 8)
    assert "core.notification_digest" in schedule.schedule_tick(at_eight)
    assert "core.notification_digest" not in schedule.schedule_tick(at_eight + timedelta(minutes=1))
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [message.subject for message in mail.outbox] == ["Solidale: il riepilogo di oggi"]
    assert PeriodicRun.objects.get(name="core.notification_digest").last_enqueued_at == at_eight


def test_every_app_registers_its_periodic_work() -> None:
    names = {periodic.name for periodic in schedule.registered()}
    assert {"core.notification_digest", "referrals.overdue", "appointments.reminders"} <= names
