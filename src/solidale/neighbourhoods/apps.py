from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "solidale.neighbourhoods"
    label = "neighbourhoods"
    verbose_name = _("Quartieri e partecipazione")
