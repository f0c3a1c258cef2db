"""Personal API tokens: create (the secret is shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from solidale.core.errors import DomainError

from ..forms import ApiTokenForm
from ..permissions import can_use_api_tokens, get_api_token_for_user
from ..selectors import api_token_list_for_user
from ..services import api_token_create, api_token_revoke
from .common import AuthenticatedRequest

_FORM_FIELD = {"name": "name", "expires_at": "expires_on"}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    if not can_use_api_tokens(request.user):
        raise PermissionDenied
    form = ApiTokenForm(request.POST or None)
    created, secret = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = api_token_create(
                actor=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except DomainError as error:
            form.add_error(_FORM_FIELD.get(error.field or ""), error.message)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "created": created,
        "secret": secret,
        "tokens": api_token_list_for_user(request.user),
    }
    return render(request, "accounts/token_list.html", context)


@login_required
@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_api_token_for_user(request.user, pk)
    try:
        api_token_revoke(actor=request.user, token=token)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Token «%(name)s» revocato: non funziona più.") % {"name": token.name}
        )
    return redirect("accounts:token_list")
