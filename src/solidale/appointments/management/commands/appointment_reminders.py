"""``solidale appointment_reminders``: enqueue today's run of the reminders (daily, from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidale.appointments.tasks import appointment_reminders_send


class Command(BaseCommand):
    help = "Enqueue the reminders of tomorrow's appointments (run once a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = appointment_reminders_send.enqueue()
        self.stdout.write(f"enqueued {result.id}")
