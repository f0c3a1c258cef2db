from datetime import time
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TavoloConfig(AppConfig):
    name = "solidale.tavolo"
    label = "tavolo"
    verbose_name = _("Tavolo di coordinamento")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import attention, schedule
        from solidale.core.navigation import register

        from .providers import attention_items
        from .services import actions_overdue_task

        everyone = frozenset(Role.values)
        register(
            _("Tavolo solidale"),
            "tavolo:meeting_list",
            everyone,
            order=50,
            group=_("Rete e tavolo"),
        )
        register(
            _("Azioni del tavolo"),
            "tavolo:action_list",
            everyone,
            order=51,
            group=_("Rete e tavolo"),
        )
        register(
            _("Bacheca dei bisogni"),
            "tavolo:need_list",
            everyone,
            order=52,
            group=_("Rete e tavolo"),
        )
        # The heading stays lazy so that it follows the language of each request.
        heading = cast(str, _("Azioni del tavolo in ritardo"))
        attention.register("tavolo.overdue", heading, attention_items)
        schedule.register("tavolo.overdue", actions_overdue_task, daily_at=time(7, 0))
