from datetime import time
from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "solidale.cases"
    label = "cases"
    verbose_name = _("Cartella sociale")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import attention, schedule, timeline
        from solidale.core.navigation import register

        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .selectors import attention_items, timeline_entries
        from .tasks import case_review_reminders_send

        register(
            _("Le mie cartelle"),
            "cases:mine",
            {Role.SOCIAL_WORKER, Role.COORDINATOR, Role.ORG_OPERATOR, Role.ORG_ADMIN},
            order=30,
            group=_("Casi e invii"),
        )
        register(
            _("Carichi di lavoro"),
            "cases:caseload",
            {Role.COORDINATOR},
            order=31,
            group=_("Casi e invii"),
        )
        timeline.register("cases", timeline_entries)
        # The heading stays lazy so that it follows the language of each request.
        heading = cast(str, _("Cartelle sociali: scadenze e verifiche"))
        attention.register("cases.follow_ups", heading, attention_items)
        schedule.register(
            "cases.review_reminders", case_review_reminders_send, daily_at=time(7, 30)
        )
