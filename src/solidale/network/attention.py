"""What the network asks of a user on the landing page: agreements about to expire and
directory entries nobody confirmed for too long."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from solidale.core.attention import AttentionItem

from .selectors import agreements_expiring_for, stale_services


def expiring_agreements(user: Any) -> list[AttentionItem]:
    return [
        AttentionItem(
            title=_("%(organization)s: «%(title)s» scade il %(date)s")
            % {
                "organization": agreement.organization,
                "title": agreement.title,
                "date": formats.date_format(agreement.valid_to or "", "SHORT_DATE_FORMAT"),
            },
            detail=agreement.get_kind_display(),
            url=reverse("network:organization_detail", args=[agreement.organization_id]),
            severity="warning",
        )
        for agreement in agreements_expiring_for(user)[:20]
    ]


def services_to_confirm(user: Any) -> list[AttentionItem]:
    count = stale_services(user).count()
    if not count:
        return []
    days = settings.SOLIDALE_NETWORK_STALE_DAYS
    return [
        AttentionItem(
            title=ngettext(
                "%(count)d servizio da confermare nell'elenco pubblico",
                "%(count)d servizi da confermare nell'elenco pubblico",
                count,
            )
            % {"count": count},
            detail=_("Non confermati da più di %(days)d giorni: sono ancora validi?")
            % {"days": days},
            url=reverse("network:service_list"),
            severity="warning",
        )
    ]
