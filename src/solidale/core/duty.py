"""Task-scoped, time-boxed access: is this user on duty for this activity right now?

A volunteer sees personal data only during a shift, and only what the shift's task
needs. Apps that run activities (food distributions, outreach rounds, presidi, events)
register the activity kinds in ``AppConfig.ready`` with :func:`register_activity`, and
ask :func:`on_duty` before showing a volunteer anything personal. The ``volunteers``
app owns shifts and registers the provider that answers; without it nobody is on duty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class Duty:
    shift_id: int
    activity: str  # a registered activity key, e.g. "food.distribution"
    organization_id: int
    starts_at: datetime
    ends_at: datetime
    target: str = ""  # what the shift is for, e.g. "food.point:3"; "" = any of the activity


@dataclass(frozen=True)
class Activity:
    key: str  # "<app>.<name>"
    label: str | Promise
    #: The places or sessions a shift of this kind can be for, for one organization:
    #: ``targets(organization_id) -> [(target, label), …]``.
    targets: Callable[[int], list[tuple[str, str]]]
    #: Where a volunteer on duty works: ``url(target) -> path`` (e.g. the counter page).
    url: Callable[[str], str] | None = None


Provider = Callable[[Any, str, datetime], list[Duty]]
_activities: dict[str, Activity] = {}
_provider: list[Provider] = []


def register_activity(activity: Activity) -> None:
    _activities[activity.key] = activity


def activities() -> list[Activity]:
    return sorted(_activities.values(), key=lambda activity: activity.key)


def register_provider(provider: Provider) -> None:
    _provider[:] = [provider]


def on_duty(
    user: Any, activity: str, *, target: str = "", at: datetime | None = None
) -> Duty | None:
    """The user's current shift for this activity (and target, when given), or None."""
    if not _provider or not getattr(user, "is_authenticated", False):
        return None
    at = at or timezone.now()
    for duty in _provider[0](user, activity, at):
        if not target or not duty.target or duty.target == target:
            return duty
    return None
