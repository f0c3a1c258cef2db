"""Home meal rounds: recipients and schedules, the day's planned routes, stop outcomes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.errors import DomainError
from solidale.people.models import Person

from .. import rounds
from ..forms import MealRecipientForm, RoundForm
from ..models import CardStatus, ProgramKind, Round, RoundStop, StopOutcome
from ..permissions import (
    can_use_counter,
    cards_managed_by,
    get_round_for_user,
    is_manager,
    meal_recipients_visible_to,
    points_of,
    rounds_visible_to,
)
from .common import require_manager


def _home_meal_cards(request: HttpRequest) -> Any:
    return (
        cards_managed_by(request.user)
        .filter(program__kind=ProgramKind.HOME_MEALS, status=CardStatus.ACTIVE)
        .select_related("holder")
    )


@login_required
@require_GET
def meal_recipient_list(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    return render(
        request,
        "food/meal_recipient_list.html",
        {
            "recipients": meal_recipients_visible_to(request.user).select_related(
                "person", "card", "social_worker"
            ),
            "form": MealRecipientForm(
                cards=_home_meal_cards(request), persons=Person.objects.visible_to(request.user)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meal_recipient_create(request: HttpRequest) -> HttpResponse:
    require_manager(request)
    form = MealRecipientForm(
        request.POST or None,
        cards=_home_meal_cards(request),
        persons=Person.objects.visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        card, person = data.pop("card"), data.pop("person")
        try:
            rounds.meal_recipient_add(
                actor=request.user,
                card=card,
                person=person,
                data={**data, "social_worker": request.user},
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Consegne programmate."))
            return redirect("food:meal_recipient_list")
    return render(
        request,
        "food/meal_recipient_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _kitchens(request: HttpRequest) -> Any:
    return (
        points_of(request.user)
        .filter(programs__kind=ProgramKind.HOME_MEALS, latitude__isnull=False)
        .distinct()
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_list(request: HttpRequest) -> HttpResponse:
    """The rounds, and the form that plans the day's round with OR-Tools."""
    require_manager(request)
    form = RoundForm(
        request.POST or None, kitchens=_kitchens(request), initial={"day": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            planned = rounds.round_plan(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Giro pianificato."))
            return redirect("food:round_detail", pk=planned.pk)
    return render(
        request,
        "food/round_list.html",
        {"rounds": rounds_visible_to(request.user).select_related("kitchen")[:60], "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _driver_round(request: HttpRequest, pk: int) -> Round:
    """Managers of the kitchen's organization, or its volunteers on duty at the kitchen."""
    if is_manager(request.user):
        return get_round_for_user(request.user, pk)
    kitchens = [p.pk for p in points_of(request.user) if can_use_counter(request.user, p)]
    return get_object_or_404(
        Round.objects.filter(kitchen_id__in=kitchens).select_related("kitchen"), pk=pk
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round sheet in stop order, with the map; drivers confirm each stop from here."""
    planned = _driver_round(request, pk)
    stops = list(planned.stops.select_related("recipient__person"))
    vehicles: dict[int, list[RoundStop]] = {}
    for stop in stops:
        vehicles.setdefault(stop.vehicle, []).append(stop)
    kitchen = planned.kitchen
    planned_ids = {stop.recipient_id for stop in stops}
    unplanned = [r for r in rounds.recipients_due(kitchen, planned.day) if r.pk not in planned_ids]
    map_data = {
        "kitchen": [kitchen.latitude, kitchen.longitude],
        "routes": [
            [[stop.recipient.latitude, stop.recipient.longitude, stop.sequence] for stop in route]
            for route in vehicles.values()
        ],
    }
    return render(
        request,
        "food/round_detail.html",
        {
            "round": planned,
            "vehicles": sorted(vehicles.items()),
            "map_data": map_data,
            "outcomes": [
                (StopOutcome.DELIVERED, StopOutcome.DELIVERED.label),
                (StopOutcome.NOT_HOME, StopOutcome.NOT_HOME.label),
                (StopOutcome.REFUSED, StopOutcome.REFUSED.label),
            ],
            "km": planned.distance_m / 1000,
            "unplanned": unplanned,
        },
    )


@login_required
@require_POST
def stop_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    stop = get_object_or_404(RoundStop.objects.select_related("round__kitchen"), pk=pk)
    planned = _driver_round(request, stop.round_id)
    try:
        rounds.stop_outcome_record(
            actor=request.user, stop=stop, outcome=request.POST.get("outcome", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Esito registrato."))
    return redirect("food:round_detail", pk=planned.pk)
