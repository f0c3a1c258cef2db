"""Background work of the cartella sociale, run by the django-tasks worker."""

from __future__ import annotations

from django_tasks import task

from .services import review_reminders_send


@task()
def case_review_reminders_send() -> int:
    """Notify the responsible social workers of the reviews due soon (daily, see apps.py)."""
    return review_reminders_send()
