"""Pages of the cold emergency: plan and activations, facilities, tonight's bed board,
the situation report and the follow-up list. Street outreach is in ``outreach_views``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import DomainError

from . import beds as stay_services
from . import followups, services
from .forms import (
    ActivationApproveForm,
    ActivationExtendForm,
    ActivationOpenForm,
    AssignForm,
    BedRequestForm,
    BedsForm,
    FacilityForm,
    FollowUpCloseForm,
    IdentifyForm,
    SeasonForm,
    TransferForm,
)
from .models import (
    HOLDING,
    Activation,
    ActivationStatus,
    BedRequest,
    BedRequestStatus,
    Forecast,
    Season,
    Stay,
    StayStatus,
)
from .permissions import (
    can_do_outreach,
    can_use_shelter,
    facilities_visible_to,
    followups_visible_to,
    get_facility_for_user,
    get_followup_for_user,
    get_stay_for_user,
    is_comune_staff,
    is_coordinator,
    sees_aggregates,
    stays_visible_to,
)
from .report import report_pdf, report_summary
from .selectors import (
    bed_board,
    season_chart,
    season_series,
    situation_report,
    usable_beds,
    waiting_list,
)

#: The waiting-list form sits beside the assignment form: its own element ids.
WAITING_IDS = "wait_%s"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _require_area(request: HttpRequest) -> None:
    """Users with nothing to do in the area get the same 404 as an out-of-scope object."""
    if not can_use_shelter(request.user):
        raise Http404


def export_link(source: str, night: date) -> str:
    """The insights export of this list for the night, when the insights app is there."""
    try:
        path = reverse("insights:export_create")
    except NoReverseMatch:
        return ""
    return f"{path}?{urlencode({'source': source, 'night': night.isoformat()})}"


def _night(request: HttpRequest) -> date:
    raw = request.GET.get("night") or request.POST.get("night") or ""
    night = parse_date(raw) if raw else None
    return night or services.night_of(timezone.now())


# --- Overview, plan, activations -------------------------------------------------------------


def _home_context(request: HttpRequest, **forms: Any) -> dict[str, Any]:
    today = timezone.localdate()
    season = (
        services.season_for(today)
        or Season.objects.filter(ends_on__gte=today).order_by("starts_on").first()
    )
    forecasts = list(Forecast.objects.filter(day__gte=today).order_by("day")[:7])
    if season is not None:
        for forecast in forecasts:
            forecast.cold = services.is_cold(season, forecast)  # type: ignore[attr-defined]
    activations = (
        list(
            season.activations.exclude(status=ActivationStatus.DECLINED).order_by("-starts_on")[:10]
        )
        if season
        else []
    )
    return {
        "season": season,
        "forecasts": forecasts,
        "proposals": [a for a in activations if a.status == ActivationStatus.PROPOSED],
        "activations": [a for a in activations if a.status != ActivationStatus.PROPOSED],
        "tonight": services.activation_for(services.night_of(timezone.now())),
        "is_coordinator": is_coordinator(request.user),
        "can_do_outreach": can_do_outreach(request.user),
        "has_facilities": facilities_visible_to(request.user).exists(),
        "sees_aggregates": sees_aggregates(request.user),
        "open_form": forms.get("open_form") or ActivationOpenForm(),
        "approve_form": ActivationApproveForm(),
        "extend_form": forms.get("extend_form") or ActivationExtendForm(),
    }


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _require_area(request)
    return render(request, "shelter/home.html", _home_context(request))


@login_required
@require_http_methods(["GET", "POST"])
def season_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_area(request)
    _require(is_coordinator(request.user))
    season = get_object_or_404(Season, pk=pk) if pk else None
    initial: dict[str, Any] = {
        "min_temperature": 0,
        "consecutive_nights": 2,
        "no_show_release_at": "22:30",
    }
    if season is not None:
        initial = {name: getattr(season, name) for name in services.SEASON_FIELDS}
        initial["facilities"] = list(season.facilities.all())
        initial["organizations"] = list(season.organizations.all())
    form = SeasonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.season_save(
                actor=request.user,
                data=data,
                facilities=data["facilities"],
                organizations=data["organizations"],
                season=season,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Piano freddo salvato."))
            return redirect("shelter:home")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "shelter/season_form.html", {"form": form, "season": season}, status=status
    )


@login_required
@require_POST
def activation_open(request: HttpRequest) -> HttpResponse:
    _require_area(request)
    _require(is_coordinator(request.user))
    form = ActivationOpenForm(request.POST)
    season = (
        services.season_for(timezone.localdate())
        or Season.objects.filter(ends_on__gte=timezone.localdate()).order_by("starts_on").first()
    )
    if season is None:
        messages.error(request, _("Prima scrivi il piano freddo della stagione."))
        return redirect("shelter:home")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.activation_open(actor=request.user, season=season, **data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Emergenza attivata: le organizzazioni di turno sono state avvisate.")
            )
            return redirect("shelter:home")
    return render(request, "shelter/home.html", _home_context(request, open_form=form), status=400)


def _activation(request: HttpRequest, pk: int) -> Activation:
    _require_area(request)
    _require(is_coordinator(request.user))
    return get_object_or_404(Activation.objects.select_related("season"), pk=pk)


@login_required
@require_POST
def activation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or decline a proposed activation (``decision`` = approve | decline)."""
    activation = _activation(request, pk)
    form = ActivationApproveForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("decision") == "decline":
            services.activation_decline(actor=request.user, activation=activation)
            messages.success(request, _("Proposta non approvata."))
        else:
            services.activation_approve(
                actor=request.user,
                activation=activation,
                opens_surge_beds=bool(form.cleaned_data.get("opens_surge_beds")),
            )
            messages.success(
                request, _("Emergenza attivata: le organizzazioni di turno sono state avvisate.")
            )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("shelter:home")


