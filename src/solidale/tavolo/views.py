"""Pages of the coordination table: meetings with live minutes, actions, the needs board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import DomainError
from solidale.referrals.permissions import referrals_visible_to

from . import services
from .forms import (
    PERSONAL_DATA_WARNING,
    ActionFilterForm,
    ActionForm,
    AgendaItemForm,
    AttendeeForm,
    DecisionForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    NeedFilterForm,
    NeedForm,
    PledgeForm,
    PledgeStatusForm,
    ProgressForm,
)
from .models import AgendaItem, Decision, Meeting, Participant
from .pdf import minutes_pdf as render_minutes_pdf
from .permissions import (
    can_convene,
    can_edit_need,
    can_pledge,
    can_publish,
    can_run,
    can_update_action,
    can_update_pledge,
    can_write,
    get_action_for_user,
    get_meeting_for_user,
    get_need_for_user,
    get_pledge_for_user,
    is_convener,
    is_network_member,
    sees_minutes,
)
from .selectors import (
    ActionFilters,
    NeedFilters,
    action_list,
    meeting_agenda,
    meeting_list,
    meeting_participants,
    need_actions,
    need_counts_by_neighbourhood,
    need_list,
    need_pledges,
    needs_map_data,
)


def require_member(request: HttpRequest) -> None:
    """Users outside the network (citizens) get the same 404 as an out-of-scope object."""
    if not is_network_member(request.user):
        raise Http404


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Meetings ---------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_list_view(request: HttpRequest) -> HttpResponse:
    require_member(request)
    return render(
        request,
        "tavolo/meeting_list.html",
        {
            "upcoming": meeting_list(user=request.user, upcoming=True),
            "past": meeting_list(user=request.user, upcoming=False),
            "can_convene": can_convene(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    require_member(request)
    _require(can_convene(request.user))
    organization_id = request.user.membership.organization_id  # type: ignore[union-attr]
    form = MeetingForm(request.POST or None, organization_id=organization_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_convene(
                actor=request.user, data=data, organizations=data["organizations"]
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Seduta convocata: le organizzazioni sono state avvisate."))
            return redirect("tavolo:meeting_detail", pk=meeting.pk)
    return render(request, "tavolo/meeting_form.html", {"form": form})


def _meeting_context(request: HttpRequest, meeting: Meeting, **forms: Any) -> dict[str, Any]:
    participants = meeting_participants(meeting)
    organization_ids = [participant.organization_id for participant in participants]
    running = can_run(request.user, meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "participants": participants,
        "attendees": list(meeting.attendees.select_related("organization")),
        "agenda": meeting_agenda(meeting),
        "sees_minutes": sees_minutes(request.user, meeting),
        "can_run": running,
        "is_convener": is_convener(request.user, meeting),
        "can_publish": can_publish(request.user, meeting),
    }
    if running:
        for item in context["agenda"]:
            item.latest = item.versions.select_related("author").first()
        context.update(
            invite_form=forms.get("invite_form") or InviteForm(exclude=organization_ids),
            attendee_form=forms.get("attendee_form")
            or AttendeeForm(organization_ids=organization_ids),
            agenda_form=forms.get("agenda_form") or AgendaItemForm(),
            decision_form=DecisionForm(),
        )
    return context


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    meeting = get_meeting_for_user(request.user, pk)
    return render(request, "tavolo/meeting_detail.html", _meeting_context(request, meeting))


def _running_meeting(request: HttpRequest, pk: int) -> Meeting:
    require_member(request)
    meeting = get_meeting_for_user(request.user, pk)
    _require(can_run(request.user, meeting))
    return meeting


@login_required
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _running_meeting(request, pk)
    invited = list(meeting.participants.values_list("organization_id", flat=True))
    form = InviteForm(request.POST, exclude=invited)
    if form.is_valid():
        try:
            services.meeting_invite(
                actor=request.user, meeting=meeting, organization=form.cleaned_data["organization"]
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Organizzazione invitata."))
            return redirect("tavolo:meeting_detail", pk=meeting.pk)
    context = _meeting_context(request, meeting, invite_form=form)
    return render(request, "tavolo/meeting_detail.html", context, status=400)


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a person present, or toggle an organization's presence (``participant``)."""
    meeting = _running_meeting(request, pk)
    if "participant" in request.POST:
        participant = get_object_or_404(
            Participant.objects.select_related("meeting"),
            meeting=meeting,
            pk=request.POST.get("participant", "") if request.POST["participant"].isdigit() else 0,
        )
        services.participant_attendance_set(
            actor=request.user,
            participant=participant,
            attended=request.POST.get("attended") == "1",
        )
        return redirect("tavolo:meeting_detail", pk=meeting.pk)
    organization_ids = list(meeting.participants.values_list("organization_id", flat=True))
    form = AttendeeForm(request.POST, organization_ids=organization_ids)
    if form.is_valid():
        try:
            services.attendee_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            return redirect("tavolo:meeting_detail", pk=meeting.pk)
    context = _meeting_context(request, meeting, attendee_form=form)
    return render(request, "tavolo/meeting_detail.html", context, status=400)


