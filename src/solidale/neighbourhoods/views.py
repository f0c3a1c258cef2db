"""Pages of the neighbourhoods app: public profiles, reports and their closed loop, the
handlers' queue, presidi and participation events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.accounts.models import Organization
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import DomainError, RateLimitedError
from solidale.core.models import Neighbourhood
from solidale.core.ratelimit import client_key, rate_limit_hit
from solidale.people.models import Person
from solidale.people.selectors import person_search

from . import services
from .forms import (
    AttendanceForm,
    CategoryRouteForm,
    ClientForm,
    DecisionsForm,
    EventForm,
    PresidioForm,
    ProposalAnswerForm,
    ProposalForm,
    PublicFilterForm,
    PublishForm,
    QueueFilterForm,
    ReopenForm,
    ReportForm,
    SessionForm,
    StatusForm,
    TakeInChargeForm,
    TrackForm,
)
from .models import (
    Open311Client,
    ParticipationEvent,
    Proposal,
    Report,
    ReportCategory,
    ReportStatus,
)
from .permissions import (
    can_configure,
    can_handle_reports,
    can_organize,
    can_record_session,
    can_see_indicators,
    can_see_registrations,
    get_event,
    get_presidio_for_user,
    get_public_report,
    get_report_for_user,
    is_citizen,
    is_staff_member,
    own_reports,
    presidi_visible_to,
    reports_visible_to,
)
from .photos import photo_clean
from .selectors import (
    PUBLIC_MAP_LIMIT,
    PublicFilters,
    QueueFilters,
    active_presidi,
    map_data,
    moderation_counts,
    moderation_queue,
    page_of,
    public_markers,
    public_reports,
    reports_filtered,
    service_markers,
    services_nearby,
    staff_indicators,
    upcoming_events,
)
from .services import TRANSITIONS

REPORT_RATE = settings.SOLIDALE_REPORT_RATE
PAGE_SIZE = 25
MODERATION_PAGE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _form_error(form: Any, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- Neighbourhoods ---------------------------------------------------------------------


@require_GET
def neighbourhood_list(request: HttpRequest) -> HttpResponse:
    neighbourhoods = list(Neighbourhood.objects.all())
    return render(
        request,
        "neighbourhoods/neighbourhood_list.html",
        {
            "neighbourhoods": neighbourhoods,
            "map_data": map_data(neighbourhoods=neighbourhoods, reports=[]),
        },
    )


@require_GET
def neighbourhood_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The public profile: services nearby, presidi, open reports, upcoming events, a map."""
    neighbourhood = get_object_or_404(Neighbourhood, slug=slug)
    services_rows = services_nearby(neighbourhood)
    reports = list(
        public_reports(PublicFilters(status="open", neighbourhood=neighbourhood.slug))[:50]
    )
    context = {
        "neighbourhood": neighbourhood,
        "services": services_rows,
        "presidi": active_presidi(neighbourhood),
        "reports": reports,
        "events": upcoming_events(neighbourhood)[:10],
        "map_data": map_data(
            neighbourhoods=[neighbourhood], reports=reports, places=service_markers(services_rows)
        ),
        "sees_indicators": can_see_indicators(request.user),
    }
    return render(request, "neighbourhoods/neighbourhood_detail.html", context)


@login_required
@require_GET
def neighbourhood_staff(request: HttpRequest, slug: str) -> HttpResponse:
    """Aggregated indicators of the network's activity here: counts only, small cells hidden."""
    _require(can_see_indicators(request.user))
    neighbourhood = get_object_or_404(Neighbourhood, slug=slug)
    try:
        days = max(7, min(int(request.GET.get("days", 365)), 3650))
    except ValueError:
        days = 365
    return render(
        request,
        "neighbourhoods/neighbourhood_staff.html",
        {
            "neighbourhood": neighbourhood,
            "rows": staff_indicators(neighbourhood, days=days),
            "days": days,
        },
    )


