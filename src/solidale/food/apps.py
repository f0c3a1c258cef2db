from datetime import time
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoodConfig(AppConfig):
    name = "solidale.food"
    label = "food"
    verbose_name = _("Supporto alimentare")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import alerts, attention, duty, exports, indicators, schedule, timeline
        from solidale.core.navigation import register

        from . import providers
        from .permissions import DUTY_ACTIVITY, MANAGER_ROLES, is_manager
        from .services import card_reminders_task

        group = _("Cibo")
        counter_roles = MANAGER_ROLES | {Role.VOLUNTEER}
        register(_("Supporto alimentare"), "food:home", MANAGER_ROLES, order=60, group=group)
        register(
            _("Banco di distribuzione"), "food:counter_home", counter_roles, order=61, group=group
        )
        register(_("Tessere"), "food:card_list", MANAGER_ROLES, order=62, group=group)
        register(_("Magazzini"), "food:warehouse_list", MANAGER_ROLES, order=63, group=group)
        register(_("Pasti a domicilio"), "food:round_list", MANAGER_ROLES, order=64, group=group)
        register(
            _("Rendiconto per fonte"),
            "food:report",
            MANAGER_ROLES | {Role.VIEWER},
            order=65,
            group=group,
        )

        attention.register(
            "food.stock", cast(str, _("Supporto alimentare")), providers.attention_items
        )
        timeline.register("food", providers.timeline_entries)
        schedule.register("food.card_reminders", card_reminders_task, daily_at=time(7, 30))

        section = _("Supporto alimentare")
        for key, label, unit, facts, people, order, by_program in (
            ("food.parcels", _("Pacchi alimentari"), _("pacchi"), providers.parcels_facts, False, 60, True),
            ("food.meals", _("Pasti (mensa e domicilio)"), _("pasti"), providers.meals_facts, False, 61, True),
            ("food.distributions", _("Distribuzioni"), _("distribuzioni"), providers.distributions_facts, False, 62, True),
            ("food.anonymous", _("Distribuzioni anonime (emergenza)"), _("distribuzioni"), providers.anonymous_facts, False, 63, False),
            ("food.households", _("Nuclei raggiunti"), _("nuclei"), providers.households_facts, True, 64, True),
        ):  # fmt: skip
            indicators.register(
                indicators.Indicator(
                    key=key,
                    label=label,
                    unit=unit,
                    section=section,
                    facts=facts,
                    counts_people=people,
                    order=order,
                    by_program=by_program,
                )
            )
        indicators.register_programs("food", providers.programs)
        indicators.register_contacts("food", providers.contacts)

        alerts.register(
            alerts.AlertRule(
                key="food.card_expired",
                title=_("Tessera alimentare scaduta con bisogno ancora presente"),
                description=_(
                    "Una tessera è scaduta da poco senza rinnovo, ma il nucleo ritirava ancora "
                    "negli ultimi due mesi: forse ha ancora bisogno e nessuno lo ha richiamato."
                ),
                evaluate=providers.card_expired_with_needs,
                defaults=providers.ALERT_DEFAULTS["food.card_expired"],
                parameters=providers.ALERT_PARAMETERS["food.card_expired"],
            )
        )
        alerts.register(
            alerts.AlertRule(
                key="food.not_home",
                title=_("Pasti a domicilio: nessuno apre la porta"),
                description=_(
                    "Chi riceve i pasti a casa non era in casa in più consegne di fila: una "
                    "persona fragile che non risponde è un segnale d'allarme."
                ),
                evaluate=providers.not_home_twice,
                defaults=providers.ALERT_DEFAULTS["food.not_home"],
                parameters=providers.ALERT_PARAMETERS["food.not_home"],
            )
        )

        duty.register_activity(
            duty.Activity(
                key=DUTY_ACTIVITY,
                label=_("Distribuzione alimentare"),
                targets=providers.duty_targets,
                url=providers.duty_url,
            )
        )

        exports.register(
            exports.ExportSource(
                key="food.cards",
                label=_("Tessere alimentari"),
                columns=providers.CARD_COLUMNS,
                rows=providers.card_export_rows,
                count=providers.card_export_count,
                allowed=is_manager,
            )
        )
        exports.register(
            exports.ExportSource(
                key="food.distributions",
                label=_("Distribuzioni alimentari"),
                columns=providers.DISTRIBUTION_COLUMNS,
                rows=providers.distribution_export_rows,
                count=providers.distribution_export_count,
                allowed=is_manager,
            )
        )
