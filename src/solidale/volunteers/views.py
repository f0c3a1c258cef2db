"""Pages of the volunteers app: my shift (phone first), shifts, registry, hours."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.accounts.models import Role
from solidale.core.audit import Action as AuditAction
from solidale.core.audit import audit_record
from solidale.core.errors import DomainError

from . import services
from .forms import HoursForm, ShiftForm, SwapForm, VolunteerForm
from .models import Shift, ShiftStatus, Signup, SignupStatus
from .permissions import (
    get_shift_for_user,
    get_signup_for_user,
    get_swap_for_recipient,
    get_volunteer_for_user,
    is_manager,
    is_own_signup,
    organization_id_of,
    takes_part,
    volunteer_of,
)
from .reports import certificate_pdf, hours_csv, hours_xlsx
from .selectors import (
    activity_get,
    confirmed_signups,
    hours_by_volunteer,
    my_signups,
    pending_hours,
    shift_list,
    shift_signups,
    signup_of,
    signups_to_log,
    swap_candidates,
    swap_offers_for,
    volunteer_list,
    work_url,
)


def _require(allowed: bool) -> None:
    """Users outside the organization's volunteering get the same 404 as an unknown object."""
    if not allowed:
        raise Http404


def export_url(source: str, **params: Any) -> str:
    """The insights export of a registered source with this page's filters ("" without it)."""
    try:
        path = reverse("insights:export_create")
    except NoReverseMatch:
        return ""
    return f"{path}?{urlencode({'source': source, **params})}"


def activity_label(shift: Shift) -> str:
    activity = activity_get(shift.activity)
    return str(activity.label) if activity else shift.activity


def _decorate(signups: list[Signup]) -> list[Signup]:
    for signup in signups:
        signup.work_url = work_url(signup.shift)  # type: ignore[attr-defined]
    return signups


# --- My shift (the volunteer's phone page) ---------------------------------------------------


@login_required
@require_GET
def my_shift(request: HttpRequest) -> HttpResponse:
    record = volunteer_of(request.user)
    if record is None:
        _require(getattr(request.user, "role", None) == Role.VOLUNTEER)
        return render(request, "volunteers/my_shift.html", {"volunteer": None})
    current, upcoming = my_signups(request.user)
    return render(
        request,
        "volunteers/my_shift.html",
        {
            "volunteer": record,
            "current": _decorate(current),
            "upcoming": _decorate(upcoming[:5]),
            "offers": list(swap_offers_for(request.user)),
            "to_log": signups_to_log(request.user),
        },
    )


# --- Shifts ----------------------------------------------------------------------------------


