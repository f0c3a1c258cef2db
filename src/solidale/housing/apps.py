from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "solidale.housing"
    label = "housing"
    verbose_name = _("Emergenza abitativa")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import alerts, attention, exports, indicators, timeline
        from solidale.core.navigation import register

        from . import providers

        comune = frozenset({Role.COORDINATOR, Role.SOCIAL_WORKER, Role.DESK_OPERATOR})
        shared = comune | {Role.HOUSING_OFFICER}
        group = _("Casa")
        register(_("Casi abitativi"), "housing:case_list", shared, order=70, group=group)
        register(_("Scadenze e allerte"), "housing:alerts", comune, order=71, group=group)
        register(_("Bandi e graduatorie ERP"), "housing:call_list", shared, order=72, group=group)
        register(_("Alloggi offerti"), "housing:offer_list", shared, order=73, group=group)
        register(_("Alloggi temporanei"), "housing:unit_list", comune, order=74, group=group)
        register(_("Contributi"), "housing:grant_list", comune, order=75, group=group)
        register(_("Regole e punteggi"), "housing:ruleset_list", shared, order=76, group=group)
        for rule in providers.ALERT_RULES:
            alerts.register(rule)
        for indicator in providers.INDICATORS:
            indicators.register(indicator)
        indicators.register_contacts("housing", providers.contacts)
        for source in providers.EXPORTS:
            exports.register(source)
        timeline.register("housing", providers.timeline)
        heading = cast(str, _("Emergenza abitativa"))
        attention.register("housing", heading, providers.attention_items)
