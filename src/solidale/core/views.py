from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .attention import attention_for
from .models import Notification


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what needs my attention today, from every app that contributes."""
    return render(request, "core/home.html", {"sections": attention_for(request.user)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def hello(request: HttpRequest) -> HttpResponse:
    """A bare view: the baseline the benchmarks divide by."""
    return HttpResponse("hello", content_type="text/plain")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a stale or missing CSRF token: say what happened, in the site's look."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An unknown API route answers in the API's one error shape (see solidale/api.py).
        error = {"code": "not_found", "message": gettext("Non trovato.")}
        return JsonResponse({"error": error}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's own notifications, newest first (50 per page)."""
    user: Any = request.user  # login_required: an accounts.User
    page = Paginator(user.notifications.all(), 50).get_page(request.GET.get("page"))
    choices = user._meta.get_field("notification_email").choices
    return render(
        request,
        "core/notification_list.html",
        {"page": page, "email_choices": choices, "email_choice": user.notification_email},
    )


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (``id``) or all of them read, then follow the link or go back."""
    user: Any = request.user  # login_required: an accounts.User
    notifications = user.notifications.unread()
    if request.POST.get("id"):
        notification = get_object_or_404(user.notifications.all(), pk=request.POST["id"])
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts=None
        ):
            return redirect(notification.url)
    else:
        notifications.update(read_at=timezone.now())
    return redirect("core:notification_list")
