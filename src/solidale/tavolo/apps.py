from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TavoloConfig(AppConfig):
    name = "solidale.tavolo"
    label = "tavolo"
    verbose_name = _("Tavolo di coordinamento")
