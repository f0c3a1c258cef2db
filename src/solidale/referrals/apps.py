from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "solidale.referrals"
    label = "referrals"
    verbose_name = _("Invii tra organizzazioni")

    def ready(self) -> None:
        from solidale.core import attention, schedule, timeline
        from solidale.core.navigation import register

        from .permissions import REFERRAL_ROLES, STATS_ROLES
        from .providers import attention_items, timeline_entries
        from .services import referrals_overdue_task

        register(
            _("Invii ricevuti"),
            "referrals:inbox",
            REFERRAL_ROLES,
            order=40,
            group=_("Casi e invii"),
        )
        register(
            _("Invii fatti"), "referrals:outbox", REFERRAL_ROLES, order=41, group=_("Casi e invii")
        )
        register(
            _("Statistiche degli invii"),
            "referrals:stats",
            STATS_ROLES,
            order=42,
            group=_("Casi e invii"),
        )
        timeline.register("referrals", timeline_entries)
        attention.register("referrals.inbox", str(_("Invii da accettare")), attention_items)
        schedule.register("referrals.overdue", referrals_overdue_task, every=timedelta(hours=1))
