from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .middleware import SESSION_KEY


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    """The organization switcher: act through another of one's own active memberships."""
    membership = get_object_or_404(request.user.memberships.active(), pk=request.POST.get("membership"))
    request.session[SESSION_KEY] = membership.pk
    return HttpResponseRedirect(_safe_next(request))
