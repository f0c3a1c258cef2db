"""The public directory (no login): search, map, service page, HSDS export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from solidale.people.views.persons import is_htmx, page_number

from ..forms import DirectoryFilterForm
from ..hsds import datapackage_zip, directory_json
from ..models import Service
from ..selectors import (
    DirectoryFilters,
    directory_map_data,
    directory_page,
    service_is_open_at,
    with_directory_details,
)

PAGE_SIZE = 25


@dataclass(frozen=True)
class DirectoryEntry:
    service: Service
    open_now: bool


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else DirectoryFilters()
    page = page_number(request)
    now = timezone.now()
    services, total = directory_page(filters, page=page, page_size=PAGE_SIZE, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "entries": [
            DirectoryEntry(service, service_is_open_at(service, now)) for service in services
        ],
        "total": total,
        "page": page,
        "has_next": page * PAGE_SIZE < total,
        "query_string": query.urlencode(),
        "map_data": directory_map_data(services),
    }
    template = "network/directory.html#results" if is_htmx(request) else "network/directory.html"
    return render(request, template, context)


@require_GET
def directory_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = with_directory_details(Service.objects.listed()).filter(pk=pk).first()
    if service is None:
        raise Http404
    now = timezone.now()
    context = {
        "service": service,
        "open_now": service_is_open_at(service, now),
        "map_data": directory_map_data([service]),
    }
    return render(request, "network/directory_service.html", context)


@require_GET
def hsds_export(request: HttpRequest) -> HttpResponse:
    """The whole directory as HSDS 3.0: a Frictionless data package (zip of CSV files) or,
    with ``?format=json``, one JSON document."""
    stamp = timezone.localdate().isoformat()
    if request.GET.get("format") == "json":
        response: HttpResponse = JsonResponse(
            directory_json(), json_dumps_params={"ensure_ascii": False}
        )
        response["Content-Disposition"] = f'attachment; filename="solidale-hsds-{stamp}.json"'
        return response
    response = HttpResponse(datapackage_zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="solidale-hsds-{stamp}.zip"'
    return response
