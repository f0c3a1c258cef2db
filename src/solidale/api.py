"""The HTTP API, mounted at ``/api/v1/``: each app contributes a router from its ``api.py``.

Authentication: a per-user bearer token (``Authorization: Bearer sld_…``) or the browser
session (with CSRF). Errors always have one shape::

    {"error": {"code": "invalid", "message": "…", "fields": {"codice_fiscale": ["…"]}}}
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from solidale.accounts.models import ApiToken, hash_token
from solidale.core.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = (
            ApiToken.objects.usable()
            .select_related("user", "membership__organization")
            .filter(digest=hash_token(token), user__is_active=True, membership__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        user = api_token.user
        user.act_as(api_token.membership)
        request.user = user
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, with CSRF on unsafe methods and the 2FA rule of the pages."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        membership = user.membership
        if (
            settings.SOLIDALE_REQUIRE_2FA
            and membership is not None
            and membership.handles_personal_data
            and not user.is_verified()
        ):
            return None
        return user


api = NinjaAPI(
    title="Solidale API",
    version="1",
    description=_(
        "API della rete Solidale: stesse regole, stessi permessi e stesso audit delle pagine."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


def _input_error_message(error: dict[str, Any]) -> str:
    """Pydantic's message, translated for the kinds of error a client meets most."""
    messages = {
        "extra_forbidden": _("Campo sconosciuto."),
        "missing": _("Campo obbligatorio."),
        "string_too_long": _("Testo troppo lungo."),
        "string_too_short": _("Testo troppo corto."),
        "int_parsing": _("Serve un numero intero."),
        "date_from_datetime_parsing": _("Serve una data nel formato AAAA-MM-GG."),
        "date_parsing": _("Serve una data nel formato AAAA-MM-GG."),
        "bool_parsing": _("Serve un valore vero o falso."),
    }
    return str(messages.get(str(error.get("type")), error.get("msg", "")))


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part)
            for part in error.get("loc", [])
            if part not in ("body", "payload", "query", "path")
        ]
        fields.setdefault(".".join(location) or "__all__", []).append(_input_error_message(error))
    return error_response(
        request, status=422, code="invalid", message=_("Dati non validi."), fields=fields
    )


@api.exception_handler(DjangoValidationError)
def on_model_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return error_response(
        request, status=422, code="invalid", message=_("Dati non validi."), fields=fields
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    fields = {exc.field: [exc.message]} if exc.field else None
    return error_response(
        request, status=exc.status, code=exc.code, message=exc.message, fields=fields
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", message=_("Non trovato."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, status=401, code="unauthenticated", message=_("Autenticazione richiesta.")
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and exc.__cause__ is not None:
        # ninja wraps a body it cannot parse; say so in the user's language.
        return error_response(
            request,
            status=400,
            code="malformed",
            message=_("Il corpo della richiesta non è JSON valido."),
        )
    return error_response(request, status=exc.status_code, code="error", message=str(exc))


def _mount_routers() -> None:
    from solidale.appointments.api import router as appointments_router
    from solidale.cases.api import router as cases_router
    from solidale.desk.api import router as desk_router
    from solidale.food.api import router as food_router
    from solidale.housing.api import router as housing_router
    from solidale.insights.api import router as insights_router
    from solidale.neighbourhoods.api import router as neighbourhoods_router
    from solidale.network.api import router as network_router
    from solidale.people.api import households_router, persons_router
    from solidale.referrals.api import router as referrals_router
    from solidale.shelter.api import router as shelter_router
    from solidale.tavolo.api import router as tavolo_router
    from solidale.volunteers.api import router as volunteers_router

    api.add_router("/persons", persons_router)
    api.add_router("/households", households_router)
    api.add_router("/network", network_router)
    api.add_router("/desk", desk_router)
    api.add_router("/appointments", appointments_router)
    api.add_router("/cases", cases_router)
    api.add_router("/referrals", referrals_router)
    api.add_router("/tavolo", tavolo_router)
    api.add_router("/food", food_router)
    api.add_router("/shelter", shelter_router)
    api.add_router("/housing", housing_router)
    api.add_router("/neighbourhoods", neighbourhoods_router)
    api.add_router("/volunteers", volunteers_router)
    api.add_router("/insights", insights_router)


_mount_routers()