@login_required
@require_GET
def shift_list_view(request: HttpRequest) -> HttpResponse:
    _require(takes_part(request.user))
    only_open = request.GET.get("open") == "1"
    manager = is_manager(request.user)
    return render(
        request,
        "volunteers/shift_list.html",
        {
            "shifts": shift_list(user=request.user, only_open=only_open),
            "past": shift_list(user=request.user, upcoming=False)[:30] if manager else [],
            "only_open": only_open,
            "is_manager": manager,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_create(request: HttpRequest) -> HttpResponse:
    _require(is_manager(request.user))
    organization = request.user.membership.organization  # type: ignore[union-attr]
    activity = (request.POST or request.GET).get("activity", "")
    form = ShiftForm(
        request.POST or None,
        organization_id=organization.pk,
        activity=activity,
        initial={**request.GET.dict(), "target": ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            shift = services.shift_create(
                actor=request.user, organization=organization, data=form.cleaned_data
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Turno aperto: i volontari possono iscriversi."))
            return redirect("volunteers:shift_detail", pk=shift.pk)
    template = "volunteers/shift_form.html"
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        template += "#form"
    return render(request, template, {"form": form})


def _shift_page(
    request: HttpRequest,
    shift: Shift,
    *,
    hours_form: HoursForm | None = None,
    swap_form: SwapForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mine = signup_of(request.user, shift)
    manager = is_manager(request.user)
    now = timezone.now()
    candidates = swap_candidates(mine) if mine else []
    return render(
        request,
        "volunteers/shift_detail.html",
        {
            "shift": shift,
            "activity_label": activity_label(shift),
            "work_url": work_url(shift),
            "mine": mine,
            "is_manager": manager,
            "signups": shift_signups(shift) if manager else [],
            "started": shift.starts_at <= now,
            "cancelled": shift.status == ShiftStatus.CANCELLED,
            "can_sign_up": mine is None
            and volunteer_of(request.user) is not None
            and shift.free_places > 0
            and shift.status == ShiftStatus.OPEN
            and shift.starts_at > now,
            "hours_form": hours_form
            or HoursForm(initial={"hours": str(shift.hours).replace(".", ",")}),
            "swap_form": swap_form or (SwapForm(candidates=candidates) if candidates else None),
            "pending_offer": mine.swap_offers.filter(status="pending").first() if mine else None,
        },
        status=status,
    )


@login_required
@require_GET
def shift_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _shift_page(request, get_shift_for_user(request.user, pk))


def _done(request: HttpRequest, shift: Shift, error: DomainError | None, success: str) -> Any:
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("volunteers:shift_detail", pk=shift.pk)


@login_required
@require_POST
def shift_signup(request: HttpRequest, pk: int) -> HttpResponse:
    shift = get_shift_for_user(request.user, pk)
    _require(volunteer_of(request.user) is not None)
    try:
        services.shift_signup(actor=request.user, shift=shift)
    except DomainError as error:
        return _done(request, shift, error, "")
    return _done(request, shift, None, _("Sei iscritto al turno. Grazie!"))


@login_required
@require_POST
def shift_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_manager(request.user))
    shift = get_shift_for_user(request.user, pk)
    try:
        services.shift_cancel(
            actor=request.user, shift=shift, reason=request.POST.get("reason", "")[:200]
        )
    except DomainError as error:
        return _done(request, shift, error, "")
    return _done(request, shift, None, _("Turno annullato: gli iscritti sono stati avvisati."))


@login_required
@require_POST
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_signup_for_user(request.user, pk)
    try:
        services.signup_cancel(actor=request.user, signup=signup)
    except DomainError as error:
        return _done(request, signup.shift, error, "")
    return _done(request, signup.shift, None, _("Iscrizione ritirata: il posto torna libero."))


@login_required
@require_POST
def swap_offer(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_signup_for_user(request.user, pk)
    _require(is_own_signup(request.user, signup))
    form = SwapForm(request.POST, candidates=swap_candidates(signup))
    if form.is_valid():
        try:
            services.swap_offer(
                actor=request.user, signup=signup, to_volunteer=form.cleaned_data["to_volunteer"]
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            return _done(
                request,
                signup.shift,
                None,
                _("Offerta inviata: il turno resta tuo finché non accetta."),
            )
    return _shift_page(request, signup.shift, swap_form=form, status=400)


@login_required
@require_POST
def swap_accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_swap_for_recipient(request.user, pk)
    try:
        services.swap_accept(actor=request.user, offer=offer)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("volunteers:my_shift")
    return _done(request, offer.signup.shift, None, _("Hai preso il turno."))


@login_required
@require_POST
def swap_decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = get_swap_for_recipient(request.user, pk)
    try:
        services.swap_decline(actor=request.user, offer=offer)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Offerta rifiutata."))
    return redirect("volunteers:my_shift")


@login_required
@require_POST
def hours_log(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_signup_for_user(request.user, pk)
    form = HoursForm(request.POST)
    if form.is_valid():
        try:
            services.hours_log(
                actor=request.user,
                signup=signup,
                hours=form.cleaned_data["hours"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            return _done(request, signup.shift, None, _("Ore registrate."))
    return _shift_page(request, signup.shift, hours_form=form, status=400)


@login_required
@require_POST
def hours_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_manager(request.user))
    signup = get_signup_for_user(request.user, pk)
    try:
        services.hours_confirm(
            actor=request.user,
            signup=signup,
            confirm=request.POST.get("decision") != "reject",
            note=request.POST.get("note", "")[:200],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Decisione registrata."))
    if request.POST.get("next") == "pending":
        return redirect("volunteers:hours_pending")
    return redirect("volunteers:shift_detail", pk=signup.shift_id)


@login_required
@require_GET
def hours_pending(request: HttpRequest) -> HttpResponse:
    _require(is_manager(request.user))
    return render(
        request, "volunteers/hours_pending.html", {"signups": pending_hours(request.user)}
    )


# --- Hours report and certificate ------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    current = timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= current + 1 else current


@login_required
@require_GET
def hours_report(request: HttpRequest) -> HttpResponse:
    _require(takes_part(request.user))
    year = _year(request)
    rows = hours_by_volunteer(user=request.user, year=year)
    record = volunteer_of(request.user)
    current = timezone.localdate().year
    return render(
        request,
        "volunteers/hours_report.html",
        {
            "year": year,
            "years": list(range(current, current - 5, -1)),
            "rows": rows,
            "total": sum(row.confirmed for row in rows),
            "pending_total": sum(row.pending for row in rows),
            "own": confirmed_signups(record, year)
            if record and not is_manager(request.user)
            else [],
            "is_manager": is_manager(request.user),
        },
    )


@login_required
@require_GET
def hours_download(request: HttpRequest, fmt: str) -> HttpResponse:
    _require(is_manager(request.user) and fmt in ("csv", "xlsx"))
    year = _year(request)
    rows = hours_by_volunteer(user=request.user, year=year)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="volunteers.hours",
        object_id=str(year),
        changes={"format": fmt, "rows": len(rows)},
        purpose=_("Rendicontazione annuale delle ore di volontariato"),
    )
    if fmt == "csv":
        response = HttpResponse(hours_csv(rows, year), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            hours_xlsx(rows, year),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="ore-volontariato-{year}.{fmt}"'
    return response


@login_required
@require_GET
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    year = _year(request)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=volunteer,
        changes={"certificate": year},
        purpose=_("Attestato delle ore di volontariato"),
    )
    response = HttpResponse(certificate_pdf(volunteer, year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestato-ore-{year}.pdf"'
    return response


# --- Registry --------------------------------------------------------------------------------


@login_required
@require_GET
def volunteer_list_view(request: HttpRequest) -> HttpResponse:
    _require(is_manager(request.user))
    query = request.GET.get("q", "").strip()[:100]
    inactive = request.GET.get("inactive") == "1"
    template = "volunteers/volunteer_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(
        request,
        template,
        {
            "volunteers": volunteer_list(user=request.user, query=query, active=not inactive),
            "q": query,
            "inactive": inactive,
            "today": timezone.localdate(),
            "export_url": export_url("volunteers.registry"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_create(request: HttpRequest) -> HttpResponse:
    _require(is_manager(request.user))
    organization = request.user.membership.organization  # type: ignore[union-attr]
    form = VolunteerForm(
        request.POST or None,
        organization_id=organization.pk,
        initial={"started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consent = data.pop("consent")
        try:
            volunteer = services.volunteer_register(
                actor=request.user, organization=organization, data=data, consent=consent
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Volontario iscritto nel registro."))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(request, "volunteers/volunteer_form.html", {"form": form})


@login_required
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = get_volunteer_for_user(request.user, pk)
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=volunteer)
    signups = list(
        volunteer.signups.filter(status=SignupStatus.ACTIVE)
        .select_related("shift")
        .order_by("-shift__starts_at")[:30]
    )
    return render(
        request,
        "volunteers/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "signups": signups,
            "today": timezone.localdate(),
            "year": timezone.localdate().year,
            "is_manager": is_manager(request.user)
            and organization_id_of(request.user) == volunteer.organization_id,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(is_manager(request.user))
    volunteer = get_volunteer_for_user(request.user, pk)
    form = VolunteerForm(
        request.POST or None, organization_id=volunteer.organization_id, volunteer=volunteer
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.volunteer_update(
                actor=request.user, volunteer=volunteer, data=form.cleaned_data
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Scheda aggiornata."))
            return redirect("volunteers:volunteer_detail", pk=volunteer.pk)
    return render(request, "volunteers/volunteer_form.html", {"form": form, "volunteer": volunteer})
