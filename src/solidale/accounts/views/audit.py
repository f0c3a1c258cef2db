"""The audit trail page: who did what, filtered and paginated."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from solidale.core.models import AuditEvent

from ..forms import AuditFilterForm
from ..permissions import can_read_audit, reads_every_organization_audit
from ..selectors import AuditFilters, audit_event_list
from .common import AuthenticatedRequest

PAGE_SIZE = 50


@login_required
@require_GET
def audit_list(request: AuthenticatedRequest) -> HttpResponse:
    if not can_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET)
    if form.is_valid():
        filters = AuditFilters(
            **{name: value for name, value in form.cleaned_data.items() if value not in (None, "")}
        )
        events = audit_event_list(request.user, filters)
    else:
        events = AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "every_organization": reads_every_organization_audit(request.user),
    }
    template = "accounts/audit_list.html#results" if request.htmx else "accounts/audit_list.html"
    return render(request, template, context)
