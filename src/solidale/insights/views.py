"""Pages of the cruscotto: dashboards, the alert inbox and rules, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from solidale.core import alerts, exports, indicators
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import DomainError
from solidale.core.models import Neighbourhood

from . import selectors, services
from .charts import bar_chart, time_chart
from .forms import AlertCloseForm, DashboardFilterForm, ExportForm, RuleForm
from .models import AlertStatus, ExportJob, Refresh, RuleSetting
from .permissions import (
    aggregates_only,
    alerts_visible_to,
    can_close_alert,
    get_alert_for_user,
    get_export_for_user,
    is_comune_coordinator,
    is_manager,
    is_staff_member,
    membership_of,
    uses_inbox,
)

ALERTS_PAGE = 100


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _filters(request: HttpRequest, form: DashboardFilterForm, **forced: Any) -> selectors.Filters:
    today = timezone.localdate()
    try:
        return selectors.filters_from(request.GET, today=today, **forced)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return selectors.filters_from({}, today=today, **forced)


def _label(filters: selectors.Filters) -> str:
    if filters.kind == "year":
        return str(filters.start.year)
    if filters.kind == "quarter":
        return _("%(q)s° trimestre %(y)s") % {
            "q": (filters.start.month - 1) // 3 + 1,
            "y": filters.start.year,
        }
    return formats.date_format(filters.start, "YEAR_MONTH_FORMAT")


def _time_chart(filters: selectors.Filters, keys: list[str]) -> tuple[Any, list[Any]]:
    labels_by_key = {indicator.key: str(indicator.label) for indicator in indicators.registered()}
    keys = [key for key in keys if key in labels_by_key]
    steps, values = selectors.series(filters, keys)
    fmt = "d/m" if filters.kind == "month" else "m/Y"
    labels = [formats.date_format(step, fmt) for step in steps]
    chart = time_chart(
        title=_("Andamento nel periodo"),
        labels=labels,
        series=[(labels_by_key[key], values[key]) for key in keys],
    )
    table = [(label, [values[key][index] for key in keys]) for index, label in enumerate(labels)]
    return chart, [[labels_by_key[key] for key in keys], table]


def _map_data(filters: selectors.Filters, key: str, *, suppress: bool) -> dict[str, Any]:
    indicator = next((i for i in indicators.registered() if i.key == key), None)
    counts_people = indicator.counts_people if indicator else False
    rows = selectors.by_neighbourhood(filters, key)
    return {
        "label": str(indicator.label) if indicator else key,
        "areas": [
            {
                "name": area.name,
                "url": reverse("insights:neighbourhood", args=[area.slug]),
                "boundary": area.boundary,
                "value": None if suppress and selectors.is_small(value, counts_people) else value,
            }
            for area, value in rows
        ],
    }


def _dashboard(
    request: HttpRequest,
    *,
    template: str,
    title: str,
    suppress: bool,
    with_organization: bool = True,
    with_neighbourhood: bool = True,
    **forced: Any,
) -> HttpResponse:
    form = DashboardFilterForm(
        request.GET or None,
        with_organization=with_organization,
        with_neighbourhood=with_neighbourhood,
        programs=selectors.programs_for(forced.get("organization_id")),
    )
    filters = _filters(request, form, **forced)
    applicable = selectors.applicable(filters)
    sections = selectors.sections(filters, suppress=suppress)
    figures = {figure.key: figure for section in sections for figure in section.figures}
    answers = figures.get("desk.first_answers")
    hours = figures.get("desk.first_answer_hours")
    map_keys = [
        (indicator.key, str(indicator.label)) for indicator in applicable if indicator.counts_people
    ]
    map_key = request.GET.get("map") or "desk.accesses"
    if map_key not in dict(map_keys):
        map_key = map_keys[0][0] if map_keys else ""
    reached, reached_before = selectors.people_reached(filters)
    if suppress and reached is not None and selectors.is_small(reached, True):
        reached = None
    provision_rows = [
        (figure.label, figure.value, figure.display)
        for section in sections
        for figure in section.figures
        if figure.key.startswith("cases.spend.")
    ]
    trend_keys = (
        [indicator.key for indicator in applicable] if filters.program else list(selectors.HEADLINE)
    )
    chart, chart_table = _time_chart(filters, trend_keys)
    context = {
        "title": title,
        "form": form,
        "filters": filters,
        "period_label": _label(filters),
        "sections": sections,
        "reached": reached,
        "reached_before": reached_before,
        "waiting_hours": selectors.average(hours.value, answers.value)
        if answers and hours
        else None,
        "spend_chart": bar_chart(title=_("Spesa per tipo di prestazione (€)"), rows=provision_rows),
        "chart": chart,
        "chart_table": chart_table,
        "map_keys": map_keys,
        "map_key": map_key,
        "map_data": _map_data(filters, map_key, suppress=suppress) if map_key else None,
        "referrals": selectors.referral_rows(filters),
        "suppress": suppress,
        "program_label": next(
            (p.label for p in indicators.programs() if p.key == filters.program), ""
        ),
        "query": filters.as_query(),
        "refresh": Refresh.objects.first(),
        "can_refresh": is_comune_coordinator(request.user),
    }
    return render(request, template, context)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The service manager's dashboard: the whole network, every indicator."""
    _require(is_manager(request.user))
    return _dashboard(
        request,
        template="insights/dashboard.html",
        title=_("Cruscotto dei servizi"),
        suppress=aggregates_only(request.user),
    )


