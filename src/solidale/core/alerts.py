""" "Nobody left behind": the alert rules each app contributes, evaluated daily.

An app registers its rules in ``AppConfig.ready``. A rule has a stable key, a title and
a plain-language description (Italian gettext source, translated), default parameters a
coordinator may tune (e.g. ``{"days": 30}``) and an ``evaluate`` function. Given the
parameters and the day, ``evaluate`` returns the situations that need someone to act:
each :class:`AlertCandidate` names a stable ``subject`` (so the same situation raised on
two days is one item), the organization responsible and, when known, the person there
who should act. The ``insights`` app keeps the rules' settings, runs them, and turns the
candidates into inbox items that close only with an outcome. No app imports another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class AlertCandidate:
    subject: str  # stable within the rule, e.g. "food.card:12"
    title: str  # what is wrong, for the inbox line (no more personal data than needed)
    reason: str  # why the rule raised it: the facts and thresholds, in plain words
    url: str  # the record to act on
    organization_id: int | None  # the organization responsible
    assignee_id: int | None = None  # the user who should act, when known
    person_id: int | None = None


Evaluate = Callable[[dict[str, Any], date], Iterable[AlertCandidate]]


@dataclass(frozen=True)
class AlertRule:
    key: str  # "<app>.<name>"
    title: str | Promise
    description: str | Promise
    evaluate: Evaluate
    defaults: dict[str, Any] = field(default_factory=dict)
    #: Human labels of the tunable parameters, same keys as ``defaults``.
    parameters: dict[str, str | Promise] = field(default_factory=dict)


_rules: dict[str, AlertRule] = {}


def register(rule: AlertRule) -> None:
    if set(rule.parameters) - set(rule.defaults):
        raise ValueError(f"{rule.key}: every tunable parameter needs a default.")
    _rules[rule.key] = rule


def registered() -> list[AlertRule]:
    return sorted(_rules.values(), key=lambda rule: rule.key)


def get(key: str) -> AlertRule | None:
    return _rules.get(key)
