"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), JSON and XML.

Existing Open311 apps work unchanged: the same paths (``services.json``,
``services/{code}.json``, ``requests.json`` GET and POST, ``requests/{id}.json``,
``tokens/{token}.json``), the same parameters and field names, ``jurisdiction_id``
accepted (one jurisdiction), errors as ``[{"code": 400, "description": "…"}]``
(``<errors><error>…`` in XML). Creating a request needs an ``api_key`` issued by the
Comune. Sensitive (social) reports can be sent but are never returned: their id answers
404 like an unknown one, so nothing about a person leaks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from solidale.core.errors import DomainError, RateLimitedError
from solidale.core.ratelimit import client_key, rate_limit_hit

from . import services
from .models import OPEN_STATUSES, Report, ReportCategory, ReportStatus
from .photos import photo_clean

#: The default window and the largest page of GET requests, as the spec suggests.
DEFAULT_DAYS = 90
MAX_REQUESTS = 1000
JURISDICTION = settings.SOLIDALE_OPEN311_JURISDICTION
OPEN311_RATE = settings.SOLIDALE_OPEN311_RATE


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _fmt(fmt: str) -> str:
    if fmt not in ("json", "xml"):
        raise Open311Error(404, _("Formato non supportato: usa .json o .xml."))
    return fmt


def _to_xml(root: str, item: str, rows: Iterable[dict[str, Any]]) -> bytes:
    element = Element(root)
    for row in rows:
        child = SubElement(element, item)
        _fill(child, row)
    return b'<?xml version="1.0" encoding="utf-8"?>' + tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def _fill(element: Element, row: dict[str, Any]) -> None:
    for key, value in row.items():
        if isinstance(value, list):
            container = SubElement(element, key)
            singular = {"attributes": "attribute", "values": "value", "keywords": "keyword"}.get(
                key, "item"
            )
            for entry in value:
                if isinstance(entry, dict):
                    _fill(SubElement(container, singular), entry)
                else:
                    SubElement(container, singular).text = _text(entry)
        else:
            SubElement(element, key).text = _text(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _respond(
    fmt: str, root: str, item: str, rows: list[dict[str, Any]], *, status: int = 200
) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            _to_xml(root, item, rows), content_type="text/xml; charset=utf-8", status=status
        )
    return HttpResponse(
        json.dumps(rows, ensure_ascii=False), content_type="application/json", status=status
    )


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    rows = [{"code": error.status, "description": error.description}]
    return _respond(
        fmt if fmt in ("json", "xml") else "json", "errors", "error", rows, status=error.status
    )


