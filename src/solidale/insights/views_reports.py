"""Pages of the cruscotto for the outside world: SIUSS flows, the results report, open data."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import DomainError

from . import opendata, selectors, siuss
from . import report as results
from .charts import time_chart
from .forms import ReportForm, SiussForm
from .models import OpenDataRelease, PeriodKind, SiussFlow
from .permissions import is_comune_coordinator, is_manager, membership_of
from .summary import period_bounds


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _flows_for(request: HttpRequest) -> QuerySet[SiussFlow]:
    membership = membership_of(request.user)
    return SiussFlow.objects.filter(
        created_by__memberships__organization_id=membership.organization_id
    ).distinct()


@login_required
@require_http_methods(["GET", "POST"])
def siuss_list(request: HttpRequest) -> HttpResponse:
    _require(is_comune_coordinator(request.user))
    last_month = opendata.last_closed_month(timezone.localdate())
    form = SiussForm(request.POST or None, initial={"month": last_month.strftime("%Y-%m")})
    if request.method == "POST" and form.is_valid():
        try:
            month = date.fromisoformat(f"{form.cleaned_data['month']}-01")
        except ValueError:
            form.add_error("month", _("Mese non valido (usa AAAA-MM)."))
        else:
            start, end = period_bounds(PeriodKind.MONTH, month)
            try:
                flow = siuss.flow_create(
                    actor=request.user,
                    start=start,
                    end=end,
                    operator_cf=form.cleaned_data["operator_cf"],
                    purpose=form.cleaned_data["purpose"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("insights:siuss_detail", pk=flow.pk)
    return render(
        request, "insights/siuss_list.html", {"form": form, "flows": _flows_for(request)[:24]}
    )


@login_required
@require_GET
def siuss_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_comune_coordinator(request.user))
    flow = get_object_or_404(_flows_for(request), pk=pk)
    return render(request, "insights/siuss_detail.html", {"flow": flow})


@login_required
@require_GET
def siuss_download(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_comune_coordinator(request.user))
    flow = get_object_or_404(_flows_for(request), pk=pk)
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=flow, purpose=flow.purpose)
    response = HttpResponse(flow.xml, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{flow.flow_id}.xml"'
    return response


# --- Results report -------------------------------------------------------------------------


def _report(request: HttpRequest) -> tuple[ReportForm, results.Report]:
    _require(is_manager(request.user))
    form = ReportForm(request.GET or None)
    params = {
        "period": request.GET.get("period") or PeriodKind.QUARTER,
        "month": request.GET.get("month") or "",
    }
    today = timezone.localdate()
    try:
        if params["period"] not in (PeriodKind.QUARTER, PeriodKind.YEAR):
            raise DomainError(_("Scegli trimestre o anno."), field="period")
        filters = selectors.filters_from(params, today=today)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        filters = selectors.filters_from({"period": PeriodKind.QUARTER}, today=today)
    return form, results.build(filters)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    form, built = _report(request)
    return render(
        request,
        "insights/report.html",
        {"form": form, "report": built, "query": request.GET.urlencode()},
    )


@login_required
@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    _form, built = _report(request)
    response = HttpResponse(results.pdf(built), content_type="application/pdf")
    name = f"rapporto-{built.filters.kind}-{built.filters.start:%Y-%m}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- Open data ------------------------------------------------------------------------------


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    """Public: the published months, and a chart of the city totals across them."""
    releases = list(OpenDataRelease.objects.order_by("month"))
    indicators_seen: dict[str, str] = {}
    totals: dict[str, list[int]] = {}
    for release in releases:
        for indicator in release.data.get("indicators", []):
            indicators_seen.setdefault(indicator["key"], indicator["label"])
    keys = list(indicators_seen)
    chosen = request.GET.get("indicator") or (keys[0] if keys else "")
    if chosen and chosen not in indicators_seen:
        raise Http404
    for release in releases:
        cell = next(
            (
                c["value"]
                for c in release.data.get("cells", [])
                if c["indicator"] == chosen and c["neighbourhood"] == opendata.TOTAL
            ),
            None,
        )
        totals.setdefault(chosen, []).append(cell or 0)
    labels = [formats.date_format(r.month, "YEAR_MONTH_FORMAT") for r in releases]
    chart = (
        time_chart(
            title=indicators_seen.get(chosen, ""),
            labels=labels,
            series=[(indicators_seen.get(chosen, ""), totals.get(chosen, []))],
        )
        if releases
        else None
    )
    return render(
        request,
        "insights/open_data.html",
        {
            "releases": list(reversed(releases)),
            "chart": chart,
            "rows": list(zip(labels, totals.get(chosen, []), strict=False)),
            "indicators": indicators_seen.items(),
            "chosen": chosen,
            "can_publish": is_comune_coordinator(request.user),
            "next_month": opendata.last_closed_month(timezone.localdate()),
            "threshold": selectors.SMALL_CELL,
        },
    )


@require_GET
def open_data_schema(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/open_data_schema.html", {"threshold": selectors.SMALL_CELL})


@login_required
@require_POST
def open_data_publish(request: HttpRequest) -> HttpResponse:
    _require(is_comune_coordinator(request.user))
    try:
        month = date.fromisoformat(f"{request.POST.get('month', '')}-01")
    except ValueError:
        messages.error(request, _("Mese non valido (usa AAAA-MM)."))
        return redirect("insights:open_data")
    try:
        release = opendata.publish(actor=request.user, month=month)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Pubblicato il mese %(month)s (%(n)s celle soppresse).")
            % {"month": release.month.strftime("%m/%Y"), "n": release.suppressed_cells},
        )
    return redirect("insights:open_data")


@require_GET
def open_data_file(request: HttpRequest, year: int, month: int, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "json") or not 1 <= month <= 12:
        raise Http404
    release = get_object_or_404(OpenDataRelease, month=date(year, month, 1))
    if fmt == "csv":
        response = HttpResponse(opendata.as_csv(release), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            opendata.as_json(release), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'inline; filename="solidale-{year}-{month:02d}.{fmt}"'
    return response
