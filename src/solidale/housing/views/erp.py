"""ERP calls: rule tables, applications with their traced score, rankings, appeals, offers."""

from __future__ import annotations

import csv
import json
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
    AllocationDecisionForm,
    AppealForm,
    ApplicationForm,
    CallForm,
    DecisionForm,
    OfferForm,
    PublishForm,
    RulesetUploadForm,
)
from ..models import Appeal, AppealStatus, Ranking, RankingKind
from ..permissions import (
    calls_visible_to,
    can_manage_offer,
    get_allocation_for_user,
    get_appeal_for_user,
    get_application_for_user,
    get_call_for_user,
    get_offer_for_user,
    get_ranking_for_user,
    get_ruleset_for_user,
    is_comune_staff,
    is_decider,
    offers_visible_to,
    rulesets_visible_to,
)
from ..selectors import application_detail as application_extra
from ..selectors import ranking_counts, ranking_rows
from ._common import require, require_comune, require_member, run_service


@login_required
@require_http_methods(["GET", "POST"])
def ruleset_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    form = RulesetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        require(is_decider(request.user))
        if form.is_valid():
            try:
                definition = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                form.add_error("file", _("Il file non è un JSON valido."))
            else:
                ruleset = run_service(
                    form, lambda: services.ruleset_load(actor=request.user, definition=definition)
                )
                if ruleset is not None:
                    messages.success(request, _("Tabella di regole caricata."))
                    return redirect("housing:ruleset_detail", pk=ruleset.pk)
    return render(
        request,
        "housing/ruleset_list.html",
        {
            "rulesets": rulesets_visible_to(request.user),
            "form": form,
            "can_upload": is_decider(request.user),
        },
    )


