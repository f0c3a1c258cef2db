"""What the housing pages share: access gates and the service-call pattern."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from solidale.core.errors import DomainError
from solidale.people.forms import AccessibleForm

from ..permissions import is_comune_staff, is_housing_member


def require_member(request: HttpRequest) -> None:
    """Outside the housing workspace the area does not exist (404, as out-of-scope objects)."""
    if not is_housing_member(request.user):
        raise Http404


def require_comune(request: HttpRequest) -> None:
    if not is_comune_staff(request.user):
        raise Http404


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def export_link(source: str) -> str:
    """The insights export page for one of our lists, when the insights app is installed."""
    try:
        return f"{reverse('insights:export_create')}?source={source}"
    except NoReverseMatch:
        return ""


def run_service(form: AccessibleForm, action: Callable[[], Any]) -> Any:
    """Call a service; a domain error lands next to its field and returns ``None``."""
    try:
        return action()
    except DomainError as error:
        form.add_service_error(error)
        return None
