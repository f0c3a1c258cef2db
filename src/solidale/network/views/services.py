"""The organization's own services: list, publish, edit (places, hours, capacity),
confirm, and the phone-sized page that updates live capacity."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.accounts.models import Membership, User
from solidale.core.errors import DomainError
from solidale.people.views.persons import is_htmx

from ..forms import (
    CapacityForm,
    CapacityUpdateForm,
    LocationForm,
    ScheduleForm,
    ServiceForm,
    ServiceLocationForm,
)
from ..models import Capacity, Schedule, Service, ServiceAtLocation
from ..permissions import (
    get_capacity_for_update,
    get_schedule_for_edit,
    get_service_for_edit,
    require_staff,
    services_of_my_organization,
    user_may_edit_services,
)
from ..services import (
    SERVICE_DATA_FIELDS,
    capacity_adjust,
    capacity_create,
    capacity_set,
    location_create,
    schedule_add,
    schedule_remove,
    service_confirm,
    service_create,
    service_location_add,
    service_update,
)


@login_required
@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    stale_before = timezone.now() - timedelta(days=settings.SOLIDALE_NETWORK_STALE_DAYS)
    services = list(
        services_of_my_organization(request.user)
        .prefetch_related(Prefetch("capacities", queryset=Capacity.objects.order_by("kind")))
        .order_by("name", "pk")
    )
    context = {
        "services": services,
        "stale_before": stale_before,
        "may_edit": user_may_edit_services(request.user),
    }
    return render(request, "network/service_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def service_create_view(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    if not user_may_edit_services(request.user):
        raise Http404
    organization = cast(Membership, cast(User, request.user).membership).organization
    form = ServiceForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            service = service_create(
                organization=organization,
                data=form.service_data(),
                need_categories=form.cleaned_data["need_categories"],
                actor=request.user,
            )
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Servizio pubblicato: ora indica dove e quando."))
            return redirect("network:service_update", pk=service.pk)
    return render(request, "network/service_form.html", {"form": form})


def _edit_page(request: HttpRequest, service: Service, **forms: Any) -> HttpResponse:
    organization = service.organization
    context = {
        "service": service,
        "form": forms.get("form")
        or ServiceForm(
            organization=organization,
            initial={
                **{name: getattr(service, name) for name in SERVICE_DATA_FIELDS},
                "need_categories": list(service.need_categories.all()),
            },
        ),
        "location_form": forms.get("location_form") or LocationForm(),
        "link_form": forms.get("link_form") or ServiceLocationForm(organization=organization),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(),
        "capacity_form": forms.get("capacity_form") or CapacityForm(),
        "links": ServiceAtLocation.objects.filter(service=service).select_related(
            "location__neighbourhood"
        ),
        "schedules": Schedule.objects.filter(service=service).order_by("opens_at", "pk"),
        "capacities": Capacity.objects.filter(service=service).order_by("kind"),
    }
    status = 200 if not any(form.errors for form in forms.values()) else 400
    return render(request, "network/service_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def service_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service_for_edit(request.user, pk)
    if request.method == "GET":
        return _edit_page(request, service)
    form = ServiceForm(request.POST, organization=service.organization)
    if form.is_valid():
        try:
            service_update(
                service=service,
                data=form.service_data(),
                need_categories=form.cleaned_data["need_categories"],
                actor=request.user,
            )
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Servizio aggiornato e confermato."))
            return redirect("network:service_update", pk=service.pk)
    return _edit_page(request, service, form=form)


@login_required
@require_POST
def service_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service_for_edit(request.user, pk)
    service_confirm(service=service, actor=request.user)
    messages.success(request, _("Confermato: «%(name)s» è ancora valido.") % {"name": service.name})
    return redirect("network:service_list")


@login_required
@require_POST
def location_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A new place of the organization, where this service is delivered."""
    service = get_service_for_edit(request.user, pk)
    form = LocationForm(request.POST)
    if form.is_valid():
        try:
            location = location_create(
                organization=service.organization, data=form.location_data(), actor=request.user
            )
            service_location_add(service=service, location=location, actor=request.user)
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Luogo aggiunto."))
            return redirect("network:service_update", pk=service.pk)
    return _edit_page(request, service, location_form=form)


@login_required
@require_POST
def service_location_link(request: HttpRequest, pk: int) -> HttpResponse:
    """This service is also delivered at an existing place of the organization."""
    service = get_service_for_edit(request.user, pk)
    form = ServiceLocationForm(request.POST, organization=service.organization)
    if form.is_valid():
        try:
            service_location_add(
                service=service, location=form.cleaned_data["location"], actor=request.user
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Luogo aggiunto."))
            return redirect("network:service_update", pk=service.pk)
    return _edit_page(request, service, link_form=form)


@login_required
@require_POST
def schedule_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service_for_edit(request.user, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            schedule_add(service=service, actor=request.user, **form.schedule_data())
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Orario aggiunto."))
            return redirect("network:service_update", pk=service.pk)
    return _edit_page(request, service, schedule_form=form)


@login_required
@require_POST
def schedule_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_schedule_for_edit(request.user, pk)
    service_pk = schedule.service_id
    schedule_remove(schedule=schedule, actor=request.user)
    messages.success(request, _("Orario tolto."))
    return redirect("network:service_update", pk=service_pk)


@login_required
@require_POST
def capacity_add(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_service_for_edit(request.user, pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            capacity_create(service=service, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Disponibilità pubblicata."))
            return redirect("network:service_update", pk=service.pk)
    return _edit_page(request, service, capacity_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def capacity_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A tiny page for a phone: big minus and plus buttons, or the counted number."""
    capacity = get_capacity_for_update(request.user, pk)
    form = CapacityUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        delta, available = form.cleaned_data["delta"], form.cleaned_data["available"]
        try:
            if delta is not None:
                capacity = capacity_adjust(capacity=capacity, delta=delta, actor=request.user)
            else:
                capacity = capacity_set(capacity=capacity, available=available, actor=request.user)
        except DomainError as error:
            form.add_service_error(error)
        else:
            if not is_htmx(request):
                messages.success(request, _("Disponibilità aggiornata."))
                return redirect("network:capacity_update", pk=capacity.pk)
            form = CapacityUpdateForm()
    context = {"capacity": capacity, "service": capacity.service, "form": form}
    template = (
        "network/capacity_update.html#capacity"
        if is_htmx(request)
        else "network/capacity_update.html"
    )
    status = 400 if form.errors and not is_htmx(request) else 200
    return render(request, template, context, status=status)