def _w3c(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _jurisdiction(request: HttpRequest) -> None:
    given = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if given and given != JURISDICTION:
        raise Open311Error(
            404, _("jurisdiction_id sconosciuto: questo server serve %(j)s.") % {"j": JURISDICTION}
        )


def _handle(fmt: str, request: HttpRequest, build: Any) -> HttpResponse:
    try:
        _fmt(fmt)
        _jurisdiction(request)
        if request.method == "POST":
            rate_limit_hit(
                scope="neighbourhoods.open311", key=client_key(request), rate=OPEN311_RATE
            )
        return build()
    except Open311Error as error:
        return _error(fmt, error)
    except RateLimitedError as error:
        return _error(fmt, Open311Error(429, error.message))


def _service(category: ReportCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "sociale,riservata" if category.is_sensitive else "",
        "group": _("Sociale (riservata)") if category.is_sensitive else _("Spazi pubblici"),
    }


@require_GET
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """The service discovery document: where the endpoint is, which spec and formats."""

    def build() -> HttpResponse:
        base = request.build_absolute_uri(reverse("neighbourhoods:open311:services", args=["json"]))
        row = {
            "changeset": "2026-11-25T00:00:00Z",
            "contact": settings.DEFAULT_FROM_EMAIL,
            "key_service": _("Chiavi rilasciate dal coordinamento del Comune."),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base.rsplit("/", 1)[0],
                    "changeset": "2026-11-25T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        }
        if fmt == "xml":
            element = Element("discovery")
            _fill(element, row)
            return HttpResponse(
                b'<?xml version="1.0" encoding="utf-8"?>' + tostring(element, encoding="utf-8"),
                content_type="text/xml; charset=utf-8",
            )
        return HttpResponse(json.dumps(row, ensure_ascii=False), content_type="application/json")

    return _handle(fmt, request, build)


@require_GET
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        rows = [_service(c) for c in ReportCategory.objects.filter(is_active=True)]
        return _respond(fmt, "services", "service", rows)

    return _handle(fmt, request, build)


@require_GET
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """No category has extra attributes (``metadata`` is false), so the list is empty."""

    def build() -> HttpResponse:
        category = ReportCategory.objects.filter(code=code, is_active=True).first()
        if category is None:
            raise Open311Error(404, _("service_code sconosciuto."))
        row = {"service_code": category.code, "attributes": []}
        if fmt == "xml":
            element = Element("service_definition")
            _fill(element, row)
            return HttpResponse(
                b'<?xml version="1.0" encoding="utf-8"?>' + tostring(element, encoding="utf-8"),
                content_type="text/xml; charset=utf-8",
            )
        return HttpResponse(json.dumps(row, ensure_ascii=False), content_type="application/json")

    return _handle(fmt, request, build)


REQUEST_COLUMNS = (
    "pk",
    "tracking_code",
    "status",
    "status_note",
    "category__name",
    "category__code",
    "public_description",
    "organization__name",
    "created_at",
    "status_changed_at",
    "address",
    "latitude",
    "longitude",
    "has_photo",
)


def _request_rows(request: HttpRequest, reports: Any) -> list[dict[str, Any]]:
    """Service requests straight from the columns (GET requests returns up to 1,000)."""
    labels = dict(ReportStatus.choices)
    photo = request.build_absolute_uri(reverse("neighbourhoods:report_photo", args=[0]))
    photo = photo.replace("/0/", "/{}/")
    return [
        {
            "service_request_id": row["tracking_code"],
            "status": "open" if row["status"] in OPEN_STATUSES else "closed",
            "status_notes": row["status_note"] or str(labels.get(row["status"], "")),
            "service_name": row["category__name"],
            "service_code": row["category__code"],
            "description": row["public_description"],
            "agency_responsible": row["organization__name"] or "",
            "service_notice": "",
            "requested_datetime": _w3c(row["created_at"]),
            "updated_datetime": _w3c(row["status_changed_at"]),
            "expected_datetime": None,
            "address": row["address"],
            "address_id": None,
            "zipcode": None,
            "lat": row["latitude"],
            "long": row["longitude"],
            "media_url": photo.format(row["pk"]) if row["has_photo"] else None,
        }
        for row in reports.values(*REQUEST_COLUMNS)
    ]


def _public_requests() -> Any:
    return Report.objects.public().annotate(
        has_photo=ExpressionWrapper(
            Q(photo__isnull=False, show_photo=True), output_field=BooleanField()
        )
    )


def _parse_date(name: str, raw: str) -> datetime:
    value = parse_datetime(raw)
    if value is None:
        raise Open311Error(400, _("%(name)s non è una data W3C valida.") % {"name": name})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@csrf_exempt
@require_http_methods(["GET", "POST"])
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _handle(fmt, request, lambda: _create(request, fmt))

    def build() -> HttpResponse:
        params = request.GET
        reports = _public_requests()
        ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
        if ids:
            reports = reports.filter(tracking_code__in=ids[:MAX_REQUESTS])
        else:
            end = (
                _parse_date("end_date", params["end_date"])
                if params.get("end_date")
                else timezone.now()
            )
            start = (
                _parse_date("start_date", params["start_date"])
                if params.get("start_date")
                else end - timedelta(days=DEFAULT_DAYS)
            )
            if start > end:
                raise Open311Error(400, _("start_date segue end_date."))
            reports = reports.filter(created_at__gte=start, created_at__lte=end)
            codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
            if codes:
                reports = reports.filter(category__code__in=codes)
            statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
            if statuses - {"open", "closed"}:
                raise Open311Error(400, _("status può essere open o closed."))
            if statuses == {"open"}:
                reports = reports.filter(status__in=OPEN_STATUSES)
            elif statuses == {"closed"}:
                reports = reports.exclude(status__in=OPEN_STATUSES)
        rows = _request_rows(request, reports.order_by("-created_at", "-id")[:MAX_REQUESTS])
        return _respond(fmt, "service_requests", "request", rows)

    return _handle(fmt, request, build)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    client = services.open311_client_for_key(data.get("api_key", ""))
    if client is None:
        raise Open311Error(403, _("api_key mancante o non valida."))
    code = data.get("service_code", "")
    category = ReportCategory.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(400, _("service_code mancante o sconosciuto."))
    has_position = bool(data.get("lat") and data.get("long"))
    if not has_position and not data.get("address_string") and not data.get("address_id"):
        raise Open311Error(400, _("Serve una posizione: lat e long, oppure address_string."))
    photo = None
    upload = request.FILES.get("media")
    try:
        if isinstance(upload, UploadedFile):
            photo = photo_clean(upload)
        email = data.get("email", "")
        report = services.report_submit(
            data={
                "category": category,
                "description": data.get("description", ""),
                "latitude": data.get("lat") if has_position else None,
                "longitude": data.get("long") if has_position else None,
                "address": data.get("address_string") or data.get("address_id", ""),
                "contact_preference": "email" if email else "none",
                "contact_email": email,
                "contact_phone": data.get("phone", ""),
            },
            photo=photo,
            client=client,
        )
    except DomainError as error:
        raise Open311Error(
            400, f"{error.field}: {error.message}" if error.field else error.message
        ) from error
    notice = (
        _(
            "Segnalazione riservata: sarà trattata dai servizi sociali e non comparirà negli elenchi pubblici."
        )
        if report.is_sensitive
        else _(
            "Segnalazione ricevuta: sarà pubblicata dopo la verifica del personale, "
            "che toglie eventuali dati personali."
        )
    )
    row = {
        "service_request_id": report.tracking_code,
        "token": report.token,
        "service_notice": notice,
        "account_id": None,
    }
    return _respond(fmt, "service_requests", "request", [row], status=201)


@require_GET
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        rows = _request_rows(request, _public_requests().filter(tracking_code=request_id))
        if not rows:
            raise Open311Error(404, _("service_request_id sconosciuto."))
        return _respond(fmt, "service_requests", "request", rows)

    return _handle(fmt, request, build)


@require_GET
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    def build() -> HttpResponse:
        report = (
            Report.objects.filter(Q(token=token))
            .only("tracking_code", "token", "is_sensitive")
            .first()
        )
        if report is None:
            raise Open311Error(404, _("token sconosciuto."))
        row = {"service_request_id": report.tracking_code, "token": report.token}
        return _respond(fmt, "service_requests", "request", [row])

    return _handle(fmt, request, build)
