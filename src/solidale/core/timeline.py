"""The single timeline of a person: a registry each app contributes to.

An app registers a provider in its ``AppConfig.ready``. A provider receives the user
and the ids of the persons (a person, or the members of a household) and returns the
entries that user may see — the provider applies its own app's scoping. The timeline
page asks every provider and merges the entries by time; no app imports another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # the contributing app's label, e.g. "desk", "cases"
    title: str
    detail: str = ""
    url: str = ""
    organization: str = ""


Provider = Callable[[Any, list[int]], Iterable[TimelineEntry]]
_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    _providers[key] = provider


def timeline_for(user: Any, person_ids: list[int], *, limit: int = 500) -> list[TimelineEntry]:
    """Every provider's entries for these persons, newest first."""
    entries = [entry for provider in _providers.values() for entry in provider(user, person_ids)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
