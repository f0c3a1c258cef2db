"""Log in and out, switch organization, reset a forgotten password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from solidale.core.audit import Action, audit_record
from solidale.core.errors import DomainError, RateLimitedError
from solidale.core.ratelimit import client_key, rate_limit_hit

from ..forms import LoginForm, PasswordResetForm, SetPasswordForm
from ..middleware import SESSION_KEY
from ..services import user_notification_email_set
from .common import AuthenticatedRequest, safe_next

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()


@login_required
@require_POST
def switch_membership(request: AuthenticatedRequest) -> HttpResponse:
    """The organization switcher: act through another of one's own active memberships."""
    membership = get_object_or_404(
        request.user.memberships.active(), pk=request.POST.get("membership")
    )
    request.session[SESSION_KEY] = membership.pk
    return HttpResponseRedirect(safe_next(request))


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail address and sends the link; rate limited per client."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_email.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            rate_limit_hit(
                scope="password_reset",
                key=client_key(self.request),
                rate=settings.SOLIDALE_RATE_LIMIT_PUBLIC,
            )
        except RateLimitedError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Sets the new password from the e-mailed link (also used by invitations)."""

    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(
            actor=form.user, action=Action.UPDATE, obj=form.user, changes={"password": "reset"}
        )
        return response


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


@login_required
@require_POST
def notification_preferences(request: AuthenticatedRequest) -> HttpResponse:
    """Choose immediate e-mails, a daily digest or in-app notifications only."""
    try:
        user_notification_email_set(
            actor=request.user, value=request.POST.get("notification_email", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Preferenza salvata."))
    return HttpResponseRedirect(reverse("core:notification_list"))
