"""The TOTP second factor: setup with a QR code, verification at login, backup codes."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidale.accounts.models import User
from solidale.accounts.services import (
    otp_backup_codes_generate,
    otp_device_confirm,
    otp_device_pending,
)
from solidale.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _token(device: TOTPDevice, steps_ahead: int = 0) -> str:
    device.refresh_from_db()
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    return f"{value:0{device.digits}d}"


def _enrolled(user: User) -> TOTPDevice:
    device = otp_device_pending(user=user)
    return otp_device_confirm(actor=user, device=device, token=_token(device))


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_a_social_worker_without_a_device_is_sent_to_setup(login, personas) -> None:
    client = login(personas.social_worker)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:otp_setup')}?next=%2F"


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_a_social_worker_with_a_device_is_asked_for_a_code(login, personas) -> None:
    _enrolled(personas.social_worker)
    client = login(personas.social_worker)
    response = client.get(reverse("core:home"))
    assert response["Location"] == f"{reverse('accounts:otp')}?next=%2F"


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_the_members_and_token_pages_are_not_exempt(login, personas) -> None:
    client = login(personas.association_admin)
    for url_name in ("accounts:member_list", "accounts:token_list", "accounts:audit"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:otp_setup"))


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_a_viewer_does_not_need_a_second_factor(login, personas) -> None:
    assert login(personas.viewer).get(reverse("core:home")).status_code == 200


def test_without_the_setting_nobody_is_redirected(login, personas) -> None:
    assert login(personas.social_worker).get(reverse("core:home")).status_code == 200


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_setup_shows_a_qr_code_and_the_key_then_confirms_with_a_first_code(login, personas) -> None:
    client = login(personas.desk_operator)
    page = client.get(reverse("accounts:otp_setup"), {"next": "/"})
    body = page.content.decode()
    assert re.search(r'<img [^>]*src="data:image/svg\+xml[^"]+"[^>]*alt="Codice QR', body)
    device = TOTPDevice.objects.get(user=personas.desk_operator, confirmed=False)
    secret = "".join(page.context["secret_groups"])
    assert secret in body.replace(" ", "")
    assert f"secret={secret}" in device.config_url

    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000", "next": "/"})
    assert 'id="id_token_error"' in wrong.content.decode()

    done = client.post(reverse("accounts:otp_setup"), {"token": _token(device), "next": "/"})
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.GRANT, object_type="otp_totp.totpdevice"
    ).exists()


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_a_current_code_verifies_the_session(login, personas) -> None:
    device = _enrolled(personas.social_worker)
    client = login(personas.social_worker)
    response = client.post(
        reverse("accounts:otp"), {"token": _token(device, steps_ahead=1), "next": "/people/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    assert client.get(reverse("core:home")).status_code == 200


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_a_wrong_code_is_refused_next_to_the_field(login, personas) -> None:
    device = _enrolled(personas.social_worker)
    client = login(personas.social_worker)
    wrong = f"{(int(_token(device, steps_ahead=1)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:otp"), {"token": wrong})
    assert response.status_code == 200
    assert "Codice non valido" in response.content.decode()
    assert client.get(reverse("core:home")).status_code == 302
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).get()
    assert refused.changes == {"second_factor": "refused"}
    assert refused.actor_id == personas.social_worker.pk


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_a_code_cannot_be_used_twice(login, personas) -> None:
    device = _enrolled(personas.social_worker)
    used = _token(device)
    response = login(personas.social_worker).post(reverse("accounts:otp"), {"token": used})
    assert response.status_code == 200


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_a_backup_code_works_once(login, personas) -> None:
    _enrolled(personas.social_worker)
    codes = otp_backup_codes_generate(actor=personas.social_worker)
    client = login(personas.social_worker)
    assert client.post(reverse("accounts:otp"), {"token": codes[0]})["Location"] == "/"
    assert StaticToken.objects.filter(token=codes[0]).count() == 0

    again = Client()
    again.force_login(personas.social_worker)
    assert again.post(reverse("accounts:otp"), {"token": codes[0]}).status_code == 200


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_setup_cannot_replace_a_device_without_the_current_one(login, personas) -> None:
    _enrolled(personas.social_worker)
    client = login(personas.social_worker)
    response = client.get(reverse("accounts:otp_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp"))
    assert TOTPDevice.objects.filter(user=personas.social_worker, confirmed=False).count() == 0


def test_the_verify_page_sends_users_without_a_device_to_setup(login, personas) -> None:
    response = login(personas.social_worker).get(reverse("accounts:otp"), {"next": "/people/"})
    assert response["Location"] == f"{reverse('accounts:otp_setup')}?next=%2Fpeople%2F"


def test_new_backup_codes_need_a_verified_session(login, personas) -> None:
    _enrolled(personas.social_worker)
    first = otp_backup_codes_generate(actor=personas.social_worker)
    response = login(personas.social_worker).post(reverse("accounts:otp_backup_codes"))
    assert response.status_code == 302
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(first)


@override_settings(SOLIDALE_REQUIRE_2FA=True)
def test_the_api_session_needs_the_second_factor_too(login, personas) -> None:
    response = login(personas.social_worker).get("/api/v1/persons")
    assert response.status_code == 401
