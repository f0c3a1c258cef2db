from datetime import time, timedelta
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShelterConfig(AppConfig):
    name = "solidale.shelter"
    label = "shelter"
    verbose_name = _("Emergenza Freddo")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import alerts, attention, duty, exports, indicators, schedule, timeline
        from solidale.core.navigation import register

        from . import providers
        from .beds import no_shows_task
        from .followups import followups_task
        from .report import report_task
        from .services import forecast_task

        group = _("Emergenza Freddo")
        everyone = frozenset(Role.values)
        staff = everyone - {Role.VOLUNTEER, Role.VIEWER}
        register(_("Piano e attivazioni"), "shelter:home", everyone, order=70, group=group)
        register(_("Posti letto di stanotte"), "shelter:board", everyone, order=71, group=group)
        register(_("Unità di strada"), "shelter:outreach", everyone, order=72, group=group)
        register(_("Mappa degli incontri"), "shelter:map", everyone, order=73, group=group)
        register(_("Rapporto della notte"), "shelter:report", everyone, order=74, group=group)
        register(_("Da seguire"), "shelter:followups", staff, order=75, group=group)
        register(_("Strutture"), "shelter:facility_list", staff, order=76, group=group)
        timeline.register("shelter", providers.timeline_entries)
        # The heading stays lazy so that it follows the language of each request.
        attention.register("shelter", cast(str, _("Emergenza freddo")), providers.attention_items)
        for indicator in providers.INDICATORS:
            indicators.register(indicator)
        indicators.register_contacts("shelter", providers.contacts)
        for rule in providers.ALERT_RULES:
            alerts.register(rule)
        for source in providers.EXPORTS:
            exports.register(source)
        for activity in providers.ACTIVITIES:
            duty.register_activity(activity)
        schedule.register("shelter.forecast", forecast_task, daily_at=time(6, 0))
        schedule.register("shelter.no_shows", no_shows_task, every=timedelta(minutes=15))
        schedule.register("shelter.followups", followups_task, daily_at=time(7, 30))
        schedule.register("shelter.report", report_task, daily_at=time(8, 0))
