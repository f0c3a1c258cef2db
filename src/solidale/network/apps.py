from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "solidale.network"
    label = "network"
    verbose_name = _("Tavolo Solidale: rete e servizi")

    def ready(self) -> None:
        from solidale.accounts.models import Role
        from solidale.core import attention, navigation

        from .attention import expiring_agreements, services_to_confirm
        from .permissions import CAPACITY_ROLES

        navigation.register(
            _("Organizzazioni"),
            "network:organization_list",
            set(Role.values),
            order=60,
            group=_("Rete e tavolo"),
        )
        navigation.register(
            _("Servizi della mia organizzazione"),
            "network:service_list",
            CAPACITY_ROLES,
            order=61,
            group=_("Rete e tavolo"),
        )
        # The headings stay lazy so that they follow the language of each request.
        attention.register(
            "network.agreements",
            cast(str, _("Accordi con il Comune in scadenza")),
            expiring_agreements,
        )
        attention.register(
            "network.stale_services", cast(str, _("Servizi da confermare")), services_to_confirm
        )
