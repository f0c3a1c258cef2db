"""What every food page shares: access guards and the audit of personal reads."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from solidale.core.audit import Action, audit_record

from ..models import Card
from ..permissions import is_manager, sees_figures


def require_manager(request: HttpRequest) -> None:
    """Pages of an organization's food work: others (citizens, viewers, volunteers) get 404."""
    if not is_manager(request.user):
        raise Http404


def require_figures(request: HttpRequest) -> None:
    if not sees_figures(request.user):
        raise Http404


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def card_viewed(request: HttpRequest, card: Card, *, purpose: str) -> None:
    audit_record(
        actor=request.user, action=Action.VIEW, obj=card, person_id=card.holder_id, purpose=purpose
    )


def int_or_none(value: Any) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def export_url(source: str, **params: str) -> str:
    """The insights export page for one of our lists, when the insights app provides it."""
    try:
        base = reverse("insights:export_create")
    except NoReverseMatch:
        return ""
    return f"{base}?{urlencode({'source': source, **{k: v for k, v in params.items() if v}})}"
