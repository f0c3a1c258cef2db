"""The second factor: set up an authenticator app, enter a code, renew backup codes."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import segno
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from solidale.core.errors import DomainError

from ..forms import OtpSetupForm, OtpTokenForm
from ..services import (
    otp_backup_codes_generate,
    otp_device_confirm,
    otp_device_pending,
    otp_device_verify,
)
from .common import AuthenticatedRequest, safe_next


def _with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


@never_cache
@login_required
def otp_verify(request: AuthenticatedRequest) -> HttpResponse:
    """After the password: the code from the app (or a backup code) verifies this session."""
    user = request.user
    next_url = safe_next(request)
    if user.is_verified():
        return redirect(next_url)
    if not django_otp.user_has_device(user, confirmed=True):
        return redirect(_with_next("accounts:otp_setup", next_url))
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp_device_verify(user=user, token=form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(next_url)
        form.add_error("token", _("Codice non valido o già usato: riprova con il codice attuale."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def otp_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Scan the QR code (or type the key), confirm with a first code, receive backup codes."""
    user = request.user
    next_url = safe_next(request)
    has_device = django_otp.user_has_device(user, confirmed=True)
    if has_device and not user.is_verified():
        # Replacing the device needs the current one: a stolen password is not enough.
        return redirect(_with_next("accounts:otp", next_url))
    device = otp_device_pending(user=user)
    form = OtpSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp_device_confirm(actor=user, device=device, token=form.cleaned_data["token"])
        except DomainError as error:
            form.add_error("token", error.message)
        else:
            django_otp.login(request, device)
            codes = otp_backup_codes_generate(actor=user)
            return render(
                request, "accounts/otp_backup_codes.html", {"codes": codes, "next": next_url}
            )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "has_device": has_device,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "secret_groups": [secret[index : index + 4] for index in range(0, len(secret), 4)],
    }
    return render(request, "accounts/otp_setup.html", context)


@never_cache
@login_required
@require_POST
def otp_backup_codes(request: AuthenticatedRequest) -> HttpResponse:
    """Replace the backup codes (only from a session verified with the second factor)."""
    if not request.user.is_verified():
        return redirect(_with_next("accounts:otp", reverse("accounts:otp_setup")))
    codes = otp_backup_codes_generate(actor=request.user)
    return render(
        request, "accounts/otp_backup_codes.html", {"codes": codes, "next": reverse("core:home")}
    )
