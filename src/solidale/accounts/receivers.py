"""Django's own authentication events, written to the audit trail (the one place for them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from solidale.core.audit import Action, audit_record

from .models import User


def _client_ip(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR") or "") if request is not None else ""


@receiver(user_logged_in, dispatch_uid="solidale_audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(actor=user, action=Action.LOGIN, obj=user, changes={"ip": _client_ip(request)})


@receiver(user_logged_out, dispatch_uid="solidale_audit_logout")
def audit_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        audit_record(
            actor=user, action=Action.LOGOUT, obj=user, changes={"ip": _client_ip(request)}
        )


@receiver(user_login_failed, dispatch_uid="solidale_audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    audit_record(
        actor=AnonymousUser(),
        action=Action.LOGIN_FAILED,
        object_type=User._meta.label_lower,
        changes={"username": str(credentials.get("username", ""))[:254], "ip": _client_ip(request)},
    )
