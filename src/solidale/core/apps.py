from datetime import time

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "solidale.core"
    label = "core"
    verbose_name = _("Nucleo")

    def ready(self) -> None:
        from . import schedule
        from .notifications import notification_digest_send

        schedule.register("core.notification_digest", notification_digest_send, daily_at=time(7, 0))
