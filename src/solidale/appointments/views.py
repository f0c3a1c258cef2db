"""Appointment pages: booking, the day views per desk and per operator, moving and cancelling,
the schedules of the offices and the operator's iCal feed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.accounts.models import User
from solidale.core.errors import ConflictError, DomainError, RateLimitedError
from solidale.core.ratelimit import client_key, rate_limit_hit
from solidale.people.permissions import get_person_for_user
from solidale.people.selectors import person_search
from solidale.people.services import person_view

from . import services
from .forms import (
    BookForm,
    CancelForm,
    ClosureForm,
    DayForm,
    GenerateForm,
    MarkForm,
    MoveForm,
    OpeningHoursForm,
    ScheduleForm,
)
from .ical import calendar_render
from .models import CalendarFeed, OfficeClosure, OpeningHours, OperatorSchedule, Status
from .permissions import (
    appointments_visible_to,
    can_manage_schedules,
    can_use_appointments,
    get_appointment_for_user,
    get_managed_office_for_user,
    get_office_for_user,
    get_opening_hours_for_user,
    get_operator_for_user,
    get_schedule_for_user,
    get_slot_for_user,
    offices_visible_to,
    operators_visible_to,
)
from .selectors import (
    appointment_list_upcoming,
    appointments_for_feed,
    day_for_office,
    day_for_operator,
    free_slots,
)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def require_appointments(request: HttpRequest) -> None:
    """Roles that never book get the same 404 as an out-of-scope object."""
    if not can_use_appointments(request.user):
        raise Http404


def _day(request: HttpRequest) -> date:
    form = DayForm(request.GET)
    if form.is_valid() and form.cleaned_data["day"]:
        return form.cleaned_data["day"]
    return timezone.localdate()


def _day_url(name: str, pk: int, day: date) -> str:
    return f"{reverse(name, args=[pk])}?day={day.isoformat()}"


@login_required
@require_GET
def appointment_index(request: HttpRequest) -> HttpResponse:
    require_appointments(request)
    offices = list(offices_visible_to(request.user))
    context = {
        "offices": offices,
        "today": timezone.localdate(),
        "upcoming": appointment_list_upcoming(appointments=appointments_visible_to(request.user)),
        "can_manage": can_manage_schedules(request.user),
    }
    return render(request, "appointments/appointment_index.html", context)


def _day_context(
    request: HttpRequest, day: date, rows: list[Any], url_name: str, pk: int
) -> dict[str, Any]:
    return {
        "day": day,
        "rows": rows,
        "booked": sum(
            1 for row in rows if row.appointment and row.appointment.status == Status.BOOKED
        ),
        "free": sum(1 for row in rows if row.appointment is None),
        "previous_url": _day_url(url_name, pk, day - timedelta(days=1)),
        "next_url": _day_url(url_name, pk, day + timedelta(days=1)),
        "today_url": _day_url(url_name, pk, timezone.localdate()),
        "now": timezone.now(),
    }


@login_required
@require_GET
def day_office(request: HttpRequest, pk: int) -> HttpResponse:
    require_appointments(request)
    office = get_office_for_user(request.user, pk)
    day = _day(request)
    rows = day_for_office(user=request.user, office=office, day=day)
    context = _day_context(request, day, rows, "appointments:day_office", office.pk)
    context.update(office=office, show_operator=True, show_office=False, title=office.name)
    template = "appointments/day.html#day" if is_htmx(request) else "appointments/day.html"
    return render(request, template, context)


@login_required
@require_GET
def day_operator(request: HttpRequest, pk: int) -> HttpResponse:
    require_appointments(request)
    operator = get_operator_for_user(request.user, pk)
    day = _day(request)
    rows = day_for_operator(
        user=request.user, operator=operator, offices=offices_visible_to(request.user), day=day
    )
    context = _day_context(request, day, rows, "appointments:day_operator", operator.pk)
    context.update(operator=operator, show_operator=False, show_office=True, title=str(operator))
    template = "appointments/day.html#day" if is_htmx(request) else "appointments/day.html"
    return render(request, template, context)


def _person_results(request: HttpRequest, query: str) -> tuple[list[Any], str]:
    try:
        rate_limit_hit(
            scope="search", key=client_key(request), rate=settings.SOLIDALE_RATE_LIMIT_SEARCH
        )
    except RateLimitedError as error:
        return [], error.message
    return person_search(user=request.user, query=query, limit=10), ""


@login_required
@require_http_methods(["GET", "POST"])
def appointment_book_view(request: HttpRequest) -> HttpResponse:
    """Pick the person (typo-tolerant search), the office and day, then a free slot."""
    require_appointments(request)
    user = request.user
    offices = list(offices_visible_to(user))
    source = request.POST if request.method == "POST" else request.GET
    person = None
    if source.get("person", "").isdigit():
        person = get_person_for_user(user, source["person"])
    office = None
    if source.get("office", "").isdigit():
        office = get_office_for_user(user, source["office"])
    elif len(offices) == 1:
        office = offices[0]
    day_form = DayForm(source)
    day = (
        day_form.cleaned_data["day"]
        if day_form.is_valid() and day_form.cleaned_data["day"]
        else timezone.localdate()
    )
    query = request.GET.get("q", "").strip()[:100]
    status = 200
    form = BookForm(
        request.POST or None,
        initial={"person": person.pk if person else None, "slot": request.GET.get("slot")},
    )
    if request.method == "POST" and form.is_valid():
        slot = get_slot_for_user(user, form.cleaned_data["slot"])
        try:
            services.appointment_book(
                slot=slot,
                actor=user,
                person=person,
                contact_name=form.cleaned_data["contact_name"],
                contact_phone=form.cleaned_data["contact_phone"],
                contact_email=form.cleaned_data["contact_email"],
                need=form.cleaned_data["need"],
                notes=form.cleaned_data["notes"],
                reminder_channel=form.cleaned_data["reminder_channel"],
            )
        except DomainError as error:
            form.add_service_error(error)
            status = 409 if isinstance(error, ConflictError) else 400
        else:
            messages.success(
                request,
                _("Appuntamento prenotato: %(when)s con %(operator)s.")
                % {"when": slot, "operator": slot.operator},
            )
            return redirect(
                _day_url(
                    "appointments:day_office", slot.office_id, timezone.localtime(slot.start).date()
                )
            )
    elif request.method == "POST":
        status = 400
    persons, rate_message = _person_results(request, query) if query else ([], "")
    context = {
        "form": form,
        "person": person,
        "offices": offices,
        "office": office,
        "day": day,
        "day_form": day_form,
        "query": query,
        "persons": persons,
        "rate_message": rate_message,
        "slots": free_slots(office=office, day=day) if office else [],
        "chosen_slot": str(form["slot"].value() or ""),
    }
    template = "appointments/appointment_book.html"
    if is_htmx(request) and request.method == "GET":
        partial = "persons" if "q" in request.GET else "slots"
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)


def _appointment_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    appointment = get_appointment_for_user(request.user, pk)
    person_visible = False
    if appointment.person_id is not None:
        try:
            person = get_person_for_user(request.user, appointment.person_id)
        except Http404:
            person_visible = False
        else:
            person_visible = True
            person_view(actor=request.user, person=person, purpose="appuntamento")
    return {
        "appointment": appointment,
        "person_visible": person_visible,
        "can_mark": appointment.status == Status.BOOKED
        and appointment.slot.start <= timezone.now(),
    }


@login_required
@require_GET
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_appointments(request)
    context = _appointment_context(request, pk)
    context.update(cancel_form=CancelForm(), mark_form=MarkForm())
    return render(request, "appointments/appointment_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_appointments(request)
    appointment = get_appointment_for_user(request.user, pk)
    form = MoveForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        slot = get_slot_for_user(request.user, form.cleaned_data["slot"])
        try:
            moved = services.appointment_move(
                appointment=appointment, slot=slot, actor=request.user
            )
        except DomainError as error:
            form.add_service_error(error)
            status = 409 if isinstance(error, ConflictError) else 400
        else:
            messages.success(request, _("Appuntamento spostato a %(when)s.") % {"when": slot})
            return redirect("appointments:detail", pk=moved.pk)
    elif request.method == "POST":
        status = 400
    day = _day(request)
    office = appointment.slot.office
    context = {
        "appointment": appointment,
        "form": form,
        "day": day,
        "slots": free_slots(office=office, day=day),
        "previous_url": f"{reverse('appointments:move', args=[pk])}?day={(day - timedelta(days=1)).isoformat()}",
        "next_url": f"{reverse('appointments:move', args=[pk])}?day={(day + timedelta(days=1)).isoformat()}",
    }
    return render(request, "appointments/appointment_move.html", context, status=status)


@login_required
@require_POST
def appointment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_appointments(request)
    appointment = get_appointment_for_user(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_cancel(
                appointment=appointment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Appuntamento annullato."))
            return redirect("appointments:detail", pk=appointment.pk)
    context = _appointment_context(request, pk)
    context.update(cancel_form=form, mark_form=MarkForm())
    return render(request, "appointments/appointment_detail.html", context, status=400)


@login_required
@require_POST
def appointment_mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_appointments(request)
    appointment = get_appointment_for_user(request.user, pk)
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_mark(
                appointment=appointment, status=form.cleaned_data["status"], actor=request.user
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Esito registrato."))
            return redirect("appointments:detail", pk=appointment.pk)
    context = _appointment_context(request, pk)
    context.update(cancel_form=CancelForm(), mark_form=form)
    return render(request, "appointments/appointment_detail.html", context, status=400)


# --- Schedules (coordinators and organization administrators) -------------------------------


def _schedule_page(
    request: HttpRequest, office: Any, status: int = 200, **forms: Any
) -> HttpResponse:
    today = timezone.localdate()
    operators = operators_visible_to(request.user)
    context = {
        "office": office,
        "hours": OpeningHours.objects.filter(office=office),
        "closures": OfficeClosure.objects.filter(office=office, date__gte=today),
        "schedules": OperatorSchedule.objects.filter(office=office).select_related("operator"),
        "hours_form": forms.get("hours_form") or OpeningHoursForm(),
        "closure_form": forms.get("closure_form") or ClosureForm(),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(operators=operators),
        "generate_form": forms.get("generate_form")
        or GenerateForm(
            initial={
                "start_date": today,
                "end_date": today + timedelta(weeks=settings.SOLIDALE_APPOINTMENTS_SLOT_WEEKS),
            }
        ),
    }
    return render(request, "appointments/schedule.html", context, status=status)


@login_required
@require_GET
def schedule_manage(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_managed_office_for_user(request.user, pk)
    return _schedule_page(request, office)


def _back_to_schedule(office_pk: int) -> HttpResponse:
    return redirect("appointments:schedule", pk=office_pk)


@login_required
@require_POST
def opening_hours_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_managed_office_for_user(request.user, pk)
    form = OpeningHoursForm(request.POST)
    if form.is_valid():
        try:
            services.opening_hours_add(office=office, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Orario di apertura aggiunto."))
            return _back_to_schedule(office.pk)
    return _schedule_page(request, office, status=400, hours_form=form)


@login_required
@require_POST
def opening_hours_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    hours = get_opening_hours_for_user(request.user, pk)
    services.opening_hours_remove(hours=hours, actor=request.user)
    messages.success(request, _("Orario di apertura tolto."))
    return _back_to_schedule(hours.office_id)


@login_required
@require_POST
def closure_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_managed_office_for_user(request.user, pk)
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            services.office_closure_add(
                office=office,
                day=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Chiusura registrata."))
            return _back_to_schedule(office.pk)
    return _schedule_page(request, office, status=400, closure_form=form)


@login_required
@require_POST
def schedule_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_managed_office_for_user(request.user, pk)
    form = ScheduleForm(request.POST, operators=operators_visible_to(request.user))
    if form.is_valid():
        try:
            services.operator_schedule_add(office=office, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Disponibilità aggiunta: ora genera gli orari prenotabili.")
            )
            return _back_to_schedule(office.pk)
    return _schedule_page(request, office, status=400, schedule_form=form)


@login_required
@require_POST
def schedule_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_schedule_for_user(request.user, pk)
    removed = services.operator_schedule_remove(schedule=schedule, actor=request.user)
    messages.success(
        request, _("Disponibilità tolta; orari liberi eliminati: %(n)s.") % {"n": removed}
    )
    return _back_to_schedule(schedule.office_id)


@login_required
@require_POST
def slots_generate_view(request: HttpRequest, pk: int) -> HttpResponse:
    office = get_managed_office_for_user(request.user, pk)
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            created = services.slots_generate(
                office=office, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Orari prenotabili creati: %(n)s.") % {"n": created})
            return _back_to_schedule(office.pk)
    return _schedule_page(request, office, status=400, generate_form=form)


# --- The operator's iCal feed --------------------------------------------------------------------


def _calendar_page(request: HttpRequest, token: str = "") -> HttpResponse:
    feed_url = (
        request.build_absolute_uri(reverse("appointments:ical", args=[token])) if token else ""
    )
    context = {
        "feed": CalendarFeed.objects.filter(operator_id=request.user.pk).first(),
        "feed_url": feed_url,
        "include_names": settings.SOLIDALE_ICAL_INCLUDE_NAMES,
    }
    return render(request, "appointments/calendar.html", context)


@login_required
@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    require_appointments(request)
    return _calendar_page(request)


@login_required
@require_POST
def calendar_feed_regenerate_view(request: HttpRequest) -> HttpResponse:
    require_appointments(request)
    token = services.calendar_feed_regenerate(operator=request.user, actor=request.user)  # type: ignore[arg-type]
    return _calendar_page(request, token)


@login_required
@require_POST
def calendar_feed_revoke_view(request: HttpRequest) -> HttpResponse:
    require_appointments(request)
    services.calendar_feed_revoke(operator=request.user, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Il calendario non è più raggiungibile dal vecchio indirizzo."))
    return redirect("appointments:calendar")


@require_GET
def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public, but only with the operator's secret token (stored as a SHA-256 digest)."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("operator"),
        digest=CalendarFeed.digest_of(token),
        operator__is_active=True,
    )
    operator: User = feed.operator
    body = calendar_render(
        name=_("Appuntamenti di %(name)s") % {"name": operator.full_name},
        appointments=appointments_for_feed(operator),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="appuntamenti.ics"'
    return response
