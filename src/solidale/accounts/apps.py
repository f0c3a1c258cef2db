from typing import cast

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "solidale.accounts"
    label = "accounts"
    verbose_name = _("Utenti e ruoli")

    def ready(self) -> None:
        from solidale.core import attention, navigation

        from . import receivers  # noqa: F401  (connects the login/logout audit receivers)
        from .models import PERSONAL_DATA_ROLES, Role
        from .selectors import api_tokens_expiring_soon

        navigation.register(
            _("Membri"),
            "accounts:member_list",
            {Role.ORG_ADMIN, Role.COORDINATOR},
            order=900,
            group=_("Account"),
        )
        navigation.register(
            _("Registro accessi"),
            "accounts:audit",
            {Role.ORG_ADMIN, Role.COORDINATOR},
            order=910,
            group=_("Account"),
        )
        navigation.register(
            _("Token API"), "accounts:token_list", set(Role.values), order=920, group=_("Account")
        )
        navigation.register(
            _("Verifica in due passaggi"),
            "accounts:otp_setup",
            set(PERSONAL_DATA_ROLES),
            order=930,
            group=_("Account"),
        )
        # The heading stays lazy so that it follows the language of each request.
        heading = cast(str, _("Token API in scadenza"))
        attention.register("accounts.api_tokens", heading, api_tokens_expiring_soon)