# --- Reports: the citizen's side --------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    initial = (
        {"neighbourhood": request.GET.get("neighbourhood")}
        if request.GET.get("neighbourhood")
        else {}
    )
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.is_spam():
            form.add_error(
                None, _("Non è stato possibile inviare la segnalazione: riprova tra poco.")
            )
        else:
            try:
                rate_limit_hit(
                    scope="neighbourhoods.report", key=client_key(request), rate=REPORT_RATE
                )
                upload = form.cleaned_data.get("photo")
                photo = photo_clean(upload) if upload else None
                report = services.report_submit(
                    data=form.cleaned_data, reporter=request.user, photo=photo
                )
            except RateLimitedError as error:
                form.add_error(None, error.message)
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request, _("Segnalazione inviata. Conserva il codice di verifica.")
                )
                return redirect(f"{_track_url()}?code={report.tracking_code}")
    neighbourhoods = list(Neighbourhood.objects.all())
    return render(
        request,
        "neighbourhoods/report_form.html",
        {"form": form, "map_data": map_data(neighbourhoods=neighbourhoods, reports=[])},
        status=400 if request.method == "POST" else 200,
    )


def _track_url() -> str:
    return reverse("neighbourhoods:report_track")


@require_http_methods(["GET", "POST"])
def report_track(request: HttpRequest) -> HttpResponse:
    """Status by tracking code (the code proves the reporter): the closed loop, no details.

    A resolved report can be reopened here within the set period."""
    code = request.GET.get("code") or request.POST.get("code") or ""
    form = TrackForm({"code": code} if code else None)
    report = None
    reopen_form = None
    if code:
        try:
            rate_limit_hit(scope="neighbourhoods.track", key=client_key(request), rate="60/60")
        except RateLimitedError as error:
            form.add_error("code", error.message)
        else:
            report = (
                Report.objects.select_related("category", "neighbourhood")
                .defer("photo")
                .filter(tracking_code=services.normalize_tracking_code(code))
                .first()
            )
            if report is None:
                form.add_error("code", _("Nessuna segnalazione con questo codice."))
    if report is not None:
        reopen_form = ReopenForm(
            request.POST if request.method == "POST" else None,
            initial={"code": report.tracking_code},
        )
        if request.method == "POST" and reopen_form.is_valid():
            try:
                services.report_reopen(
                    report=report,
                    reason=reopen_form.cleaned_data["reason"],
                    actor=request.user if request.user.is_authenticated else None,
                )
            except DomainError as error:
                _form_error(reopen_form, error)
            else:
                messages.success(
                    request, _("Segnalazione riaperta: chi la gestisce è stato avvisato.")
                )
                return redirect(f"{_track_url()}?code={report.tracking_code}")
    elif request.method == "POST":
        raise Http404
    events = list(report.events.all()) if report is not None else []
    return render(
        request,
        "neighbourhoods/report_track.html",
        {
            "form": form,
            "report": report,
            "events": events,
            "reopen_form": reopen_form,
            "deadline": report.reopen_deadline() if report else None,
            "can_reopen": report is not None
            and report.reopen_deadline() is not None
            and report.reopen_deadline() >= timezone.now(),  # type: ignore[operator]
        },
    )


@login_required
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    reports = own_reports(request.user).select_related("category").defer("photo")
    return render(request, "neighbourhoods/my_reports.html", {"reports": reports})


@require_GET
def report_public_list(request: HttpRequest) -> HttpResponse:
    """Public reports (never the social ones) on a map and in a list, with their status."""
    form = PublicFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    filters = PublicFilters(
        status=data.get("status", ""),
        category=data.get("category", ""),
        neighbourhood=data.get("neighbourhood", ""),
    )
    reports = public_reports(filters)
    page = page_of(reports, request.GET.get("page"), size=PAGE_SIZE)
    markers = public_markers(reports, limit=PUBLIC_MAP_LIMIT)
    neighbourhoods = list(Neighbourhood.objects.all())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "neighbourhoods/report_public_list.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "map_data": map_data(neighbourhoods=neighbourhoods, reports=[], markers=markers),
        },
    )


