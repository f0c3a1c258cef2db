"""Periodic work: apps register tasks to run every so often or daily at a set time.

``solidale scheduler`` (started by ``solidale serve`` beside the task worker) wakes up
every ``SOLIDALE_SCHEDULER_TICK_SECONDS`` and enqueues each registered task that is due;
the django-tasks worker runs it. The last enqueue of each entry is kept in
:class:`~solidale.core.models.PeriodicRun` and claimed with a conditional UPDATE, so two
schedulers (a mistake, or a rolling restart) never enqueue the same run twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from .models import PeriodicRun


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Any  # a django-tasks Task taking no arguments
    every: timedelta | None = None
    daily_at: time | None = None  # local time (settings.TIME_ZONE)

    def is_due(self, *, now: datetime, last: datetime | None) -> bool:
        if self.every is not None:
            return last is None or now - last >= self.every
        if self.daily_at is None:
            raise ValueError(f"{self.name} has neither an interval nor a daily time.")
        local_now = timezone.localtime(now)
        slot = timezone.make_aware(datetime.combine(local_now.date(), self.daily_at))
        return local_now >= slot and (last is None or last < slot)


_periodic: dict[str, Periodic] = {}


def register(
    name: str, task: Any, *, every: timedelta | None = None, daily_at: time | None = None
) -> None:
    if (every is None) == (daily_at is None):
        raise ValueError("A periodic task runs either every <interval> or daily at <time>.")
    _periodic[name] = Periodic(name, task, every, daily_at)


def registered() -> list[Periodic]:
    return sorted(_periodic.values(), key=lambda periodic: periodic.name)


def schedule_tick(now: datetime | None = None) -> list[str]:
    """Enqueue every registered task that is due; return the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for periodic in registered():
        run, _created = PeriodicRun.objects.get_or_create(name=periodic.name)
        if not periodic.is_due(now=now, last=run.last_enqueued_at):
            continue
        claimed = PeriodicRun.objects.filter(
            pk=run.pk, last_enqueued_at=run.last_enqueued_at
        ).update(last_enqueued_at=now)
        if claimed:
            periodic.task.enqueue()
            enqueued.append(periodic.name)
    return enqueued
