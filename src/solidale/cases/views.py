"""Pages of the cartella sociale: thin views over the services and the scoped getters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError, RateLimitedError
from solidale.core.ratelimit import client_key, rate_limit_hit
from solidale.desk.models import Access
from solidale.people.forms import AccessibleForm
from solidale.people.models import Household
from solidale.people.permissions import get_person_for_user
from solidale.people.selectors import person_search

from . import forms, services
from .models import Case, CaseMember, FollowUp, InterventionStatus, PlanAction, PlanGoal
from .permissions import (
    can_decide_intervention,
    can_manage_case,
    can_open_case,
    can_view_caseload,
    get_action_for_user,
    get_case_for_user,
    get_document_for_user,
    get_intervention_for_user,
    notes_visible_to,
)
from .selectors import assessment_comparison, case_list_mine, caseload, interventions_waiting_for

FormPage = Callable[[AccessibleForm], Any]


def _manageable_case(request: HttpRequest, pk: int) -> Case:
    case = get_case_for_user(request.user, pk)
    if not can_manage_case(request.user, case):
        raise PermissionDenied
    return case


def _form_page(
    request: HttpRequest,
    *,
    case: Case,
    form: AccessibleForm,
    title: str,
    save: FormPage,
    success: str,
    multipart: bool = False,
) -> HttpResponse:
    """A page with one form on a case: GET shows it, a valid POST calls the service."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, success)
            return redirect("cases:detail", pk=case.pk)
    context = {"case": case, "form": form, "title": title, "multipart": multipart}
    return render(request, "cases/case_form.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def case_mine(request: HttpRequest) -> HttpResponse:
    """My open cases; for the Comune's case staff also a person search to take someone in charge."""
    query = request.GET.get("q", "").strip()[:100]
    found = []
    if query and can_open_case(request.user):
        try:
            rate_limit_hit(
                scope="search", key=client_key(request), rate=settings.SOLIDALE_RATE_LIMIT_SEARCH
            )
        except RateLimitedError as error:
            messages.error(request, error.message)
        else:
            found = person_search(user=request.user, query=query, limit=10)
    context = {
        "cases": case_list_mine(request.user),
        "today": timezone.localdate(),
        "waiting": interventions_waiting_for(request.user),
        "can_open": can_open_case(request.user),
        "query": query,
        "found": found,
    }
    return render(request, "cases/case_mine.html", context)


def _bar_chart(loads: list[Any]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart drawn as inline SVG on the server."""
    row, label_width, bar_width = 28, 180, 360
    largest = max([load.open_cases for load in loads] + [1])
    bars = [
        {
            "y": index * row,
            "text_y": index * row + 18,
            "width": round(bar_width * load.open_cases / largest),
            "value_x": label_width + round(bar_width * load.open_cases / largest) + 6,
            "load": load,
        }
        for index, load in enumerate(loads)
    ]
    return {
        "bars": bars,
        "height": max(row * len(loads), row),
        "width": label_width + bar_width + 60,
        "bar_x": label_width,
    }


@login_required
@require_GET
def case_caseload(request: HttpRequest) -> HttpResponse:
    if not can_view_caseload(request.user):
        raise Http404
    loads = caseload(request.user)
    return render(request, "cases/caseload.html", {"loads": loads, "chart": _bar_chart(loads)})


@login_required
@require_http_methods(["GET", "POST"])
def case_open_view(request: HttpRequest, person_pk: int) -> HttpResponse:
    if not can_open_case(request.user):
        raise Http404
    person = get_person_for_user(request.user, person_pk)
    organization_id = request.user.membership.organization_id  # type: ignore[union-attr]
    households = Household.objects.filter(members__person=person, members__end_date__isnull=True)
    accesses = Access.objects.filter(person=person, organization_id=organization_id).order_by(
        "-occurred_at"
    )
    initial: dict[str, Any] = {"responsible": request.user.pk}
    if request.GET.get("access", "").isdigit():
        initial["accesses"] = [int(request.GET["access"])]
    form = forms.CaseOpenForm(
        request.POST or None,
        initial=initial,
        organization_id=organization_id,
        households=households,
        accesses=accesses,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=request.user,
                person=person,
                area=data["area"],
                responsible=data["responsible"],
                opening_reason=data["opening_reason"],
                household=data["household"],
                accesses=list(data["accesses"]),
            )
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Presa in carico registrata."))
            return redirect("cases:detail", pk=case.pk)
    context = {"person": person, "form": form}
    return render(request, "cases/case_open.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    audit_record(actor=request.user, action=Action.VIEW, obj=case, person_id=case.person_id)
    plan = getattr(case, "plan", None)
    goals = (
        list(
            PlanGoal.objects.filter(plan=plan)
            .select_related("domain")
            .prefetch_related(
                Prefetch(
                    "actions",
                    queryset=PlanAction.objects.select_related("owner_organization", "owner_user"),
                )
            )
        )
        if plan
        else []
    )
    latest, _previous, comparison = assessment_comparison(case)
    interventions = list(
        case.interventions.select_related("type", "provider", "requested_by", "decided_by")
    )
    context = {
        "case": case,
        "can_manage": can_manage_case(request.user, case),
        "members": list(case.members.current().select_related("user", "organization")),
        "events": list(case.events.select_related("actor")),
        "plan": plan,
        "goals": goals,
        "latest_assessment": latest,
        "comparison": comparison,
        "interventions": interventions,
        "decidable": {
            i.pk
            for i in interventions
            if i.status == InterventionStatus.REQUESTED and can_decide_intervention(request.user, i)
        },
        "notes": list(notes_visible_to(request.user).filter(case=case).select_related("author")),
        "documents": list(case.documents.select_related("uploaded_by")),
        "follow_ups": list(
            case.follow_ups.filter(done_at__isnull=True).select_related("assigned_to")
        ),
        "accesses": list(case.accesses.all()),
        "decision_form": forms.DecisionForm(),
        "today": timezone.localdate(),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
@require_GET
def assessment_compare(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    latest, previous, rows = assessment_comparison(case)
    context = {"case": case, "latest": latest, "previous": previous, "rows": rows}
    return render(request, "cases/assessment_compare.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    form = forms.MemberAddForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Aggiungi all'équipe"),
        success=_("Équipe aggiornata."),
        save=lambda f: services.case_member_add(
            actor=request.user,
            case=case,
            user=f.cleaned_data["user"],
            role=f.cleaned_data["role"],
            organization=f.cleaned_data["organization"],
        ),
    )


@login_required
@require_POST
def member_remove_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    member = get_object_or_404(CaseMember.objects.current(), case=case, pk=item_pk)
    try:
        services.case_member_remove(actor=request.user, member=member)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Équipe aggiornata."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def responsible_change_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    form = forms.ResponsibleForm(request.POST or None, organization_id=case.organization_id)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Cambia assistente sociale responsabile"),
        success=_("Responsabile cambiato."),
        save=lambda f: services.case_responsible_change(
            actor=request.user, case=case, responsible=f.cleaned_data["responsible"]
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    form = forms.CloseForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Chiudi la cartella"),
        success=_("Cartella chiusa."),
        save=lambda f: services.case_close(
            actor=request.user,
            case=case,
            outcome=f.cleaned_data["outcome"],
            notes=f.cleaned_data["notes"],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    form = forms.ReopenForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Riapri la cartella"),
        success=_("Cartella riaperta."),
        save=lambda f: services.case_reopen(
            actor=request.user, case=case, reason=f.cleaned_data["reason"]
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    form = forms.AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Nuova valutazione per ambiti di vita"),
        success=_("Valutazione registrata."),
        save=lambda f: services.assessment_record(
            actor=request.user,
            case=case,
            scores=f.scores(),  # type: ignore[attr-defined]
            summary=f.cleaned_data["summary"],
            assessed_on=f.cleaned_data["assessed_on"],
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    plan = getattr(case, "plan", None)
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS} if plan else {}
    form = forms.PlanForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Progetto personalizzato"),
        success=_("Progetto salvato."),
        save=lambda f: services.plan_save(actor=request.user, case=case, data=f.cleaned_data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    form = forms.GoalForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Nuovo obiettivo del progetto"),
        success=_("Obiettivo aggiunto."),
        save=lambda f: services.plan_goal_add(actor=request.user, case=case, **f.cleaned_data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    form = forms.ActionForm(request.POST or None, case=case)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Nuova azione: chi fa cosa, entro quando"),
        success=_("Azione aggiunta."),
        save=lambda f: services.plan_action_add(actor=request.user, **f.cleaned_data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_progress_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    action = get_action_for_user(request.user, item_pk)
    if action.goal.plan.case_id != case.pk:
        raise Http404
    form = forms.ProgressForm(
        request.POST or None, initial={"status": action.status, "progress": action.progress}
    )
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Avanzamento: %(action)s") % {"action": action.title},
        success=_("Avanzamento registrato."),
        save=lambda f: services.plan_action_progress(
            actor=request.user, action=action, **f.cleaned_data
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def intervention_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    form = forms.InterventionForm(
        request.POST or None,
        initial={"start_on": timezone.localdate(), "provider": case.organization_id},
    )
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Nuova prestazione"),
        success=_("Prestazione registrata."),
        save=lambda f: services.intervention_request(
            actor=request.user, case=case, **f.cleaned_data
        ),
    )


@login_required
@require_POST
def intervention_decide_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    intervention = get_intervention_for_user(request.user, item_pk)
    if intervention.case_id != case.pk:
        raise Http404
    if not can_decide_intervention(request.user, intervention):
        raise PermissionDenied
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli se approvare o respingere."))
        return redirect("cases:detail", pk=case.pk)
    try:
        services.intervention_decide(
            actor=request.user,
            intervention=intervention,
            approve=form.cleaned_data["decision"] == "approve",
            notes=form.cleaned_data["notes"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decisione registrata."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def intervention_status_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    intervention = get_intervention_for_user(request.user, item_pk)
    if intervention.case_id != case.pk:
        raise Http404
    form = forms.InterventionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.intervention_set_status(
                actor=request.user, intervention=intervention, status=form.cleaned_data["status"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Stato della prestazione aggiornato."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def provision_add_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = _manageable_case(request, pk)
    intervention = get_intervention_for_user(request.user, item_pk)
    if intervention.case_id != case.pk:
        raise Http404
    form = forms.ProvisionForm(
        request.POST or None,
        initial={"provided_on": timezone.localdate(), "amount": intervention.amount},
    )
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Registra un'erogazione: %(i)s") % {"i": intervention},
        success=_("Erogazione registrata."),
        save=lambda f: services.provision_record(
            actor=request.user, intervention=intervention, **f.cleaned_data
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = forms.NoteForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Nuova nota di diario"),
        success=_("Nota registrata."),
        save=lambda f: services.note_add(actor=request.user, case=case, **f.cleaned_data),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Carica un documento"),
        success=_("Documento caricato."),
        multipart=True,
        save=lambda f: services.document_upload(
            actor=request.user,
            case=case,
            title=f.cleaned_data["title"],
            upload=f.cleaned_data["file"],
        ),
    )


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, item_pk: int) -> FileResponse:
    case = get_case_for_user(request.user, pk)
    document = get_document_for_user(request.user, item_pk)
    if document.case_id != case.pk:
        raise Http404
    path = services.document_open(actor=request.user, document=document)
    if not path.exists():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"documento-{document.pk}.{document.kind}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def followup_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    form = forms.FollowUpForm(request.POST or None, case=case)
    return _form_page(
        request,
        case=case,
        form=form,
        title=_("Nuova scadenza"),
        success=_("Scadenza registrata."),
        save=lambda f: services.followup_add(actor=request.user, case=case, **f.cleaned_data),
    )


@login_required
@require_POST
def followup_done_view(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    followup = get_object_or_404(FollowUp, case=case, pk=item_pk)
    services.followup_done(actor=request.user, followup=followup)
    messages.success(request, _("Scadenza segnata come fatta."))
    return redirect("cases:detail", pk=case.pk)
