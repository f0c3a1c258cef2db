from datetime import time, timedelta
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "solidale.insights"
    label = "insights"
    verbose_name = _("Cruscotto")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import attention, schedule
        from solidale.core.navigation import register

        from .contrib import appointments, cases, desk, figures, referrals, tavolo
        from .providers import attention_items
        from .services import (
            alerts_daily_task,
            exports_purge_task,
            refresh_daily_task,
        )

        for contribution in (desk, cases, referrals, tavolo, appointments, figures):
            contribution.register()

        group = _("Cruscotto")
        managers = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.VIEWER})
        staff = frozenset(Role.values) - {Role.VOLUNTEER}
        inbox = staff - {Role.VIEWER}
        register(_("Cruscotto dei servizi"), "insights:dashboard", managers, 80, group)
        register(_("La mia organizzazione"), "insights:organization", staff, 81, group)
        register(_("Quartieri"), "insights:neighbourhoods", staff, 82, group)
        register(_("Segnalazioni"), "insights:alerts", inbox, 83, group)
        register(_("Regole di attenzione"), "insights:rules", staff, 84, group)
        register(_("Esportazioni"), "insights:export_list", staff, 85, group)
        register(_("Flussi SIUSS"), "insights:siuss", frozenset({Role.COORDINATOR}), 86, group)
        register(_("Rapporto dei risultati"), "insights:report", managers, 87, group)
        register(_("Dati aperti"), "insights:open_data", staff, 88, group)
        # The heading stays lazy so that it follows the language of each request.
        heading = cast(str, _("Segnalazioni da chiudere"))
        attention.register("insights.alerts", heading, attention_items)
        schedule.register("insights.refresh", refresh_daily_task, daily_at=time(2, 0))
        schedule.register("insights.alerts", alerts_daily_task, daily_at=time(6, 30))
        schedule.register("insights.exports_purge", exports_purge_task, every=timedelta(hours=1))
