"""The triage ordering rules, kept as data (documented in this app's README).

An item's score is the weight of its highest urgency, plus the bonus of its most
vulnerable need area, plus points for each day it has waited (capped), plus a bonus
when its first-response target has passed. The queue shows the highest score first;
ties go to the item waiting longest. Change the table to change the order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .models import Urgency


@dataclass(frozen=True)
class TriageRules:
    urgency_weight: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType(
            {Urgency.LOW: 10, Urgency.MEDIUM: 30, Urgency.HIGH: 60, Urgency.URGENT: 100}
        )
    )
    #: Need areas that go first whatever the stated urgency (codes of network.NeedCategory).
    vulnerable_need_bonus: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({"violence": 80, "homelessness": 50})
    )
    points_per_waiting_day: int = 5
    max_waiting_days: int = 20
    overdue_bonus: int = 40

    def score(
        self, *, urgencies: list[str], need_codes: list[str], waiting_days: int, overdue: bool
    ) -> int:
        urgency = max((self.urgency_weight.get(u, 0) for u in urgencies), default=0)
        vulnerable = max((self.vulnerable_need_bonus.get(c, 0) for c in need_codes), default=0)
        waiting = min(max(waiting_days, 0), self.max_waiting_days) * self.points_per_waiting_day
        return urgency + vulnerable + waiting + (self.overdue_bonus if overdue else 0)


DEFAULT_RULES = TriageRules()
