from datetime import time
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "solidale.appointments"
    label = "appointments"
    verbose_name = _("Appuntamenti")

    def ready(self) -> None:
        from solidale.accounts.models import REGISTRY_ROLES
        from solidale.core import attention, navigation, schedule, timeline

        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .providers import my_appointments_today, timeline_entries
        from .tasks import appointment_reminders_send

        navigation.register(
            _("Appuntamenti"), "appointments:index", REGISTRY_ROLES, order=15, group=_("Sportello")
        )
        # The heading stays lazy so that it follows the language of each request.
        heading = cast(str, _("I miei appuntamenti di oggi"))
        attention.register("appointments.today", heading, my_appointments_today)
        timeline.register("appointments", timeline_entries)
        schedule.register(
            "appointments.reminders", appointment_reminders_send, daily_at=time(17, 0)
        )
