"""The cross-organization access matrix: every endpoint, every persona, no leak.

The registry in ``tests/access_matrix_registry.py`` declares who may reach each URL
pattern and API operation; this module fails while an endpoint is left undeclared,
then checks, endpoint by endpoint, that everyone outside the object's scope is refused
(403/404, a login redirect or 401 when anonymous) and never sees its personal data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from conftest import Personas
from solidale.api import api

from .access_matrix_registry import ANONYMOUS, ENDPOINTS, PERSONAS, Endpoint, Target

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN_PATH = "/account/login/"
REFUSED = {403, 404}


@dataclass(frozen=True)
class Route:
    """One URL pattern: its route with the converters it needs."""

    route: str
    converters: dict[str, str]


def _walk(
    patterns: list[Any], prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[tuple[str, Route, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = (entry.namespace,) if entry.namespace else ()
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), namespaces + namespace
            )
        elif isinstance(entry, URLPattern):
            name = (
                ":".join((*namespaces, entry.name)) if entry.name else prefix + str(entry.pattern)
            )
            route = prefix + str(entry.pattern)
            converters = {
                key: type(converter).__name__ for key, converter in entry.pattern.converters.items()
            }
            yield name, Route(route, converters), entry.callback


def _openapi_path(route: str) -> str:
    """``api/v1/persons/<int:person_id>`` as the OpenAPI schema writes it."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _api_paths() -> dict[str, list[str]]:
    return {route: list(ops) for route, ops in api.get_openapi_schema()["paths"].items()}


def url_patterns() -> dict[str, Route]:
    """Every URL pattern by name, but the API operations the schema lists (checked as such).

    An operation left out of the schema (``include_in_schema=False``) stays here, so it
    must be declared too.
    """
    schema_paths = _api_paths()
    return {
        name: route
        for name, route, callback in _walk(get_resolver().url_patterns)
        if not (
            getattr(callback, "__qualname__", "").startswith("PathView.")
            and _openapi_path(route.route) in schema_paths
        )
    }


def api_operations() -> set[str]:
    return {
        f"{method.upper()} {route}" for route, methods in _api_paths().items() for method in methods
    }


def undeclared_endpoints() -> list[str]:
    return sorted((set(url_patterns()) | api_operations()) - set(ENDPOINTS))


def test_every_url_pattern_and_api_operation_is_declared() -> None:
    undeclared = undeclared_endpoints()
    assert not undeclared, (
        "These endpoints are not declared in tests/access_matrix_registry.py; say who may "
        "reach them: " + ", ".join(undeclared)
    )


def test_a_new_page_fails_the_matrix_until_it_is_declared() -> None:
    from solidale import urls

    def new_page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("new")

    extended = ModuleType("urls_with_a_new_page")
    extended.urlpatterns = [*urls.urlpatterns, path("nuova/", new_page, name="new_page")]  # type: ignore[attr-defined]
    before = set(undeclared_endpoints())
    with override_settings(ROOT_URLCONF=extended):
        assert set(undeclared_endpoints()) - before == {"new_page"}


def test_the_registry_declares_no_endpoint_that_does_not_exist() -> None:
    existing = set(url_patterns()) | api_operations()
    assert not sorted(set(ENDPOINTS) - existing)


PLACEHOLDERS = {"IntConverter": 999999, "StringConverter": "x", "SlugConverter": "x"}


def _url(key: str, target: Target) -> tuple[str | None, str]:
    """The method fixed by an API operation (or None for a URL pattern) and the path."""
    if " " in key:
        method, template = key.split(" ", 1)
        names = re.findall(r"{(\w+)}", template)
        return method, template.format(**{name: target.kwargs.get(name, 999999) for name in names})
    route = url_patterns()[key]
    kwargs = {
        name: target.kwargs.get(name, PLACEHOLDERS.get(converter, "x"))
        for name, converter in route.converters.items()
    }
    return None, reverse(key, kwargs=kwargs)


def _client(personas: Personas, persona: str) -> Client:
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(getattr(personas, persona))
    return client


def _send(
    client: Client, endpoint: Endpoint, method: str, path: str, target: Target, *, htmx: bool
) -> Response:
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return client.get(path, target.query, headers=headers)
    if endpoint.api:
        return client.generic(
            method, path, json.dumps(target.payload), content_type="application/json"
        )
    return client.post(path, target.payload, headers=headers)


def _variants(endpoint: Endpoint) -> tuple[bool, ...]:
    """Pages answer HTMX requests with a partial: both renderings must keep the rules."""
    return (False,) if endpoint.api else (False, True)


def _leaks(response: Response, target: Target) -> list[str]:
    """The secrets in the answer, but those the request itself carried (a search echoes its query)."""
    sent = " ".join(map(str, [*target.query.values(), *target.payload.values()])).lower()
    seen = (response.content.decode(errors="replace") + response.get("Location", "")).lower()
    return [s for s in target.secrets if s.lower() in seen and s.lower() not in sent]


def _refusal(persona: str, endpoint: Endpoint, response: Response) -> bool:
    if persona == ANONYMOUS and endpoint.api:
        return response.status_code == 401
    if persona == ANONYMOUS:
        return response.status_code == 302 and response["Location"].startswith(LOGIN_PATH)
    return response.status_code in REFUSED


@pytest.mark.parametrize("key", sorted(ENDPOINTS))
def test_access_matrix(key: str, personas: Personas) -> None:
    endpoint = ENDPOINTS[key]
    target = endpoint.build(personas)
    fixed_method, path = _url(key, target)
    methods = (fixed_method,) if fixed_method else endpoint.methods
    failures: list[str] = []

    def check(persona: str, method: str, wanted: int | None) -> None:
        """``wanted`` is the status the persona must get, or None for a refusal."""
        client = _client(personas, persona)
        for htmx in _variants(endpoint):
            response = _send(client, endpoint, method, path, target, htmx=htmx)
            request = f"{persona} {method} {path}{' (HTMX)' if htmx else ''}"
            if wanted is None and not _refusal(persona, endpoint, response):
                failures.append(f"{request}: {response.status_code}, expected a refusal")
            elif wanted is not None and response.status_code != wanted:
                failures.append(f"{request}: {response.status_code}, expected {wanted}")
            leaked = [] if persona in endpoint.sees else _leaks(response, target)
            if leaked:
                failures.append(f"{request} leaks {leaked}")

    if endpoint.access == "public":
        check(ANONYMOUS, methods[0], endpoint.status)
    elif endpoint.access == "authenticated":
        check(ANONYMOUS, methods[0], None)
        for persona in PERSONAS:
            check(persona, methods[0], endpoint.status)
    else:
        for persona in (ANONYMOUS, *PERSONAS):
            admitted = persona in endpoint.sees or persona in endpoint.may_open
            for method in methods:
                if not admitted:
                    check(persona, method, None)
                elif method == "GET":
                    check(persona, method, 200)
    assert not failures, f"{key}:\n" + "\n".join(failures)
