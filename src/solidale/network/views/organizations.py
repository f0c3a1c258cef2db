"""Organization pages (staff): the list, the profile with agreements and services, edits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from solidale.core.errors import DomainError

from ..forms import AgreementForm, OrganizationProfileForm
from ..models import Agreement, OrganizationProfile, Service
from ..permissions import (
    can_edit_organization,
    get_organization_for_edit,
    get_organization_for_user,
    is_comune_coordinator,
    require_staff,
)
from ..selectors import organization_list as select_organizations
from ..services import agreement_create, organization_profile_update


@login_required
@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    query = request.GET.get("q", "")[:100]
    organizations = list(select_organizations(query))
    return render(
        request, "network/organization_list.html", {"organizations": organizations, "query": query}
    )


@login_required
@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user(request.user, pk)
    profile = (
        OrganizationProfile.objects.filter(organization=organization)
        .prefetch_related("areas", "neighbourhoods")
        .first()
    )
    context = {
        "organization": organization,
        "profile": profile,
        "agreements": Agreement.objects.filter(organization=organization).order_by("-valid_from"),
        "services": Service.objects.listed().filter(organization=organization).order_by("name"),
        "can_edit": can_edit_organization(request.user, organization),
        "can_add_agreement": is_comune_coordinator(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "network/organization_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_update(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_edit(request.user, pk)
    profile = OrganizationProfile.objects.filter(organization=organization).first()
    initial = {}
    if profile is not None:
        initial = {
            "legal_form": profile.legal_form,
            "description": profile.description,
            "website": profile.website,
            "public_email": profile.public_email,
            "public_phone": profile.public_phone,
            "contact_role": profile.contact_role,
            "areas": list(profile.areas.all()),
            "neighbourhoods": list(profile.neighbourhoods.all()),
        }
    form = OrganizationProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organization_profile_update(
                organization=organization,
                data=form.profile_data(),
                areas=form.cleaned_data["areas"],
                neighbourhoods=form.cleaned_data["neighbourhoods"],
                actor=request.user,
            )
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Profilo aggiornato."))
            return redirect("network:organization_detail", pk=organization.pk)
    return render(
        request, "network/organization_form.html", {"form": form, "organization": organization}
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_add(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user(request.user, pk)
    if not is_comune_coordinator(request.user):
        raise Http404
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement_create(organization=organization, actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Accordo registrato."))
            return redirect("network:organization_detail", pk=organization.pk)
    return render(
        request, "network/agreement_form.html", {"form": form, "organization": organization}
    )
