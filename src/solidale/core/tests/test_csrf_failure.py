"""A form sent without a valid CSRF token gets the site's own page, and nothing changes."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_a_stale_form_gets_a_translated_page_in_the_site_look(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.desk_operator)
    response = client.post("/account/notifications/", {"notification_email": "none"})
    assert response.status_code == 403
    assert "Il modulo è scaduto" in response.content.decode()
    assert "it-header" in response.content.decode()
    personas.desk_operator.refresh_from_db()
    assert personas.desk_operator.notification_email != "none"


@pytest.mark.django_db
def test_the_login_form_without_a_token_gets_the_same_page():
    response = Client(enforce_csrf_checks=True).post("/account/login/", {})
    assert response.status_code == 403
    assert "Il modulo è scaduto" in response.content.decode()
