"""Logging in and out, lockout after repeated failures, organization switcher, password reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD
from solidale.accounts.models import Membership, Role, User
from solidale.accounts.services import membership_add
from solidale.core.models import AuditEvent

LOGIN_URL = "/account/login/"


def _login(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"username": email, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_the_login_page_labels_its_fields(client: Client) -> None:
    response = client.get(LOGIN_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label class="form-label fw-semibold" for="id_username">E-mail' in body
    assert 'for="id_password"' in body


def test_it_logs_in_with_email_and_password(client: Client, personas) -> None:
    response = _login(client, "Assistente@test.invalid")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).get()
    assert event.actor_id == personas.social_worker.pk
    assert event.organization_id == personas.comune.pk


def test_a_wrong_password_shows_the_error_and_is_audited(client: Client, personas) -> None:
    response = _login(client, personas.social_worker.email, "sbagliata-davvero")
    assert response.status_code == 200
    assert "E-mail o password non corretti" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).get()
    assert event.changes["username"] == personas.social_worker.email
    assert event.actor_label == "anonimo"
    assert "sbagliata" not in str(event.changes)


def test_an_invalid_email_is_reported_next_to_the_field(client: Client, db: None) -> None:
    response = client.post(LOGIN_URL, {"username": "non-una-mail", "password": "x"})
    body = response.content.decode()
    assert 'id="id_username_error"' in body
    assert 'aria-describedby="id_username_error"' in body


@override_settings(AXES_ENABLED=True)
def test_it_locks_out_after_five_failures(client: Client, personas) -> None:
    for _attempt in range(5):
        _login(client, personas.desk_operator.email, "password-sbagliata")
    response = _login(client, personas.desk_operator.email)
    assert response.status_code == 429
    assert "Accesso temporaneamente bloccato" in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_the_lockout_is_per_username_and_address(client: Client, personas) -> None:
    for _attempt in range(5):
        _login(client, personas.desk_operator.email, "password-sbagliata")
    assert _login(client, personas.social_worker.email).status_code == 302
    other_address = Client().post(
        LOGIN_URL,
        {"username": personas.desk_operator.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.8",
    )
    assert other_address.status_code == 302


def test_logout_needs_a_post(login, personas) -> None:
    client = login(personas.social_worker)
    assert client.get("/account/logout/").status_code == 405
    response = client.post("/account/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOGOUT, actor_id=personas.social_worker.pk
    ).exists()


def test_a_csrf_less_login_post_is_refused(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        LOGIN_URL, {"username": personas.social_worker.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_user_with_several_memberships_starts_with_the_first(client: Client, personas) -> None:
    membership_add(
        actor=None,
        user=personas.social_worker,
        organization=personas.cooperative,
        role=Role.ORG_OPERATOR,
    )
    _login(client, personas.social_worker.email)
    response = client.get(reverse("core:home"))
    assert response.context["current_membership"].organization == personas.comune
    assert len(response.context["memberships"]) == 2


def test_the_switcher_changes_the_organization_i_act_for(login, personas) -> None:
    second = membership_add(
        actor=None,
        user=personas.social_worker,
        organization=personas.cooperative,
        role=Role.ORG_OPERATOR,
    )
    client = login(personas.social_worker)
    response = client.post(
        reverse("accounts:switch_membership"), {"membership": second.pk, "next": "/"}
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).context["current_membership"] == second


def test_it_cannot_switch_to_someone_elses_membership(login, personas) -> None:
    membership_add(
        actor=None,
        user=personas.social_worker,
        organization=personas.cooperative,
        role=Role.ORG_OPERATOR,
    )
    someone_else = Membership.objects.get(user=personas.association_admin)
    client = login(personas.social_worker)
    response = client.post(reverse("accounts:switch_membership"), {"membership": someone_else.pk})
    assert response.status_code == 404
    assert (
        client.get(reverse("core:home")).context["current_membership"].organization
        == personas.comune
    )


def test_the_switcher_ignores_an_outside_next(login, personas) -> None:
    second = membership_add(
        actor=None,
        user=personas.social_worker,
        organization=personas.cooperative,
        role=Role.ORG_OPERATOR,
    )
    client = login(personas.social_worker)
    response = client.post(
        reverse("accounts:switch_membership"),
        {"membership": second.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def _link_in(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/account/password/reset/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_it_resets_a_forgotten_password_by_email(client: Client, personas) -> None:
    response = client.post(
        reverse("accounts:password_reset"), {"email": personas.desk_operator.email}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [personas.desk_operator.email]
    assert message.subject == "Solidale: reimposta la tua password"
    assert "Gentile Sara Sportello" in message.body

    link = _link_in(str(message.body))
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "Una-nuova-password-2026"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    assert User.objects.get(pk=personas.desk_operator.pk).check_password(new_password)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE,
        object_id=str(personas.desk_operator.pk),
        changes__password="reset",
    ).exists()
    assert client.get(link, follow=True).context["validlink"] is False


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client: Client, db: None) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nessuno@test.invalid"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_a_weak_new_password_is_refused_next_to_the_field(client: Client, personas) -> None:
    client.post(reverse("accounts:password_reset"), {"email": personas.desk_operator.email})
    form_page = client.get(_link_in(str(mail.outbox[0].body)), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"}
    )
    assert response.status_code == 200
    assert 'id="id_new_password2_error"' in response.content.decode()
    assert User.objects.get(pk=personas.desk_operator.pk).check_password(PASSWORD)


@pytest.mark.parametrize("path", ["/account/password/reset/", "/account/login/"])
def test_public_account_pages_render_without_login(client: Client, db: None, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "accounts:otp",
        "accounts:otp_setup",
        "accounts:member_list",
        "accounts:token_list",
        "accounts:audit",
    ],
)
def test_account_pages_need_a_login(client: Client, db: None, url_name: str) -> None:
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
