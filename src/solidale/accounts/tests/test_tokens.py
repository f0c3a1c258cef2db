"""Personal API tokens: shown once, stored hashed, revocable, with an optional expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from solidale.accounts.models import ApiToken, Role, hash_token
from solidale.accounts.selectors import api_tokens_expiring_soon
from solidale.accounts.services import (
    api_token_create,
    api_token_revoke,
    membership_add,
    membership_deactivate,
)
from solidale.api import TokenAuth
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _authenticate(secret: str):
    request = RequestFactory().get("/api/v1/persons", HTTP_AUTHORIZATION=f"Bearer {secret}")
    return TokenAuth().authenticate(request, secret)


def test_token_is_shown_once_and_stored_hashed(login, personas) -> None:
    client = login(personas.desk_operator)
    response = client.post(reverse("accounts:token_list"), {"name": "Gestionale mensa"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("sld_")
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]

    token = ApiToken.objects.get()
    assert token.digest == hash_token(secret)
    assert secret.startswith(token.prefix)
    assert secret not in {token.digest, token.prefix, token.name}
    assert token.membership.organization == personas.comune

    listing = client.get(reverse("accounts:token_list")).content.decode()
    assert token.prefix in listing
    assert secret not in listing
    assert secret not in str(
        AuditEvent.objects.filter(object_type="accounts.apitoken").get().changes
    )


def test_the_secret_authenticates_through_the_current_membership(personas) -> None:
    second = membership_add(
        actor=None,
        user=personas.social_worker,
        organization=personas.cooperative,
        role=Role.ORG_OPERATOR,
    )
    personas.social_worker.act_as(second)
    _token, secret = api_token_create(actor=personas.social_worker, name="script")
    user = _authenticate(secret)
    assert user == personas.social_worker
    assert user.membership == second


def test_a_revoked_token_is_refused(login, personas) -> None:
    token, secret = api_token_create(actor=personas.desk_operator, name="script")
    response = login(personas.desk_operator).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _authenticate(secret) is None
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.REVOKE, object_id=str(token.pk)
    ).exists()


def test_an_expired_token_is_refused(personas) -> None:
    token, secret = api_token_create(
        actor=personas.desk_operator, name="breve", expires_at=timezone.now() + timedelta(days=1)
    )
    assert _authenticate(secret) == personas.desk_operator
    # A day later: the stored expiry is now in the past.
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _authenticate(secret) is None


def test_a_token_stops_working_when_the_membership_is_deactivated(personas) -> None:
    _token, secret = api_token_create(actor=personas.volunteer, name="turni")
    membership_deactivate(
        actor=personas.association_admin, membership=personas.volunteer.membership
    )
    assert _authenticate(secret) is None


def test_an_unknown_secret_is_refused(db: None) -> None:
    assert _authenticate("sld_non-esiste") is None


def test_an_expiry_in_the_past_is_refused_next_to_the_field(login, personas) -> None:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(personas.desk_operator).post(
        reverse("accounts:token_list"), {"name": "vecchio", "expires_on": yesterday}
    )
    assert response.status_code == 200
    assert 'id="id_expires_on_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_expiry_date_lasts_until_the_end_of_that_day(login, personas) -> None:
    today = timezone.localdate()
    login(personas.desk_operator).post(
        reverse("accounts:token_list"), {"name": "oggi", "expires_on": today.isoformat()}
    )
    token = ApiToken.objects.get()
    assert token.expires_at is not None
    assert timezone.localtime(token.expires_at).date() == today
    assert token.expires_at > timezone.now()


def test_i_cannot_revoke_someone_elses_token(login, personas) -> None:
    token, secret = api_token_create(actor=personas.social_worker, name="suo")
    response = login(personas.coordinator).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert _authenticate(secret) == personas.social_worker
    with pytest.raises(PermissionDeniedError):
        api_token_revoke(actor=personas.coordinator, token=token)


def test_the_list_shows_only_my_tokens(login, personas) -> None:
    api_token_create(actor=personas.social_worker, name="del collega")
    mine, _secret = api_token_create(actor=personas.coordinator, name="mio")
    response = login(personas.coordinator).get(reverse("accounts:token_list"))
    assert list(response.context["tokens"]) == [mine]


def test_a_citizen_cannot_create_tokens(login, personas) -> None:
    assert login(personas.citizen).get(reverse("accounts:token_list")).status_code == 403
    with pytest.raises(DomainError):
        api_token_create(actor=personas.citizen, name="x")


def test_revoking_twice_is_refused(personas) -> None:
    token, _secret = api_token_create(actor=personas.desk_operator, name="x")
    api_token_revoke(actor=personas.desk_operator, token=token)
    with pytest.raises(DomainError, match="già stato revocato"):
        api_token_revoke(actor=personas.desk_operator, token=token)


def test_the_landing_page_warns_about_tokens_expiring_this_week(login, personas) -> None:
    api_token_create(
        actor=personas.desk_operator,
        name="in scadenza",
        expires_at=timezone.now() + timedelta(days=2),
    )
    api_token_create(
        actor=personas.desk_operator, name="lontano", expires_at=timezone.now() + timedelta(days=60)
    )
    api_token_create(actor=personas.desk_operator, name="senza scadenza")
    items = api_tokens_expiring_soon(personas.desk_operator)
    assert [item.title for item in items] == ["in scadenza"]
    assert "in scadenza" in login(personas.desk_operator).get(reverse("core:home")).content.decode()
