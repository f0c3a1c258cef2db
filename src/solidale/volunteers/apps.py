from datetime import time
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "solidale.volunteers"
    label = "volunteers"
    verbose_name = _("Volontariato")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import alerts, attention, duty, exports, indicators, schedule
        from solidale.core.navigation import register

        from .permissions import MANAGER_ROLES
        from .providers import ALERT_RULES, EXPORT_SOURCES, INDICATORS, attention_items
        from .selectors import SERVICE_ACTIVITY, duties_for
        from .services import expiry_notices_task, reminders_task

        group = _("Volontariato")
        volunteer: frozenset[str] = frozenset({Role.VOLUNTEER})
        register(_("Il mio turno"), "volunteers:my_shift", volunteer, order=70, group=group)
        register(
            _("Turni"), "volunteers:shift_list", volunteer | MANAGER_ROLES, order=71, group=group
        )
        register(_("Volontari"), "volunteers:volunteer_list", MANAGER_ROLES, order=72, group=group)
        register(
            _("Ore di volontariato"),
            "volunteers:hours_report",
            volunteer | MANAGER_ROLES,
            order=73,
            group=group,
        )
        # The heading stays lazy so that it follows the language of each request.
        attention.register("volunteers", cast(str, _("Volontariato")), attention_items)
        schedule.register("volunteers.reminders", reminders_task, daily_at=time(17, 0))
        schedule.register("volunteers.expiry", expiry_notices_task, daily_at=time(7, 30))
        duty.register_provider(duties_for)
        duty.register_activity(
            duty.Activity(
                key=SERVICE_ACTIVITY,
                label=_("Servizio dell'organizzazione"),
                targets=lambda organization_id: [],
            )
        )
        for indicator in INDICATORS:
            indicators.register(indicator)
        for rule in ALERT_RULES:
            alerts.register(rule)
        for source in EXPORT_SOURCES:
            exports.register(source)
