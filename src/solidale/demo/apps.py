from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Top layer: the demo city, the server launcher and the benchmark harness."""

    name = "solidale.demo"
    label = "demo"
    verbose_name = _("Città dimostrativa e strumenti")
