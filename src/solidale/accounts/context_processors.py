from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from solidale.core.navigation import CITIZEN, menu_for


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_name": settings.SOLIDALE_SITE_NAME}
    return {
        "site_name": settings.SOLIDALE_SITE_NAME,
        "current_membership": user.membership,
        "memberships": list(user.memberships.active().select_related("organization")),
        "nav_entries": menu_for(CITIZEN if user.is_citizen else user.role),
        "unread_notifications": user.notifications.unread().count(),
    }
