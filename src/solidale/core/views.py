from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .attention import attention_for


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


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An unknown API route answers in the API's one error shape (see solidale/api.py).
        error = {"code": "not_found", "message": gettext("Non trovato.")}
        return JsonResponse({"error": error}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
