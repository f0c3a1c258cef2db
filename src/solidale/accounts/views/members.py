"""Members of my organization: add by e-mail, change role, deactivate and reactivate."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from solidale.core.errors import DomainError

from ..forms import MemberAddForm, MembershipRoleForm, role_choices
from ..models import Organization
from ..permissions import can_manage_members, get_membership_for_user
from ..selectors import member_list_for_user
from ..services import (
    member_invite,
    membership_change_role,
    membership_deactivate,
    membership_reactivate,
)
from .common import AuthenticatedRequest


def _managed_organization(request: AuthenticatedRequest) -> Organization:
    organization = request.user.organization if can_manage_members(request.user) else None
    if organization is None:
        raise PermissionDenied
    return organization


@login_required
@require_GET
def member_list(request: AuthenticatedRequest) -> HttpResponse:
    organization = _managed_organization(request)
    context = {
        "organization": organization,
        "members": member_list_for_user(request.user),
        "role_choices": role_choices(organization),
    }
    return render(request, "accounts/member_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: AuthenticatedRequest) -> HttpResponse:
    organization = _managed_organization(request)
    form = MemberAddForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            membership = member_invite(
                actor=request.user,
                organization=organization,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                site_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("%(user)s è ora %(role)s. Le abbiamo scritto all'indirizzo %(email)s.")
                % {
                    "user": membership.user,
                    "role": membership.get_role_display(),
                    "email": membership.user.email,
                },
            )
            return redirect("accounts:member_list")
    return render(request, "accounts/member_add.html", {"form": form, "organization": organization})


@login_required
@require_POST
def member_change_role(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    form = MembershipRoleForm(request.POST, organization=membership.organization)
    if not form.is_valid():
        messages.error(request, _("Scegli un ruolo valido."))
        return redirect("accounts:member_list")
    try:
        membership_change_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Ruolo di %(user)s cambiato in %(role)s.")
            % {"user": membership.user, "role": membership.get_role_display()},
        )
    return redirect("accounts:member_list")


@login_required
@require_POST
def member_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    try:
        membership_deactivate(actor=request.user, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(member)s disattivato.") % {"member": membership.user})
    return redirect("accounts:member_list")


@login_required
@require_POST
def member_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    try:
        membership_reactivate(actor=request.user, membership=membership)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(member)s riattivato.") % {"member": membership.user})
    return redirect("accounts:member_list")