@login_required
@require_GET
def organization_dashboard(request: HttpRequest) -> HttpResponse:
    """An organization's own activity and the referrals it received."""
    _require(is_staff_member(request.user))
    membership = membership_of(request.user)
    organization_id = membership.organization_id
    if is_manager(request.user) and request.GET.get("organization", "").isdigit():
        organization_id = int(request.GET["organization"])
    return _dashboard(
        request,
        template="insights/dashboard.html",
        title=_("Cruscotto dell'organizzazione"),
        suppress=aggregates_only(request.user),
        with_organization=is_manager(request.user),
        organization_id=organization_id,
    )


@login_required
@require_GET
def neighbourhood_index(request: HttpRequest) -> HttpResponse:
    _require(is_staff_member(request.user))
    return _dashboard(
        request,
        template="insights/dashboard.html",
        title=_("Quartieri"),
        suppress=True,
        with_organization=False,
        with_neighbourhood=False,
    )


@login_required
@require_GET
def neighbourhood_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """A neighbourhood's aggregates: small counts of people suppressed."""
    _require(is_staff_member(request.user))
    area = get_object_or_404(Neighbourhood, slug=slug)
    response = _dashboard(
        request,
        template="insights/dashboard.html",
        title=_("Quartiere %(name)s") % {"name": area.name},
        suppress=True,
        with_organization=False,
        with_neighbourhood=False,
        neighbourhood_id=area.pk,
    )
    return response


# --- Refresh --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def refresh(request: HttpRequest) -> HttpResponse:
    """POST queues a refresh; GET answers its progress (polled by htmx)."""
    _require(is_comune_coordinator(request.user))
    if request.method == "POST":
        services.refresh_request(actor=request.user)
        messages.info(request, _("Aggiornamento del cruscotto avviato."))
        return redirect(request.POST.get("next") or reverse("insights:dashboard"))
    return render(
        request,
        "insights/includes/refresh.html",
        {"refresh": Refresh.objects.first(), "can_refresh": True},
    )


# --- Alerts ---------------------------------------------------------------------------------


