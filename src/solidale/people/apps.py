from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "solidale.people"
    label = "people"
    verbose_name = _("Anagrafica")

    def ready(self) -> None:
        from solidale.accounts.models import REGISTRY_ROLES, Role
        from solidale.core.navigation import register

        from . import permissions  # noqa: F401  (registers the rules permissions)

        register(_("Persone"), "people:list", REGISTRY_ROLES, order=20, group=_("Persone"))
        register(
            _("Nuclei familiari"),
            "people:household_list",
            REGISTRY_ROLES,
            order=21,
            group=_("Persone"),
        )
        register(_("Unioni"), "people:merge_list", {Role.COORDINATOR}, order=22, group=_("Persone"))
