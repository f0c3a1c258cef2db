"""Rent grants and the involuntary-arrears fund; the payment list for the accounts office."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError

from .. import services
from ..forms import GrantForm
from ..models import GrantKind, GrantStatus
from ..permissions import get_grant_for_user, grants_visible_to, is_decider
from ..providers import PAYMENT_COLUMNS, payment_rows
from ._common import export_link, require, require_comune, run_service


@login_required
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    grants = grants_visible_to(request.user).select_related("household")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if kind in GrantKind.values:
        grants = grants.filter(kind=kind)
    if status in GrantStatus.values:
        grants = grants.filter(status=status)
    return render(
        request,
        "housing/grant_list.html",
        {
            "grants": grants[:300],
            "kind": kind,
            "status": status,
            "kinds": GrantKind.choices,
            "statuses": GrantStatus.choices,
            "can_decide": is_decider(request.user),
            "export_url": export_link("housing.payments"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_create(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    form = GrantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grant = run_service(
            form,
            lambda: services.grant_submit(
                actor=request.user,
                kind=data["kind"],
                household=data["household"],
                applicant=data["person"],
                year=data["year"],
                data=form.data_for_service(),
            ),
        )
        if grant is not None:
            messages.success(request, _("Domanda registrata e verificata."))
            return redirect("housing:grant_detail", pk=grant.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "housing/form.html",
        {"form": form, "title": _("Nuova domanda di contributo")},
        status=status,
    )


@login_required
@require_GET
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    grant = get_grant_for_user(request.user, pk)
    audit_record(actor=request.user, action=Action.VIEW, obj=grant, person_id=grant.applicant_id)
    return render(
        request,
        "housing/grant_detail.html",
        {"grant": grant, "can_decide": is_decider(request.user)},
    )


@login_required
@require_POST
def grant_approve(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    require(is_decider(request.user))
    grant = get_grant_for_user(request.user, pk)
    try:
        services.grant_approve(actor=request.user, grant=grant)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Contributo approvato: entra nell'elenco di pagamento."))
    return redirect("housing:grant_detail", pk=grant.pk)


@login_required
@require_GET
def payments_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Approved grants for the accounts office, as XLSX or CSV (audited export)."""
    require_comune(request)
    require(is_decider(request.user))
    if fmt not in ("xlsx", "csv"):
        raise Http404
    params = {key: request.GET.get(key, "") for key in ("kind", "year")}
    header = [str(column) for column in PAYMENT_COLUMNS]
    rows = [list(row) for row in payment_rows(request.user, params)]
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="housing.payments",
        changes={"format": fmt, "rows": len(rows), **params},
        purpose=_("elenco di pagamento"),
    )
    filename = f"contributi-pagamenti.{fmt}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(header)
        writer.writerows(rows)
    else:
        workbook = Workbook()
        sheet = workbook.create_sheet(index=0)
        workbook.remove(workbook.worksheets[1])
        sheet.title = _("Pagamenti")[:31]
        sheet.append(header)
        for row in rows:
            sheet.append([float(cell) if hasattr(cell, "quantize") else cell for cell in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
