"""The shell every page shares: security headers, error pages, languages, CSRF, probes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import PASSWORD, Personas
from solidale.people.services import person_create

pytestmark = pytest.mark.django_db


def _csp(response: Any) -> str:
    return str(response["Content-Security-Policy"])


def test_pages_carry_a_strict_content_security_policy(client: Client, personas: Personas) -> None:
    anonymous = client.get("/account/login/")
    client.force_login(personas.social_worker)
    logged_in = client.get("/")
    for response in (anonymous, logged_in):
        assert response.status_code == 200
        policy = _csp(response)
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy


def test_pages_hold_no_inline_script_or_style(client: Client, personas: Personas) -> None:
    client.force_login(personas.social_worker)
    for path in ("/", "/people/", "/accessibility/"):
        html = client.get(path).content.decode()
        for tag in html.split("<script")[1:]:
            assert 'src="' in tag.split(">", 1)[0], f"inline script on {path}"
        assert " style=" not in html, f"style attribute on {path}"
        assert " hx-on" not in html, f"hx-on handler on {path}"


def test_an_unknown_url_shows_the_404_page_in_the_site_style(client: Client) -> None:
    response = client.get("/questa-pagina-non-esiste/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert "Pagina non trovata" in html
    assert "it-header-wrapper" in html
    assert "Vai al contenuto principale" in html


def test_an_out_of_scope_person_shows_the_404_page(client: Client, personas: Personas) -> None:
    person = person_create(
        actor=personas.desk_operator,
        data={"given_name": "Ottavia", "family_name": "Fuoriscala", "is_identified": True},
    )
    client.force_login(personas.outsider)
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assert "Fuoriscala" not in response.content.decode()


def test_a_forbidden_page_shows_the_403_page_in_the_site_style(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.volunteer)
    response = client.get("/account/audit/")
    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]
    assert "Accesso negato" in response.content.decode()


def test_an_unknown_api_route_answers_the_json_error_shape(client: Client) -> None:
    response = client.get("/api/v1/nessuna-risorsa")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"]


def test_the_api_refuses_an_anonymous_caller_with_the_json_error_shape(client: Client) -> None:
    response = client.get("/api/v1/persons")
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthenticated", "message": "Autenticazione richiesta."}
    }


def test_hello_answers_a_bare_text(client: Client) -> None:
    response = client.get("/hello")
    assert response.status_code == 200
    assert response.content == b"hello"
    assert "sessionid" not in response.cookies


def test_healthz_reports_ok_after_touching_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_the_interface_is_italian_by_default(client: Client) -> None:
    response = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="")
    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in response.content.decode()


def test_the_language_switch_turns_the_interface_to_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/account/login/"
    page = client.get("/account/login/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    back = client.post("/i18n/setlang/", {"language": "it", "next": "/account/login/"})
    assert back.status_code == 302
    assert client.get("/account/login/")["Content-Language"] == "it"


def test_a_login_post_without_csrf_token_is_refused(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/account/login/", {"username": personas.social_worker.email, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_logged_in_form_post_without_csrf_token_is_refused(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.coordinator)
    response = client.post(
        "/account/members/add/", {"email": "nuovo@comune.invalid", "role": "viewer"}
    )
    assert response.status_code == 403
    assert not personas.comune.memberships.filter(user__email="nuovo@comune.invalid").exists()
