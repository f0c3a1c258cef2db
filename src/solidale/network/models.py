"""The network's shared reference data and (with issue 4) the services directory."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NeedCategory(models.Model):
    """An area of need (DOMAIN.md needs taxonomy), kept as data: accesses, services and the
    needs board all speak of needs in these terms."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    name = models.CharField(_("nome"), max_length=100)
    description = models.CharField(_("descrizione"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    is_active = models.BooleanField(_("attiva"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("area di bisogno")
        verbose_name_plural = _("aree di bisogno")

    def __str__(self) -> str:
        return self.name