@login_required
@require_POST
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _running_meeting(request, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            return redirect("tavolo:meeting_detail", pk=meeting.pk)
    context = _meeting_context(request, meeting, agenda_form=form)
    return render(request, "tavolo/meeting_detail.html", context, status=400)


def _agenda_item(request: HttpRequest, pk: int) -> AgendaItem:
    require_member(request)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=pk)
    get_meeting_for_user(request.user, item.meeting_id)
    return item


@login_required
@require_POST
def minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save an agenda item's minutes; HTMX swaps only the editor, with the new version."""
    item = _agenda_item(request, pk)
    _require(can_run(request.user, item.meeting))
    form = MinutesForm(request.POST)
    error = ""
    status = 200
    if form.is_valid():
        try:
            services.minutes_save(
                actor=request.user,
                item=item,
                text=form.cleaned_data["text"],
                base_version=form.cleaned_data["base_version"],
            )
        except DomainError as failure:
            error, status = failure.message, 409
            item.refresh_from_db()
    else:
        error, status = _("Il verbale non è stato salvato: ricarica la pagina."), 400
    if not getattr(request, "htmx", False):
        if error:
            messages.error(request, error)
        return redirect(f"{item.meeting.get_absolute_url()}#item-{item.pk}")
    latest = item.versions.select_related("author").first()
    return render(
        request,
        "tavolo/meeting_detail.html#minutes_editor",
        {
            "item": item,
            "latest": latest,
            "error": error,
            "draft": form.data.get("text", "") if error else item.minutes,
        },
        status=status,
    )


