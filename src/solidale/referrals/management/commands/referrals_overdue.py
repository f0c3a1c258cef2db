"""``solidale referrals_overdue``: notify both sides of the referrals not accepted in time.

Run it hourly from the scheduler of the deployment (cron, systemd timer), or enqueue the
``referrals_overdue_task`` task; each overdue referral is notified once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from solidale.referrals.services import referrals_overdue_notify


class Command(BaseCommand):
    help = "Avvisa le due organizzazioni degli invii non accettati entro il tempo previsto."

    def handle(self, *args: Any, **options: Any) -> None:
        count = referrals_overdue_notify()
        self.stdout.write(_("Invii in ritardo notificati: %(count)s") % {"count": count})