@require_GET
def report_public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_public_report(pk)
    return render(
        request,
        "neighbourhoods/report_public_detail.html",
        {
            "report": report,
            "events": report.events.all(),
            "has_photo": report.show_photo,
            "map_data": map_data(neighbourhoods=[], reports=[report]),
        },
    )


@require_GET
def report_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo of a public report (anyone) or of a report the user handles."""
    report = (
        Report.objects.filter(pk=pk)
        .only("pk", "is_sensitive", "is_published", "show_photo", "photo")
        .first()
    )
    if report is None or not report.photo:
        raise Http404
    public = report.is_published and report.show_photo
    if not public and not reports_visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    response = HttpResponse(bytes(report.photo), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


# --- Reports: the handlers' side --------------------------------------------------------


@login_required
@require_GET
def report_queue(request: HttpRequest) -> HttpResponse:
    _require(can_handle_reports(request.user))
    form = QueueFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    filters = QueueFilters(
        status=data.get("status", "") or ("open" if not form.is_bound else ""),
        category=data.get("category", ""),
        sensitive=data.get("sensitive", ""),
    )
    reports = reports_filtered(reports_visible_to(request.user), filters)
    page = page_of(reports, request.GET.get("page"), size=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "neighbourhoods/report_queue.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "export_url": _export_url(query.urlencode()),
            "pending_count": moderation_queue(request.user).count(),
        },
    )


def _export_url(query: str) -> str:
    try:
        base = reverse("insights:export_create")
    except NoReverseMatch:
        return ""
    return f"{base}?source=neighbourhoods.reports" + (f"&{query}" if query else "")


@login_required
@require_GET
def report_manage(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=report,
        person_id=report.person_id,
        purpose="gestione segnalazione",
    )
    query = request.GET.get("q", "").strip()
    candidates: list[Person] = (
        person_search(user=request.user, query=query, limit=10)
        if query and report.is_sensitive
        else []
    )
    return render(
        request,
        "neighbourhoods/report_manage.html",
        {
            "report": report,
            "events": report.events.select_related("actor"),
            "duplicates": report.duplicates.defer("photo").select_related("category"),
            "has_photo": Report.objects.filter(pk=pk, photo__isnull=False).exists(),
            "status_form": StatusForm(initial={"expected_status": report.status}),
            "next_statuses": [(s, ReportStatus(s).label) for s in TRANSITIONS[report.status]],
            "take_form": TakeInChargeForm(),
            "publish_form": PublishForm(
                initial={"public_description": report.description, "show_photo": False}
            ),
            "query": query,
            "candidates": candidates,
            "map_data": map_data(neighbourhoods=[], reports=[report]),
        },
    )


@login_required
@require_POST
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.report_set_status(
                actor=request.user,
                report=report,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                expected_status=form.cleaned_data["expected_status"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Stato aggiornato: il segnalante è stato avvisato."))
    else:
        messages.error(request, _("Scegli uno stato valido."))
    return redirect("neighbourhoods:report_manage", pk=report.pk)


@login_required
@require_POST
def report_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The moderator publishes a public report (checked description, photo if chosen)."""
    report = get_report_for_user(request.user, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.report_publish(
                actor=request.user,
                report=report,
                public_description=form.cleaned_data["public_description"],
                show_photo=form.cleaned_data["show_photo"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Segnalazione pubblicata: il segnalante è stato avvisato."))
    else:
        messages.error(request, _("Scrivi la descrizione da pubblicare."))
    return redirect("neighbourhoods:report_manage", pk=report.pk)


@login_required
@require_GET
def report_moderation(request: HttpRequest) -> HttpResponse:
    """The reports waiting for a moderator before they appear publicly, oldest first."""
    _require(can_handle_reports(request.user))
    waiting = moderation_queue(request.user)
    return render(
        request,
        "neighbourhoods/report_moderation.html",
        {
            "reports": waiting[:MODERATION_PAGE],
            "counts": moderation_counts(waiting),
            "more": max(0, waiting.count() - MODERATION_PAGE),
        },
    )


@login_required
@require_POST
def report_take_charge(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    form = TakeInChargeForm(request.POST)
    person = None
    if form.is_valid() and form.cleaned_data.get("person"):
        person = (
            Person.objects.visible_to(request.user).filter(pk=form.cleaned_data["person"]).first()
        )
        if person is None:
            raise Http404
    try:
        services.report_take_in_charge(
            actor=request.user,
            report=report,
            person=person,
            note=form.cleaned_data.get("note", "") if form.is_valid() else "",
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Presa in carico: l'accesso è registrato allo sportello."))
    return redirect("neighbourhoods:report_manage", pk=report.pk)


# --- Configuration: routing and Open311 keys ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def category_list(request: HttpRequest) -> HttpResponse:
    _require(can_configure(request.user))
    new_key = ""
    client_form = ClientForm()
    if request.method == "POST":
        try:
            if "category" in request.POST:
                category = get_object_or_404(ReportCategory, pk=request.POST["category"])
                route = CategoryRouteForm(request.POST)
                if not route.is_valid():
                    raise DomainError(_("Scegli un'organizzazione valida."))
                services.category_route(
                    actor=request.user,
                    category=category,
                    organization=route.cleaned_data["organization"],
                )
                messages.success(request, _("Instradamento aggiornato."))
                return redirect("neighbourhoods:category_list")
            if "revoke" in request.POST:
                client = get_object_or_404(Open311Client, pk=request.POST["revoke"])
                services.open311_client_revoke(actor=request.user, client=client)
                messages.success(request, _("Chiave revocata."))
                return redirect("neighbourhoods:category_list")
            client_form = ClientForm(request.POST)
            if client_form.is_valid():
                _client, new_key = services.open311_client_create(
                    actor=request.user, name=client_form.cleaned_data["name"]
                )
                client_form = ClientForm()
        except DomainError as error:
            messages.error(request, error.message)
    categories = ReportCategory.objects.select_related("organization")
    return render(
        request,
        "neighbourhoods/category_list.html",
        {
            "categories": categories,
            "organizations": Organization.objects.filter(is_active=True),
            "clients": Open311Client.objects.all(),
            "client_form": client_form,
            "new_key": new_key,
        },
    )


# --- Presidi ----------------------------------------------------------------------------


@login_required
@require_GET
def presidio_list(request: HttpRequest) -> HttpResponse:
    _require(is_staff_member(request.user))
    presidi = presidi_visible_to(request.user).select_related("neighbourhood", "organization")
    return render(
        request,
        "neighbourhoods/presidio_list.html",
        {"presidi": presidi, "can_create": can_organize(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def presidio_create(request: HttpRequest) -> HttpResponse:
    _require(can_organize(request.user))
    form = PresidioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            presidio = services.presidio_create(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Presidio creato."))
            return redirect("neighbourhoods:presidio_detail", pk=presidio.pk)
    return render(request, "neighbourhoods/presidio_form.html", {"form": form})


def _presidio_page(
    request: HttpRequest, presidio: Any, form: SessionForm | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "neighbourhoods/presidio_detail.html",
        {
            "presidio": presidio,
            "sessions": presidio.sessions.all()[:52],
            "next_dates": services.presidio_next_dates(presidio, start=timezone.localdate()),
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def presidio_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The presidio, its schedule and sessions; those on duty record a session here."""
    presidio = get_presidio_for_user(request.user, pk)
    may_record = can_record_session(request.user, presidio)
    form = SessionForm(initial={"date": timezone.localdate()}) if may_record else None
    return _presidio_page(request, presidio, form)


@login_required
@require_POST
def presidio_session(request: HttpRequest, pk: int) -> HttpResponse:
    presidio = get_presidio_for_user(request.user, pk)
    _require(can_record_session(request.user, presidio))
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.presidio_session_record(
                actor=request.user,
                presidio=presidio,
                day=form.cleaned_data["date"],
                attendance=form.cleaned_data["attendance"],
                volunteers=form.cleaned_data["volunteers"],
                outcome=form.cleaned_data["outcome"],
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Uscita registrata."))
            return redirect("neighbourhoods:presidio_detail", pk=presidio.pk)
    return _presidio_page(request, presidio, form, status=400)


# --- Participation events ---------------------------------------------------------------


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    events = ParticipationEvent.objects.select_related("neighbourhood", "organization")
    return render(
        request,
        "neighbourhoods/event_list.html",
        {
            "upcoming": events.filter(starts_at__gte=now).order_by("starts_at")[:50],
            "past": events.filter(starts_at__lt=now).order_by("-starts_at")[:50],
            "can_create": can_organize(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    _require(can_organize(request.user))
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Evento creato."))
            return redirect("neighbourhoods:event_detail", pk=event.pk)
    return render(request, "neighbourhoods/event_form.html", {"form": form})


@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event(pk)
    user = request.user
    registered = (
        is_citizen(user) and event.registrations.filter(user_id=getattr(user, "pk", 0)).exists()
    )
    organizer = can_organize(user, event.organization_id)
    return render(
        request,
        "neighbourhoods/event_detail.html",
        {
            "event": event,
            "proposals": event.proposals.all(),
            "registered": registered,
            "is_citizen": is_citizen(user),
            "organizer": organizer,
            "proposal_form": ProposalForm(),
            "answer_form": ProposalAnswerForm(),
            "decisions_form": DecisionsForm(initial={"decisions": event.decisions}),
        },
    )


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event(pk)
    _require(is_citizen(request.user))
    try:
        services.event_register(actor=request.user, event=event)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Iscrizione registrata."))
    return redirect("neighbourhoods:event_detail", pk=event.pk)


@login_required
@require_http_methods(["GET", "POST"])
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Registrations (names: organizers, or volunteers on duty for the event) and attendance."""
    event = get_event(pk)
    _require(can_see_registrations(request.user, event))
    form = AttendanceForm(request.POST or None, initial={"attendance": event.attendance})
    if request.method == "POST":
        _require(can_organize(request.user, event.organization_id))
        if form.is_valid():
            ids = [int(v) for v in request.POST.getlist("attended") if v.isdigit()]
            try:
                services.event_attendance_record(
                    actor=request.user,
                    event=event,
                    attended_ids=ids,
                    total=form.cleaned_data["attendance"],
                )
            except DomainError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Presenze registrate."))
                return redirect("neighbourhoods:event_attendance", pk=event.pk)
    audit_record(
        actor=request.user, action=AuditAction.VIEW, obj=event, purpose="iscritti all'evento"
    )
    return render(
        request,
        "neighbourhoods/event_attendance.html",
        {
            "event": event,
            "registrations": event.registrations.select_related("user"),
            "form": form,
            "organizer": can_organize(request.user, event.organization_id),
        },
    )


@login_required
@require_POST
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event(pk)
    _require(is_citizen(request.user))
    form = ProposalForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_submit(
                actor=request.user,
                event=event,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Proposta inviata."))
    else:
        messages.error(request, _("Scrivi titolo e testo della proposta."))
    return redirect("neighbourhoods:event_detail", pk=event.pk)


@login_required
@require_POST
def proposal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("event"), pk=pk)
    _require(can_organize(request.user, proposal.event.organization_id))
    form = ProposalAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_answer(
                actor=request.user,
                proposal=proposal,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Risposta pubblicata."))
    return redirect("neighbourhoods:event_detail", pk=proposal.event_id)


@login_required
@require_POST
def event_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event(pk)
    _require(can_organize(request.user, event.organization_id))
    form = DecisionsForm(request.POST)
    if form.is_valid():
        try:
            services.event_decisions_publish(
                actor=request.user, event=event, decisions=form.cleaned_data["decisions"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decisioni pubblicate: gli iscritti sono stati avvisati."))
    else:
        messages.error(request, _("Scrivi le decisioni prese."))
    return redirect("neighbourhoods:event_detail", pk=event.pk)