@login_required
@require_GET
def minutes_history(request: HttpRequest, pk: int) -> HttpResponse:
    item = _agenda_item(request, pk)
    if not sees_minutes(request.user, item.meeting):
        raise Http404
    return render(
        request,
        "tavolo/minutes_history.html",
        {"item": item, "versions": list(item.versions.select_related("author"))},
    )


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _agenda_item(request, pk)
    _require(can_run(request.user, item.meeting))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Decisione registrata."))
    else:
        messages.error(request, _("Scrivi il testo della decisione."))
    return redirect(f"{item.meeting.get_absolute_url()}#item-{item.pk}")


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    meeting = get_meeting_for_user(request.user, pk)
    _require(is_convener(request.user, meeting))
    try:
        services.meeting_close(actor=request.user, meeting=meeting)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Seduta chiusa: ora puoi pubblicare il verbale."))
    return redirect("tavolo:meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    meeting = get_meeting_for_user(request.user, pk)
    _require(is_convener(request.user, meeting))
    try:
        services.minutes_publish(actor=request.user, meeting=meeting)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Verbale pubblicato: i partecipanti sono stati avvisati."))
    return redirect("tavolo:meeting_detail", pk=meeting.pk)


def _readable_meeting(request: HttpRequest, pk: int) -> Meeting:
    require_member(request)
    meeting = get_meeting_for_user(request.user, pk)
    if not sees_minutes(request.user, meeting):
        raise Http404
    return meeting


@login_required
@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as an accessible HTML page (printable)."""
    meeting = _readable_meeting(request, pk)
    return render(
        request,
        "tavolo/minutes.html",
        {
            "meeting": meeting,
            "participants": meeting_participants(meeting),
            "attendees": list(meeting.attendees.select_related("organization")),
            "agenda": meeting_agenda(meeting),
        },
    )


@login_required
@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _readable_meeting(request, pk)
    audit_record(actor=request.user, action=AuditAction.EXPORT, obj=meeting, purpose="verbale PDF")
    response = HttpResponse(render_minutes_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="verbale-tavolo-{meeting.pk}.pdf"'
    return response


# --- Actions ----------------------------------------------------------------------------------


@login_required
@require_GET
def action_list_view(request: HttpRequest) -> HttpResponse:
    require_member(request)
    form = ActionFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    filters = ActionFilters(
        status=data.get("status") or "",
        overdue=bool(data.get("overdue")),
        mine=bool(data.get("mine")),
    )
    context = {"form": form, "actions": action_list(user=request.user, filters=filters)}
    if getattr(request, "htmx", False):
        return render(request, "tavolo/action_list.html#results", context)
    return render(request, "tavolo/action_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign an action born from decision ``pk``."""
    require_member(request)
    decision = get_object_or_404(Decision.objects.select_related("agenda_item__meeting"), pk=pk)
    meeting = get_meeting_for_user(request.user, decision.agenda_item.meeting_id)
    _require(is_convener(request.user, meeting))
    organization_ids = list(meeting.participants.values_list("organization_id", flat=True))
    form = ActionForm(request.POST or None, organization_ids=organization_ids)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        numbers = data.pop("referrals")
        needs = data.pop("needs")
        referrals = list(referrals_visible_to(request.user).filter(pk__in=numbers))
        if len(referrals) != len(set(numbers)):
            form.add_error(
                "referrals", _("Uno o più invii non esistono o non sono della tua organizzazione.")
            )
        else:
            try:
                action = services.action_assign(
                    actor=request.user,
                    decision=decision,
                    data=data,
                    needs=needs,
                    referrals=referrals,
                )
            except DomainError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Azione assegnata: il responsabile è stato avvisato."))
                return redirect("tavolo:action_detail", pk=action.pk)
    return render(
        request, "tavolo/action_form.html", {"form": form, "decision": decision, "meeting": meeting}
    )


@login_required
@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    action = get_action_for_user(request.user, pk)
    return render(request, "tavolo/action_detail.html", _action_context(request, action))


def _action_context(request: HttpRequest, action: Any, form: Any = None) -> dict[str, Any]:
    can_update = can_update_action(request.user, action)
    return {
        "action": action,
        "progress": list(action.progress.select_related("author", "organization")),
        "needs": list(action.needs.select_related("category", "neighbourhood")),
        "referrals": list(referrals_visible_to(request.user).filter(pk__in=action.referrals.all())),
        "can_update": can_update,
        "form": form or (ProgressForm(initial={"status": action.status}) if can_update else None),
        "decision": action.decision,
    }


@login_required
@require_POST
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    action = get_action_for_user(request.user, pk)
    _require(can_update_action(request.user, action))
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.action_progress_record(actor=request.user, action=action, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Avanzamento registrato."))
            return redirect("tavolo:action_detail", pk=action.pk)
    return render(
        request, "tavolo/action_detail.html", _action_context(request, action, form), status=400
    )


# --- Needs board ------------------------------------------------------------------------------


@login_required
@require_GET
def need_list_view(request: HttpRequest) -> HttpResponse:
    """The needs board: the list (the primary, accessible view) and the map."""
    require_member(request)
    form = NeedFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    category = data.get("category")
    neighbourhood = data.get("neighbourhood")
    needs = need_list(
        user=request.user,
        filters=NeedFilters(
            status=data.get("status") or "",
            category=category.pk if category else None,
            neighbourhood=neighbourhood.pk if neighbourhood else None,
            urgency=data.get("urgency") or "",
        ),
    )
    context = {
        "form": form,
        "needs": needs,
        "map_data": needs_map_data(needs),
        "by_neighbourhood": need_counts_by_neighbourhood(needs),
        "can_write": can_write(request.user),
    }
    if getattr(request, "htmx", False):
        return render(request, "tavolo/need_list.html#results", context)
    return render(request, "tavolo/need_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def need_create(request: HttpRequest) -> HttpResponse:
    require_member(request)
    _require(can_write(request.user))
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_report(actor=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Bisogno pubblicato sulla bacheca."))
            return redirect("tavolo:need_detail", pk=need.pk)
    return render(
        request, "tavolo/need_form.html", {"form": form, "warning": PERSONAL_DATA_WARNING}
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    need = get_need_for_user(request.user, pk)
    _require(can_edit_need(request.user, need))
    initial = {
        "count": need.count,
        "unit": need.unit,
        "title": need.title,
        "category": need.category_id,
        "neighbourhood": need.neighbourhood_id,
        "urgency": need.urgency,
        "description": need.description,
    }
    form = NeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(actor=request.user, need=need, data=form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Bisogno aggiornato."))
            return redirect("tavolo:need_detail", pk=need.pk)
    return render(
        request,
        "tavolo/need_form.html",
        {"form": form, "need": need, "warning": PERSONAL_DATA_WARNING},
    )


def _need_context(request: HttpRequest, need: Any, pledge_form: Any = None) -> dict[str, Any]:
    pledges = need_pledges(need)
    for pledge in pledges:
        pledge.can_update = can_update_pledge(request.user, pledge) and pledge.status != "delivered"  # type: ignore[attr-defined]
    pledging = can_pledge(request.user, need)
    return {
        "need": need,
        "pledges": pledges,
        "actions": list(need_actions(request.user, need)),
        "can_edit": can_edit_need(request.user, need),
        "pledge_form": pledge_form or (PledgeForm() if pledging else None),
        "status_form": PledgeStatusForm(),
    }


@login_required
@require_GET
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    need = get_need_for_user(request.user, pk)
    return render(request, "tavolo/need_detail.html", _need_context(request, need))


@login_required
@require_POST
def need_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    need = get_need_for_user(request.user, pk)
    _require(can_edit_need(request.user, need))
    services.need_close(actor=request.user, need=need)
    messages.success(request, _("Bisogno chiuso."))
    return redirect("tavolo:need_detail", pk=need.pk)


@login_required
@require_POST
def pledge_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    need = get_need_for_user(request.user, pk)
    _require(can_pledge(request.user, need))
    form = PledgeForm(request.POST)
    if form.is_valid():
        try:
            services.pledge_make(actor=request.user, need=need, data=form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Impegno registrato: chi ha segnalato il bisogno è stato avvisato.")
            )
            return redirect("tavolo:need_detail", pk=need.pk)
    return render(
        request, "tavolo/need_detail.html", _need_context(request, need, form), status=400
    )


@login_required
@require_POST
def pledge_status(request: HttpRequest, pk: int) -> HttpResponse:
    require_member(request)
    pledge = get_pledge_for_user(request.user, pk)
    _require(can_update_pledge(request.user, pledge))
    form = PledgeStatusForm(request.POST)
    if form.is_valid():
        try:
            services.pledge_status_set(actor=request.user, pledge=pledge, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Impegno aggiornato."))
    return redirect("tavolo:need_detail", pk=pledge.need_id)
