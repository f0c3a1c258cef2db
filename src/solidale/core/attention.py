""" "What needs my attention today": a registry each app contributes to.

An app registers a provider in its ``AppConfig.ready``; the landing page asks every
provider for the current user's items. No app imports another to appear there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AttentionItem:
    title: str
    detail: str
    url: str
    severity: str = "info"  # info | warning | danger


Provider = Callable[[Any], list[AttentionItem]]
_providers: dict[str, tuple[str, Provider]] = {}


def register(key: str, heading: str, provider: Provider) -> None:
    _providers[key] = (heading, provider)


def attention_for(user: Any) -> list[tuple[str, list[AttentionItem]]]:
    return [(heading, provider(user)) for heading, provider in _providers.values()]