@login_required
@require_GET
def alert_inbox(request: HttpRequest) -> HttpResponse:
    _require(uses_inbox(request.user))
    status = request.GET.get("status") or AlertStatus.OPEN
    if status not in AlertStatus.values:
        status = AlertStatus.OPEN
    items = alerts_visible_to(request.user).filter(status=status)
    rule = request.GET.get("rule")
    if rule:
        items = items.filter(rule_key=rule)
    titles = {r.key: str(r.title) for r in alerts.registered()}
    page = list(items.select_related("assignee", "organization")[:ALERTS_PAGE])
    for item in page:
        item.rule_title = titles.get(item.rule_key, item.rule_key)  # type: ignore[attr-defined]
    return render(
        request,
        "insights/alert_inbox.html",
        {"items": page, "status": status, "rule": rule, "rules": titles.items()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_alert_for_user(request.user, pk)
    rule = alerts.get(item.rule_key)
    form = AlertCloseForm(request.POST or None)
    if request.method == "POST":
        _require(can_close_alert(request.user, item))
        if form.is_valid():
            try:
                services.alert_close(
                    actor=request.user,
                    item=item,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Segnalazione chiusa."))
                return redirect("insights:alerts")
    return render(
        request,
        "insights/alert_detail.html",
        {
            "item": item,
            "rule": rule,
            "form": form,
            "can_close": can_close_alert(request.user, item),
        },
    )


def _in_language(text: Any, language: str) -> str:
    with translation.override(language):
        return str(text)


@login_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every registered rule, documented, with its settings and statistics."""
    _require(is_manager(request.user) or uses_inbox(request.user))
    settings_by_key = {s.rule_key: s for s in RuleSetting.objects.all()}
    stats = selectors.rule_stats()
    rows = []
    for rule in alerts.registered():
        setting = settings_by_key.get(rule.key)
        params = services.rule_params(rule, setting)
        rows.append(
            {
                "rule": rule,
                "italian": _in_language(rule.description, "it"),
                "english": _in_language(rule.description, "en"),
                "enabled": setting.enabled if setting else True,
                "params": [(rule.parameters.get(k, k), v) for k, v in params.items()],
                "stats": stats.get(rule.key),
            }
        )
    return render(
        request,
        "insights/rule_list.html",
        {"rows": rows, "can_edit": is_comune_coordinator(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, key: str) -> HttpResponse:
    _require(is_comune_coordinator(request.user))
    rule = alerts.get(key)
    if rule is None:
        raise Http404
    setting = RuleSetting.objects.filter(rule_key=key).first()
    form = RuleForm(
        request.POST or None,
        rule=rule,
        params=services.rule_params(rule, setting),
        initial={"enabled": setting.enabled if setting else True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_configure(
                actor=request.user,
                rule_key=key,
                enabled=form.cleaned_data["enabled"],
                params={name: form.cleaned_data[name] for name in rule.defaults},
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Regola aggiornata."))
            return redirect("insights:rules")
    return render(request, "insights/rule_form.html", {"rule": rule, "form": form})


# --- Exports --------------------------------------------------------------------------------

#: Query-string names that belong to the export form, not to the list's filters.
FORM_FIELDS = {"source", "format", "purpose", "csrfmiddlewaretoken"}


def _params(query: QueryDict) -> dict[str, str]:
    return {key: str(query.get(key)) for key in query if key not in FORM_FIELDS and query.get(key)}


@login_required
@require_http_methods(["GET", "POST"])
def export_create(request: HttpRequest) -> HttpResponse:
    source = exports.get(request.GET.get("source") or request.POST.get("source") or "")
    if source is None or not source.allowed(request.user):
        raise Http404
    params = _params(request.GET)
    form = ExportForm(request.POST or None, initial=params)
    if request.method == "POST" and form.is_valid():
        params.update(
            {
                name: form.cleaned_data[name].isoformat()
                for name in ("date_from", "date_to")
                if form.cleaned_data.get(name)
            }
        )
        try:
            job = services.export_create(
                actor=request.user,
                source_key=source.key,
                fmt=form.cleaned_data["format"],
                purpose=form.cleaned_data["purpose"],
                params=params,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return redirect("insights:export_detail", pk=job.pk)
    return render(
        request,
        "insights/export_form.html",
        {"source": source, "form": form, "params": params},
    )


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    labels = {source.key: str(source.label) for source in exports.registered()}
    jobs = [
        (job, labels.get(job.source_key, job.source_key))
        for job in ExportJob.objects.filter(requested_by_id=request.user.pk)[:50]
    ]
    sources = [source for source in exports.registered() if source.allowed(request.user)]
    return render(
        request,
        "insights/export_list.html",
        {"jobs": jobs, "sources": sources},
    )


@login_required
@require_GET
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_export_for_user(request.user, pk)
    source = exports.get(job.source_key)
    context = {"job": job, "label": source.label if source else job.source_key}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "insights/export_detail.html#progress", context)
    return render(request, "insights/export_detail.html", context)


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_export_for_user(request.user, pk)
    if not job.is_downloadable:
        raise Http404
    path = services.export_file(job)
    if not path.exists():
        raise Http404
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=job, purpose=job.purpose)
    name = f"{job.source_key.replace('.', '-')}-{job.requested_at:%Y%m%d-%H%M}.{job.format}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
