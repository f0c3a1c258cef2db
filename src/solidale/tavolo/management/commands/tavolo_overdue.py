"""``solidale tavolo_overdue``: tell the owners of the Tavolo's actions past their deadline.

Run it daily from the scheduler of the deployment (cron, systemd timer), or enqueue the
``actions_overdue_task`` task; each overdue action is notified once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from solidale.tavolo.services import actions_overdue_notify


class Command(BaseCommand):
    help = "Avvisa i responsabili delle azioni del tavolo scadute."

    def handle(self, *args: Any, **options: Any) -> None:
        count = actions_overdue_notify()
        self.stdout.write(_("Azioni in ritardo notificate: %(count)s") % {"count": count})
