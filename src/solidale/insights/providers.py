"""The landing page's "needs my attention": open alert items for the user."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from solidale.core.attention import AttentionItem

from .models import AlertStatus
from .permissions import alerts_visible_to

LIMIT = 8


def attention_items(user: Any) -> list[AttentionItem]:
    items = (
        alerts_visible_to(user).filter(status=AlertStatus.OPEN).order_by("raised_at", "pk")[:LIMIT]
    )
    return [
        AttentionItem(
            title=item.title,
            detail=item.reason[:160],
            url=reverse("insights:alert_detail", args=[item.pk]),
            severity="warning",
        )
        for item in items
    ]
