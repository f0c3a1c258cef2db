"""Street outreach from a phone: tonight's rounds, the encounter form, the map.

The encounter form carries a client-generated key: a resent form (a retry after a
dropped connection, a double tap, the offline queue flushing) returns the encounter
already saved instead of creating another.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.errors import DomainError

from . import rounds, services
from .forms import EncounterForm, RoundForm
from .models import Facility, OutreachGood
from .permissions import (
    can_do_outreach,
    get_round_for_user,
    is_comune_staff,
    organization_id_of,
    rounds_visible_to,
    sees_aggregates,
    sees_names,
)
from .selectors import encounters_map, hot_spots
from .views import export_link


def _require_outreach(request: HttpRequest) -> None:
    if not can_do_outreach(request.user):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def outreach(request: HttpRequest) -> HttpResponse:
    """Tonight's rounds of the user's organization, and starting a new one."""
    _require_outreach(request)
    night = services.night_of(timezone.now())
    form = RoundForm(request.POST or None, organization_id=organization_id_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            outing = rounds.round_start(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            return redirect("shelter:round_detail", pk=outing.pk)
    outings = rounds_visible_to(request.user).filter(night__gte=night - timedelta(days=1))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "shelter/outreach.html",
        {"form": form, "rounds": outings.select_related("organization"), "night": night},
        status=status,
    )


def _encounter_form(request: HttpRequest, data: Any = None) -> EncounterForm:
    return EncounterForm(
        data,
        user=request.user,
        goods=list(OutreachGood.objects.filter(is_active=True)),
        with_persons=sees_names(request.user) and is_comune_staff(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's encounters and the form to log one more."""
    _require_outreach(request)
    outing = get_round_for_user(request.user, pk)
    form = _encounter_form(request, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                encounter, created = rounds.encounter_record(
                    actor=request.user,
                    outing=outing,
                    key=data.pop("key"),
                    data=data,
                    goods=form.given(),
                )
            except DomainError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    _("Incontro registrato.")
                    if created
                    else _("Incontro già registrato: nessun doppione."),
                )
                response = redirect("shelter:round_detail", pk=outing.pk)
                response["Location"] += f"?saved={encounter.key}"
                return response
        if form.errors and not form.errors.get("__all__"):
            form.add_error(
                None, _("Controlla i campi segnalati: il modulo conserva quanto scritto.")
            )
    encounters = outing.encounters.select_related("person").prefetch_related("goods__good")
    return render(
        request,
        "shelter/round_detail.html",
        {
            "round": outing,
            "form": form,
            "encounters": encounters,
            "sees_names": sees_names(request.user),
            "saved": request.GET.get("saved", ""),
            "may_log": outing.ended_at is None,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def round_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_outreach(request)
    outing = get_round_for_user(request.user, pk)
    try:
        rounds.round_end(actor=request.user, outing=outing)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Uscita conclusa."))
    return redirect("shelter:outreach")


@login_required
@require_GET
def encounter_map(request: HttpRequest) -> HttpResponse:
    """Tonight's encounters (the user's scope) and the season's hot spots (aggregate)."""
    outreach_user = can_do_outreach(request.user)
    if not (outreach_user or sees_aggregates(request.user)):
        raise Http404
    night = services.night_of(timezone.now())
    season = services.season_for(night)
    since = season.starts_on if season else night - timedelta(days=90)
    spots = hot_spots(since=since, until=night)
    tonight = encounters_map(user=request.user, night=night) if outreach_user else []
    facilities = [
        {"lat": f.latitude, "lon": f.longitude, "title": f.name}
        for f in Facility.objects.filter(is_open=True, latitude__isnull=False)
    ]
    return render(
        request,
        "shelter/map.html",
        {
            "night": night,
            "tonight": tonight,
            "spots": spots,
            "map_data": {"tonight": tonight, "spots": spots, "facilities": facilities},
            "export_url": export_link("shelter.encounters", night) if outreach_user else "",
        },
    )
