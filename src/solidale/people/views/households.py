"""Household pages: list, create, record with members, edits, member add and end."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.errors import DomainError

from ..forms import HouseholdForm, HouseholdMemberEndForm, HouseholdMemberForm, PersonSearchForm
from ..permissions import (
    get_household_for_user,
    get_person_for_user,
    households_visible_to,
    persons_visible_to,
)
from ..selectors import person_search
from ..services import (
    household_create,
    household_member_add,
    household_member_end,
    household_update,
)
from .persons import PAGE_SIZE, is_htmx, page_number, require_registry


@login_required
@require_GET
def household_list(request: HttpRequest) -> HttpResponse:
    require_registry(request)
    page = page_number(request)
    households = list(
        households_visible_to(request.user)
        .select_related("neighbourhood")
        .annotate(current_members=Count("members", filter=Q(members__end_date__isnull=True)))
        .order_by("name", "id")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1]
    )
    context = {
        "households": households[:PAGE_SIZE],
        "page": page,
        "has_next": len(households) > PAGE_SIZE,
    }
    return render(request, "people/household_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_create_view(request: HttpRequest) -> HttpResponse:
    require_registry(request)
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = household_create(actor=request.user, data=form.household_data())
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Nucleo familiare registrato: ora aggiungi i componenti."))
            return redirect("people:household_detail", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def household_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    initial = {
        "name": household.name,
        "address": household.address,
        "neighbourhood": household.neighbourhood,
    }
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            household_update(actor=request.user, household=household, data=form.household_data())
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Nucleo familiare aggiornato."))
            return redirect("people:household_detail", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form, "household": household})


def _detail_context(
    request: HttpRequest, household: Any, add_form: HouseholdMemberForm | None = None
) -> dict[str, Any]:
    members = list(
        household.members.select_related("person").order_by("end_date", "start_date", "pk")
    )
    visible = set(
        persons_visible_to(request.user)
        .filter(pk__in=[member.person_id for member in members])
        .values_list("pk", flat=True)
    )
    search_form = PersonSearchForm(request.GET)
    query = search_form.cleaned_data["q"].strip() if search_form.is_valid() else ""
    return {
        "household": household,
        "members": members,
        "visible": visible,
        "search_form": search_form,
        "query": query,
        "results": person_search(user=request.user, query=query, limit=10) if query else [],
        "add_form": add_form or HouseholdMemberForm(),
        "end_form": HouseholdMemberEndForm(),
    }


@login_required
@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    context = _detail_context(request, household)
    template = (
        "people/household_detail.html#results"
        if is_htmx(request)
        else "people/household_detail.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def household_member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    form = HouseholdMemberForm(request.POST)
    if form.is_valid():
        person = get_person_for_user(request.user, form.cleaned_data["person"])
        try:
            household_member_add(
                actor=request.user,
                household=household,
                person=person,
                relationship=form.cleaned_data["relationship"],
                start_date=form.cleaned_data["start_date"],
            )
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Componente aggiunto al nucleo."))
            return redirect("people:household_detail", pk=household.pk)
    for messages_of_field in form.errors.values():
        for message in messages_of_field:
            messages.error(request, str(message))
    return redirect("people:household_detail", pk=household.pk)


@login_required
@require_POST
def household_member_end_view(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    member = get_object_or_404(
        household.members.filter(person__in=persons_visible_to(request.user).values("pk")),
        pk=member_pk,
    )
    form = HouseholdMemberEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indica la data di uscita dal nucleo."))
        return redirect("people:household_detail", pk=household.pk)
    try:
        household_member_end(
            actor=request.user, member=member, end_date=form.cleaned_data["end_date"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Uscita dal nucleo registrata."))
    return redirect("people:household_detail", pk=household.pk)
