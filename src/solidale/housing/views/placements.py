"""Temporary units, placements and the monthly occupancy view."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import services
from ..forms import ExtendForm, PlacementCloseForm, PlacementForm, UnitForm
from ..models import Placement
from ..permissions import get_placement_for_user, housing_cases_visible_to, units_visible_to
from ..selectors import occupancy_month
from ..selectors import unit_list as units_with_current
from ._common import require_comune, run_service


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    today = timezone.localdate()
    return render(
        request,
        "housing/unit_list.html",
        {
            "units": units_with_current(user=request.user),
            "placements": Placement.objects.filter(
                unit__in=units_visible_to(request.user), closed_on__isnull=True
            )
            .select_related("unit", "household")
            .order_by("ends_on"),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    form = UnitForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: services.unit_create(actor=request.user, **form.cleaned_data))
    ):
        messages.success(request, _("Unità registrata."))
        return redirect("housing:unit_list")
    return render(
        request, "housing/form.html", {"form": form, "title": _("Nuova unità temporanea")}
    )


@login_required
@require_GET
def occupancy(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    days, rows = occupancy_month(user=request.user, year=year, month=month)
    previous = date(year - (month == 1), 12 if month == 1 else month - 1, 1)
    following = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return render(
        request,
        "housing/occupancy.html",
        {
            "days": days,
            "rows": rows,
            "month": date(year, month, 1),
            "previous": previous,
            "following": following,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def placement_create(request: HttpRequest) -> HttpResponse:
    require_comune(request)
    units = units_visible_to(request.user).filter(active=True)
    initial: dict[str, Any] = {}
    case = None
    if request.GET.get("case", "").isdigit():
        case = housing_cases_visible_to(request.user).filter(pk=request.GET["case"]).first()
        if case is not None:
            initial["household"] = case.household_id
    form = PlacementForm(request.POST or None, units=units, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if case is None or case.household_id != data["household"].pk:
            case = (
                housing_cases_visible_to(request.user)
                .open()
                .filter(household=data["household"])
                .first()
            )
        placement = run_service(
            form,
            lambda: services.placement_create(actor=request.user, housing_case=case, **data),
        )
        if placement is not None:
            messages.success(request, _("Inserimento registrato."))
            return redirect("housing:placement_detail", pk=placement.pk)
    status = 400 if form.errors else 200
    return render(
        request, "housing/form.html", {"form": form, "title": _("Nuovo inserimento")}, status=status
    )


def _context(placement: Placement, **forms: Any) -> dict[str, Any]:
    return {
        "placement": placement,
        "nights": placement.nights.count(),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "close_form": forms.get("close_form") or PlacementCloseForm(),
    }


@login_required
@require_GET
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    placement = get_placement_for_user(request.user, pk)
    return render(request, "housing/placement_detail.html", _context(placement))


@login_required
@require_POST
def placement_extend(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    placement = get_placement_for_user(request.user, pk)
    form = ExtendForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.placement_extend(
            actor=request.user, placement=placement, **form.cleaned_data
        ),
    ):
        messages.success(request, _("Inserimento prorogato."))
        return redirect("housing:placement_detail", pk=placement.pk)
    return render(
        request, "housing/placement_detail.html", _context(placement, extend_form=form), status=400
    )


@login_required
@require_POST
def placement_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_comune(request)
    placement = get_placement_for_user(request.user, pk)
    form = PlacementCloseForm(request.POST)
    if form.is_valid() and run_service(
        form,
        lambda: services.placement_close(
            actor=request.user, placement=placement, **form.cleaned_data
        ),
    ):
        messages.success(request, _("Inserimento chiuso: l'unità è libera."))
        return redirect("housing:placement_detail", pk=placement.pk)
    return render(
        request, "housing/placement_detail.html", _context(placement, close_form=form), status=400
    )
