from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from ..models import User


class AuthenticatedRequest(HttpRequest):
    """The request of a ``login_required`` view: ``user`` is a real user (with the OTP helpers)."""

    user: User
    htmx: HtmxDetails


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    """The ``next`` parameter when it points inside this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