@login_required
@require_GET
def ruleset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    ruleset = get_ruleset_for_user(request.user, pk)
    return render(
        request, "housing/ruleset_detail.html", {"ruleset": ruleset, "d": ruleset.definition}
    )


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    return render(
        request,
        "housing/call_list.html",
        {
            "calls": calls_visible_to(request.user).select_related("ruleset", "agency"),
            "can_create": is_decider(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    require(is_decider(request.user))
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = run_service(
            form, lambda: services.call_create(actor=request.user, data=form.cleaned_data)
        )
        if call is not None:
            messages.success(request, _("Bando creato."))
            return redirect("housing:call_detail", pk=call.pk)
    return render(request, "housing/form.html", {"form": form, "title": _("Nuovo bando ERP")})


@login_required
@require_GET
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    call = get_call_for_user(request.user, pk)
    rankings = {ranking.kind: ranking for ranking in call.rankings.all()}
    applications = call.applications.order_by("-points", "protocol")
    return render(
        request,
        "housing/call_detail.html",
        {
            "call": call,
            "applications": applications.select_related("household")[:200],
            "n_applications": applications.count(),
            "provisional": rankings.get(RankingKind.PROVISIONAL),
            "final": rankings.get(RankingKind.FINAL),
            "can_manage": is_comune_staff(request.user),
            "can_decide": is_decider(request.user),
            "pending_appeals": Appeal.objects.filter(
                application__call=call, status=AppealStatus.PENDING
            ).select_related("application"),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    call = get_call_for_user(request.user, pk)
    form = ApplicationForm(request.POST or None, user=request.user, ruleset=call.ruleset)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = run_service(
                form,
                lambda: services.application_preview(
                    call=call, facts=form.facts(), conditions=form.conditions()
                ),
            )
        else:
            application = run_service(
                form,
                lambda: services.application_submit(
                    actor=request.user,
                    call=call,
                    household=data["household"],
                    applicant=data["person"],
                    facts=form.facts(),
                    conditions=form.conditions(),
                    submitted_on=data["submitted_on"],
                ),
            )
            if application is not None:
                messages.success(
                    request,
                    _("Domanda protocollata: %(protocol)s, %(points)s punti.")
                    % {"protocol": application.protocol, "points": application.points},
                )
                return redirect("housing:application_detail", pk=application.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "housing/application_form.html",
        {"form": form, "call": call, "preview": preview},
        status=status,
    )


def _application_context(request: HttpRequest, application: Any, **forms: Any) -> dict[str, Any]:
    return {
        "application": application,
        **application_extra(application),
        "can_manage": is_comune_staff(request.user),
        "appeal_form": forms.get("appeal_form") or AppealForm(),
    }


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    application = get_application_for_user(request.user, pk)
    audit_record(
        actor=request.user, action=Action.VIEW, obj=application, person_id=application.applicant_id
    )
    return render(
        request, "housing/application_detail.html", _application_context(request, application)
    )


@login_required
@require_POST
def appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    application = get_application_for_user(request.user, pk)
    form = AppealForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.appeal_file(
            actor=request.user,
            application=application,
            filed_on=form.cleaned_data["filed_on"],
            grounds=form.cleaned_data["grounds"],
            conditions=form.conditions(),
        ),
    ):
        messages.success(request, _("Opposizione registrata."))
        return redirect("housing:application_detail", pk=application.pk)
    context = _application_context(request, application, appeal_form=form)
    return render(request, "housing/application_detail.html", context, status=400)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    require(is_decider(request.user))
    appeal = get_appeal_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_decide(actor=request.user, appeal=appeal, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Opposizione decisa."))
    else:
        messages.error(request, _("Indica decisione e motivazione."))
    return redirect("housing:call_detail", pk=appeal.application.call_id)


@login_required
@require_POST
def ranking_compute(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    require(is_decider(request.user))
    call = get_call_for_user(request.user, pk)
    kind = request.POST.get("kind", RankingKind.PROVISIONAL)
    try:
        result = services.ranking_compute(actor=request.user, call=call, kind=kind)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("housing:call_detail", pk=call.pk)
    messages.success(
        request,
        _("Graduatoria calcolata: %(ranked)s domande in graduatoria, %(excluded)s escluse.")
        % {"ranked": result.ranked, "excluded": result.excluded},
    )
    return redirect("housing:ranking_detail", pk=result.ranking.pk)


def _ranking_context(request: HttpRequest, ranking: Ranking, **forms: Any) -> dict[str, Any]:
    return {
        "ranking": ranking,
        "entries": ranking_rows(ranking, limit=500),
        "counts": ranking_counts(ranking),
        "tie_breaks": ranking.ruleset.definition.get("tie_breaks", []),
        "can_decide": is_decider(request.user),
        "publish_form": forms.get("publish_form") or PublishForm(),
    }


@login_required
@require_GET
def ranking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    ranking = get_ranking_for_user(request.user, pk)
    return render(request, "housing/ranking_detail.html", _ranking_context(request, ranking))


@login_required
@require_POST
def ranking_publish(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    require(is_decider(request.user))
    ranking = get_ranking_for_user(request.user, pk)
    form = PublishForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.ranking_publish(actor=request.user, ranking=ranking, **form.cleaned_data),
    ):
        messages.success(request, _("Graduatoria pubblicata."))
        return redirect("housing:ranking_detail", pk=ranking.pk)
    context = _ranking_context(request, ranking, publish_form=form)
    return render(request, "housing/ranking_detail.html", context, status=400)


@login_required
@require_GET
def ranking_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The list for the notice board: position, protocol number and points, never names."""
    require_member(request)
    ranking = get_ranking_for_user(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="graduatoria-{ranking.call_id}-{ranking.kind}.csv"'
    )
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Posizione"), _("Protocollo"), _("Punti"), _("Esito")])
    for entry in ranking_rows(ranking):
        writer.writerow(
            [
                entry.position or "",
                entry.application.protocol,
                entry.points,
                _("esclusa") if entry.excluded else _("ammessa"),
            ]
        )
    audit_record(
        actor=request.user,
        action=Action.EXPORT,
        obj=ranking,
        changes={"format": "csv", "personal_data": False},
    )
    return response


@login_required
@require_GET
def offer_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    return render(
        request,
        "housing/offer_list.html",
        {
            "offers": offers_visible_to(request.user).select_related("call"),
            "can_manage": can_manage_offer(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest) -> HttpResponse:
    require_member(request)
    require(can_manage_offer(request.user))
    form = OfferForm(request.POST or None, calls=calls_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        call = data.pop("call")
        offer = run_service(
            form, lambda: services.offer_create(actor=request.user, call=call, data=data)
        )
        if offer is not None:
            messages.success(request, _("Alloggio registrato."))
            return redirect("housing:offer_detail", pk=offer.pk)
    return render(
        request, "housing/form.html", {"form": form, "title": _("Nuovo alloggio offerto")}
    )


@login_required
@require_GET
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    offer = get_offer_for_user(request.user, pk)
    definition = offer.call.ruleset.definition
    return render(
        request,
        "housing/offer_detail.html",
        {
            "offer": offer,
            "allocations": offer.allocations.select_related("application"),
            "can_manage": can_manage_offer(request.user, offer),
            "decision_form": AllocationDecisionForm(),
            "standard": definition.get("dwelling_standard", {}),
        },
    )


@login_required
@require_POST
def offer_propose(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    offer = get_offer_for_user(request.user, pk)
    require(can_manage_offer(request.user, offer))
    try:
        proposal = services.offer_propose_next(actor=request.user, offer=offer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        for protocol, reason in proposal.skipped:
            messages.info(
                request, _("Saltata la domanda %(p)s: %(r)s.") % {"p": protocol, "r": reason}
            )
        messages.success(
            request,
            _("Alloggio proposto alla domanda %(p)s.")
            % {"p": proposal.allocation.application.protocol},
        )
    return redirect("housing:offer_detail", pk=offer.pk)


@login_required
@require_POST
def allocation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    allocation = get_allocation_for_user(request.user, pk)
    require(can_manage_offer(request.user, allocation.offer))
    form = AllocationDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.allocation_decide(
                actor=request.user, allocation=allocation, **form.cleaned_data
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Risposta del nucleo registrata."))
    return redirect("housing:offer_detail", pk=allocation.offer_id)