@login_required
@require_POST
def activation_extend(request: HttpRequest, pk: int) -> HttpResponse:
    activation = _activation(request, pk)
    form = ActivationExtendForm(request.POST)
    if form.is_valid():
        try:
            services.activation_extend(
                actor=request.user, activation=activation, ends_on=form.cleaned_data["ends_on"]
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Attivazione prorogata."))
            return redirect("shelter:home")
    return render(
        request, "shelter/home.html", _home_context(request, extend_form=form), status=400
    )


@login_required
@require_POST
def activation_close(request: HttpRequest, pk: int) -> HttpResponse:
    activation = _activation(request, pk)
    try:
        services.activation_close(actor=request.user, activation=activation)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Emergenza chiusa: le organizzazioni di turno sono state avvisate.")
        )
    return redirect("shelter:home")


# --- Facilities --------------------------------------------------------------------------------


@login_required
@require_GET
def facility_list(request: HttpRequest) -> HttpResponse:
    _require_area(request)
    facilities = facilities_visible_to(request.user).select_related("organization")
    if not facilities.exists() and not is_comune_staff(request.user):
        raise Http404
    return render(
        request,
        "shelter/facility_list.html",
        {"facilities": facilities, "is_coordinator": is_coordinator(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def facility_create(request: HttpRequest) -> HttpResponse:
    _require_area(request)
    _require(is_coordinator(request.user))
    form = FacilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.facility_create(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Struttura registrata: aggiungi i posti letto."))
            return redirect("shelter:facility_detail", pk=facility.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "shelter/facility_form.html", {"form": form}, status=status)


def _facility_context(
    request: HttpRequest, facility: Any, beds_form: BedsForm | None = None
) -> dict[str, Any]:
    return {
        "facility": facility,
        "beds": facility.beds.all(),
        "beds_form": beds_form
        or BedsForm(initial={"for_men": True, "name_prefix": "L", "count": 1}),
        "may_manage": services._may_manage(request.user, facility),
    }


@login_required
@require_GET
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    return render(request, "shelter/facility_detail.html", _facility_context(request, facility))


@login_required
@require_POST
def beds_add(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    _require(services._may_manage(request.user, facility))
    form = BedsForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.beds_add(
                actor=request.user,
                facility=facility,
                count=data.pop("count"),
                prefix=data.pop("name_prefix") or "L",
                flags=data,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Posti aggiunti."))
            return redirect("shelter:facility_detail", pk=facility.pk)
    context = _facility_context(request, facility, beds_form=form)
    return render(request, "shelter/facility_detail.html", context, status=400)


@login_required
@require_POST
def facility_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    facility = get_facility_for_user(request.user, pk)
    _require(services._may_manage(request.user, facility))
    services.facility_set_open(actor=request.user, facility=facility, is_open=not facility.is_open)
    messages.success(
        request, _("Struttura aperta.") if facility.is_open else _("Struttura chiusa.")
    )
    return redirect("shelter:facility_detail", pk=facility.pk)


# --- Tonight's bed board -------------------------------------------------------------------------


def _board_forms(request: HttpRequest, night: date) -> tuple[Any, Any]:
    activation = services.activation_for(night)
    beds = (
        usable_beds(facilities_visible_to(request.user), activation)
        .exclude(pk__in=Stay.objects.filter(night=night, status__in=HOLDING).values("bed_id"))
        .select_related("facility")
    )
    requests = BedRequest.objects.filter(night=night, status=BedRequestStatus.WAITING)
    return beds, requests


def _board_context(request: HttpRequest, night: date, **forms: Any) -> dict[str, Any]:
    beds, requests = _board_forms(request, night)
    movable = _movable_stays(request, night)
    unknown = stays_visible_to(request.user).filter(
        night=night, person__isnull=True, status__in=HOLDING
    )
    board = bed_board(user=request.user, night=night)
    stays = [stay for entry in board for _bed, stay in entry.beds if stay is not None]
    for stay in stays:
        if stay.person_id:
            audit_record(
                actor=request.user,
                action=AuditAction.VIEW,
                obj=stay,
                person_id=stay.person_id,
                purpose="shelter.board",
            )
    return {
        "night": night,
        "previous": night - timedelta(days=1),
        "next": night + timedelta(days=1),
        "activation": services.activation_for(night),
        "board": board,
        "waiting": waiting_list(user=request.user, night=night),
        "assign_form": forms.get("assign_form")
        or AssignForm(user=request.user, beds=beds, requests=requests),
        "request_form": forms.get("request_form")
        or BedRequestForm(user=request.user, auto_id=WAITING_IDS),
        "transfer_beds": list(beds),
        "transfer_form": TransferForm(stays=movable, beds=beds),
        "movable_stays": list(movable.select_related("bed__facility", "person")),
        "identify_form": IdentifyForm(user=request.user, stays=unknown),
        "unknown_stays": list(unknown.select_related("bed__facility")),
        "statuses": StayStatus,
        "export_url": export_link("shelter.stays", night),
    }


def _require_board(request: HttpRequest) -> None:
    _require_area(request)
    if not facilities_visible_to(request.user).exists():
        raise Http404


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    return render(request, "shelter/board.html", _board_context(request, _night(request)))


def _back_to_board(night: date) -> HttpResponse:
    response = redirect("shelter:board")
    response["Location"] += f"?night={night.isoformat()}"
    return response


@login_required
@require_POST
def stay_assign(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    night = _night(request)
    beds, requests = _board_forms(request, night)
    form = AssignForm(request.POST, user=request.user, beds=beds, requests=requests)
    if form.is_valid():
        data = form.cleaned_data
        try:
            stay_services.bed_assign(
                actor=request.user,
                bed=data["bed"],
                night=night,
                person=data["person"],
                alias=data["alias"],
                description=data["description"],
                guest=data["guest"],
                request=data["request"],
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Posto %(bed)s assegnato.") % {"bed": data["bed"]})
            return _back_to_board(night)
    context = _board_context(request, night, assign_form=form)
    return render(request, "shelter/board.html", context, status=400)


@login_required
@require_POST
def stay_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Check-in, check-out or cancel (``action``)."""
    _require_board(request)
    stay = get_stay_for_user(request.user, pk)
    actions = {
        "check_in": (stay_services.stay_check_in, _("Entrata registrata.")),
        "check_out": (stay_services.stay_check_out, _("Uscita registrata.")),
        "cancel": (stay_services.stay_cancel, _("Assegnazione annullata: il posto è libero.")),
    }
    chosen = actions.get(request.POST.get("action", ""))
    if chosen is None:
        messages.error(request, _("Azione sconosciuta."))
        return _back_to_board(stay.night)
    action, done = chosen
    try:
        action(actor=request.user, stay=stay)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _back_to_board(stay.night)


def _movable_stays(request: HttpRequest, night: date) -> Any:
    return stays_visible_to(request.user).filter(
        night=night, status__in=(StayStatus.ASSIGNED, StayStatus.CHECKED_IN)
    )


@login_required
@require_POST
def stay_transfer(request: HttpRequest) -> HttpResponse:
    """Move a guest of the night to a free bed (``stay`` and ``bed``)."""
    _require_board(request)
    night = _night(request)
    beds, _requests = _board_forms(request, night)
    form = TransferForm(request.POST, stays=_movable_stays(request, night), beds=beds)
    if not form.is_valid():
        messages.error(request, _("Scegli l'ospite e un posto libero."))
        return _back_to_board(night)
    try:
        moved = stay_services.stay_transfer(
            actor=request.user, stay=form.cleaned_data["stay"], bed=form.cleaned_data["bed"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Trasferito al posto %(bed)s.") % {"bed": moved.bed})
    return _back_to_board(night)


@login_required
@require_POST
def stay_identify(request: HttpRequest) -> HttpResponse:
    """Link a guest known by an alias to a registry record (``stay`` and ``person``)."""
    _require_board(request)
    night = _night(request)
    unknown = stays_visible_to(request.user).filter(night=night, person__isnull=True)
    form = IdentifyForm(request.POST, user=request.user, stays=unknown)
    if not form.is_valid():
        messages.error(request, _("Scegli l'ospite e una persona del registro."))
        return _back_to_board(night)
    try:
        stay_services.stay_identify(
            actor=request.user, stay=form.cleaned_data["stay"], person=form.cleaned_data["person"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Ospite collegato alla scheda della persona."))
    return _back_to_board(night)


@login_required
@require_POST
def request_add(request: HttpRequest) -> HttpResponse:
    _require_board(request)
    night = _night(request)
    form = BedRequestForm(request.POST, user=request.user, auto_id=WAITING_IDS)
    if form.is_valid():
        try:
            stay_services.bed_request_add(actor=request.user, night=night, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Aggiunto alla lista d'attesa."))
            return _back_to_board(night)
    context = _board_context(request, night, request_form=form)
    return render(request, "shelter/board.html", context, status=400)


@login_required
@require_POST
def request_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_board(request)
    bed_request = get_object_or_404(BedRequest, pk=pk)
    try:
        stay_services.bed_request_close(
            actor=request.user, request=bed_request, status=request.POST.get("status", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Lista d'attesa aggiornata."))
    return _back_to_board(bed_request.night)


# --- Situation report ----------------------------------------------------------------------------


def _report_context(request: HttpRequest) -> dict[str, Any]:
    _require_area(request)
    _require(sees_aggregates(request.user))
    night = _night(request)
    report = situation_report(night)
    series = season_series(report.activation, until=night) if report.activation else []
    return {
        "report": report,
        "summary": report_summary(report),
        "series": series,
        "chart": season_chart(series) if series else None,
        "previous": night - timedelta(days=1),
        "next": night + timedelta(days=1),
    }


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    return render(request, "shelter/report.html", _report_context(request))


@login_required
@require_GET
def report_pdf_view(request: HttpRequest) -> HttpResponse:
    context = _report_context(request)
    night = context["report"].night
    response = HttpResponse(report_pdf(context["report"]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="emergenza-freddo-{night.isoformat()}.pdf"'
    return response


# --- Follow-up -------------------------------------------------------------------------------------


@login_required
@require_GET
def followup_list(request: HttpRequest) -> HttpResponse:
    _require_area(request)
    items = followups_visible_to(request.user).select_related("person", "encounter__round")
    if not (is_comune_staff(request.user) or items.exists()):
        raise Http404
    return render(
        request,
        "shelter/followup_list.html",
        {
            "open_items": [item for item in items if item.closed_at is None],
            "closed_items": [item for item in items if item.closed_at is not None][:50],
            "form": FollowUpCloseForm(),
        },
    )


@login_required
@require_POST
def followup_close(request: HttpRequest, pk: int) -> HttpResponse:
    _require_area(request)
    item = get_followup_for_user(request.user, pk)
    form = FollowUpCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli un esito."))
        return redirect("shelter:followups")
    try:
        followups.followup_close(
            actor=request.user,
            followup=item,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Esito registrato."))
    return redirect("shelter:followups")
