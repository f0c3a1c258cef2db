"""Notifications: an in-app notice per user, e-mailed after commit by the task worker.

Services call :func:`notify` inside their transaction; the rows commit with the change
and the e-mail task is enqueued only after commit (``transaction.on_commit``), so a
rolled-back action never notifies anybody. Each user chooses immediate e-mails, a daily
digest or none (``User.notification_email``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .models import Notification


def notify(
    *, users: Iterable[Any], kind: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Create one notification per distinct active user and e-mail them after commit."""
    recipients = {user.pk: user for user in users if user is not None and user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(user_id=pk, kind=kind, title=title[:200], body=body, url=url[:300])
        for pk in recipients
    )
    immediate = [
        n.pk
        for n in notifications
        if getattr(recipients[n.user_id], "notification_email", "") == "immediate"
    ]
    if immediate:
        transaction.on_commit(lambda: notification_email_send.enqueue(notification_ids=immediate))
    return notifications


def _absolute(url: str) -> str:
    return f"{settings.SOLIDALE_BASE_URL.rstrip('/')}{url}" if url.startswith("/") else url


@task()
def notification_email_send(*, notification_ids: list[int]) -> int:
    """E-mail each notification not yet sent; returns how many were sent."""
    sent = 0
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("user")
    for notification in pending:
        body = notification.body
        if notification.url:
            body = f"{body}\n\n{_absolute(notification.url)}".strip()
        send_mail(notification.title, body, None, [notification.user.email])
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@task()
def notification_digest_send() -> int:
    """One e-mail per digest user with the notifications of the last day not yet sent."""
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True, user__notification_email="digest", user__is_active=True
        )
        .select_related("user")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    for items in by_user.values():
        lines = [f"- {n.title}" + (f" ({_absolute(n.url)})" if n.url else "") for n in items]
        send_mail(
            _("Solidale: il riepilogo di oggi"), "\n".join(lines), None, [items[0].user.email]
        )
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
    return len(by_user)
