"""Segretariato Sociale: the doors of the network (offices) and, with issue 3, every access."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from solidale.accounts.models import Organization
from solidale.core.models import Neighbourhood


class Office(models.Model):
    """A door of the network: a Comune desk in a neighbourhood, a partner's help desk."""

    organization = models.ForeignKey(Organization, related_name="offices", on_delete=models.CASCADE)
    name = models.CharField(_("nome"), max_length=120)
    address = models.CharField(_("indirizzo"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("quartiere"), null=True, blank=True, on_delete=models.SET_NULL
    )
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("attivo"), default=True)

    class Meta:
        ordering = ["organization__name", "name"]
        verbose_name = _("sportello")
        verbose_name_plural = _("sportelli")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="office_unique_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name
