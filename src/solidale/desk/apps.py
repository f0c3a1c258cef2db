from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "solidale.desk"
    label = "desk"
    verbose_name = _("Segretariato Sociale")

    def ready(self) -> None:
        from solidale.core import attention, timeline
        from solidale.core.navigation import CITIZEN, register

        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .permissions import DESK_ROLES
        from .selectors import attention_items, timeline_entries

        register(_("Accoglienza"), "desk:intake", DESK_ROLES, order=10, group=_("Sportello"))
        register(_("Contatti"), "desk:access_list", DESK_ROLES, order=11, group=_("Sportello"))
        register(_("Triage"), "desk:triage", DESK_ROLES, order=12, group=_("Sportello"))
        register(_("Le mie richieste"), "desk:my_requests", {CITIZEN}, order=10)
        timeline.register("desk", timeline_entries)
        # The heading stays lazy so that it follows the language of each request.
        heading = cast(str, _("Accoglienza: ricontatti e triage"))
        attention.register("desk.follow_ups", heading, attention_items)
