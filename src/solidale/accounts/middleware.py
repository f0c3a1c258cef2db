from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

SESSION_KEY = "solidale_membership_id"


class CurrentMembershipMiddleware:
    """Makes ``request.user.membership`` the membership chosen in the organization switcher."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            chosen = request.session.get(SESSION_KEY)
            if chosen is not None:
                membership = (
                    user.memberships.active()
                    .select_related("organization")
                    .filter(pk=chosen)
                    .first()
                )
                if membership is None:
                    del request.session[SESSION_KEY]
                else:
                    user.act_as(membership)
        return self.get_response(request)


class RequireSecondFactorMiddleware:
    """With ``SOLIDALE_REQUIRE_2FA``, roles that handle personal data must pass TOTP first.

    Users without a confirmed device are sent to set one up, the others to enter a code.
    Only the pages needed to get there are exempt (the members and token pages are not).
    """

    EXEMPT_PREFIXES = (
        "/static/",
        "/account/login/",
        "/account/logout/",
        "/account/otp/",
        "/account/password/",
        "/i18n/",
        "/api/",
        "/healthz",
        "/public/",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SOLIDALE_REQUIRE_2FA and self._needs_second_factor(request):
            target = (
                "accounts:otp"
                if user_has_device(request.user, confirmed=True)
                else "accounts:otp_setup"
            )
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _needs_second_factor(self, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or request.path.startswith(self.EXEMPT_PREFIXES):
            return False
        membership = user.membership
        if membership is None or not membership.handles_personal_data:
            return False
        return not user.is_verified()
