"""Housing cases: list, alerts, detail with the eviction timeline and the shared workspace."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError

from .. import services
from ..forms import (
    CloseForm,
    EventForm,
    HousingCaseForm,
    NoteForm,
    OutcomeForm,
    PlanForm,
    ReferForm,
)
from ..models import EventKind, HousingCase, HousingCaseStatus, Situation
from ..permissions import (
    get_event_for_user,
    get_housing_case_for_user,
    get_note_for_user,
    is_comune_staff,
)
from ..selectors import (
    HORIZONS,
    case_timeline,
    evictions_without_plan,
    grants_due,
    housing_case_list,
    placements_ending,
)
from ._common import export_link, require, require_comune, require_member, run_service


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    status = request.GET.get("status", HousingCaseStatus.OPEN)
    if status not in HousingCaseStatus.values and status != "":
        status = HousingCaseStatus.OPEN
    situation = request.GET.get("situation", "")
    cases = housing_case_list(
        user=request.user,
        status=status,
        q=request.GET.get("q", "")[:100],
        situation=situation if situation in Situation.values else "",
    )
    rows = list(cases[:300])
    for case in rows:
        case.next_label = str(EventKind(case.next_kind).label) if case.next_kind else ""
    return render(
        request,
        "housing/case_list.html",
        {
            "cases": rows,
            "status": status,
            "situation": situation,
            "situations": Situation.choices,
            "q": request.GET.get("q", ""),
            "can_manage": is_comune_staff(request.user),
            "export_url": export_link("housing.cases") if is_comune_staff(request.user) else "",
        },
    )


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    days = int(request.GET["days"]) if request.GET.get("days", "") in {"30", "60", "90"} else 30
    return render(
        request,
        "housing/alerts.html",
        {
            "days": days,
            "horizons": HORIZONS,
            "evictions": evictions_without_plan(user=request.user, days=days),
            "placements": placements_ending(user=request.user, days=days),
            "grants": grants_due(user=request.user, days=days),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    form = HousingCaseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("household", "person")}
        case = run_service(
            form,
            lambda: services.housing_case_open(
                actor=request.user,
                household=form.cleaned_data["household"],
                person=form.cleaned_data["person"],
                data=data,
            ),
        )
        if case is not None:
            messages.success(request, _("Caso abitativo aperto."))
            return redirect("housing:case_detail", pk=case.pk)
    return render(request, "housing/case_form.html", {"form": form})


def _detail_context(request: HttpRequest, case: HousingCase, **forms: Any) -> dict[str, Any]:
    manage = is_comune_staff(request.user) and case.is_open
    return {
        "case": case,
        **case_timeline(case),
        "can_manage": manage,
        "event_form": forms.get("event_form") or EventForm(),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "plan_form": forms.get("plan_form")
        or PlanForm(initial={"plan": case.plan, "agreed_on": case.plan_agreed_on}),
        "refer_form": forms.get("refer_form") or ReferForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "close_form": forms.get("close_form") or CloseForm(),
    }


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    case = get_housing_case_for_user(request.user, pk)
    audit_record(actor=request.user, action=Action.VIEW, obj=case, person_id=case.person_id)
    return render(request, "housing/case_detail.html", _detail_context(request, case))


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    case = get_housing_case_for_user(request.user, pk)
    require(case.is_open)
    initial = {name: getattr(case, name) for name in services.cases.CASE_FIELDS}
    initial.update(household=case.household, person=case.person)
    form = HousingCaseForm(request.POST or None, user=request.user, initial=initial)
    form.fields["household"].disabled = form.fields["person"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("household", "person")}
        if run_service(
            form, lambda: services.housing_case_update(actor=request.user, case=case, data=data)
        ):
            messages.success(request, _("Caso aggiornato."))
            return redirect("housing:case_detail", pk=case.pk)
    return render(request, "housing/case_form.html", {"form": form, "case": case})


def _post_on_case(
    request: HttpRequest,
    pk: int,
    form_class: type,
    form_key: str,
    action: Any,
    success: str,
    *,
    comune_only: bool = True,
) -> HttpResponse:
    """The shape of every POST on a case: parse, call the service, redirect or show errors."""
    if comune_only:
        require_comune(request)
    else:
        require_member(request)
    case = get_housing_case_for_user(request.user, pk)
    require(case.is_open or not comune_only)
    form = form_class(request.POST)
    if form.is_valid() and run_service(form, lambda: action(case, form.cleaned_data)):
        messages.success(request, success)
        return redirect("housing:case_detail", pk=case.pk)
    context = _detail_context(request, case, **{form_key: form})
    return render(request, "housing/case_detail.html", context, status=400)


@login_required
@require_POST
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_case(
        request,
        pk,
        EventForm,
        "event_form",
        lambda case, data: services.procedure_event_add(actor=request.user, case=case, **data),
        _("Fase della procedura registrata."),
    )


@login_required
@require_POST
def event_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    event = get_event_for_user(request.user, pk)
    return _post_on_case(
        request,
        event.case_id,
        OutcomeForm,
        "outcome_form",
        lambda case, data: services.access_outcome_record(actor=request.user, event=event, **data),
        _("Esito dell'accesso registrato."),
    )


@login_required
@require_POST
def plan_set(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_case(
        request,
        pk,
        PlanForm,
        "plan_form",
        lambda case, data: services.housing_plan_set(actor=request.user, case=case, **data),
        _("Progetto abitativo registrato."),
    )


@login_required
@require_POST
def case_refer(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_case(
        request,
        pk,
        ReferForm,
        "refer_form",
        lambda case, data: services.housing_case_refer(actor=request.user, case=case, **data),
        _("Nucleo condiviso con l'ente gestore."),
    )


@login_required
@require_POST
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_case(
        request,
        pk,
        NoteForm,
        "note_form",
        lambda case, data: services.case_note_add(actor=request.user, case=case, **data),
        _("Nota condivisa."),
        comune_only=False,
    )


@login_required
@require_POST
def note_done(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    note = get_note_for_user(request.user, pk)
    try:
        services.case_note_done(actor=request.user, note=note)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Attività svolta."))
    return redirect("housing:case_detail", pk=note.case_id)


@login_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _post_on_case(
        request,
        pk,
        CloseForm,
        "close_form",
        lambda case, data: services.housing_case_close(actor=request.user, case=case, **data),
        _("Caso chiuso."),
    )
