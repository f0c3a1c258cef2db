"""The ERP scoring engine: a rule table (data) applied to an application's facts.

A rule table (``RuleSet.definition``) lists the access requirements (Allegato A) and the
point-giving conditions (Allegato B). Each condition is met either by a fact of the
application (``{"field": "minors", "op": ">=", "value": 1}``) or by being declared with
its document (``{"declared": true}``). Conditions sharing a ``group`` are alternatives:
only the one worth most counts. Every point in the total is a traced item (condition,
document, article); a failed requirement excludes the application, with its reason.
Nothing here touches the database, so thousands of applications score in milliseconds.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from django.utils.translation import gettext as _

OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}


class RuleError(ValueError):
    """The rule table is malformed."""


@dataclass(frozen=True)
class ScoreItem:
    code: str
    description: str
    article: str
    points: int
    document: str


@dataclass(frozen=True)
class Exclusion:
    code: str
    description: str
    article: str
    reason: str


@dataclass(frozen=True)
class Score:
    total: int
    items: tuple[ScoreItem, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    section_b: int = 0

    @property
    def excluded(self) -> bool:
        return bool(self.exclusions)

    def as_trace(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "items": [dict(vars(item)) for item in self.items],
            "exclusions": [dict(vars(exclusion)) for exclusion in self.exclusions],
            "section_b": self.section_b,
        }


def _number(value: Any) -> Any:
    return Decimal(str(value)) if isinstance(value, float) else value


def _compare(facts: Mapping[str, Any], condition: Mapping[str, Any]) -> bool:
    value = facts.get(condition["field"])
    if value is None:
        return False
    expected = condition["value"]
    if isinstance(value, Decimal) and isinstance(expected, int | float):
        expected = Decimal(str(expected))
    return OPERATORS[condition["op"]](value, _number(expected))


@dataclass(frozen=True)
class CompiledRules:
    requirements: tuple[dict[str, Any], ...]
    points: tuple[dict[str, Any], ...]
    tie_breaks: tuple[str, ...]
    codes: frozenset[str] = field(default_factory=frozenset)

    def point_rule(self, code: str) -> dict[str, Any] | None:
        return next((rule for rule in self.points if rule["code"] == code), None)


def compile_rules(definition: Mapping[str, Any]) -> CompiledRules:
    """Check a rule table and keep it in the shape the engine reads."""
    try:
        requirements = tuple(dict(rule) for rule in definition["requirements"])
        points = tuple(dict(rule) for rule in definition["points"])
        tie_breaks = tuple(rule["key"] for rule in definition.get("tie_breaks", []))
    except (KeyError, TypeError) as error:
        raise RuleError(_("Tabella di regole incompleta: %(error)s") % {"error": error}) from None
    for rule in (*requirements, *(p["when"] for p in points if "field" in p["when"])):
        if rule.get("op") not in OPERATORS or "field" not in rule or "value" not in rule:
            raise RuleError(_("Condizione non valida: %(rule)s") % {"rule": rule})
    for rule in points:
        if not isinstance(rule.get("points"), int) or rule["points"] < 0:
            raise RuleError(_("Punti non validi per %(code)s.") % {"code": rule.get("code")})
    unknown = set(tie_breaks) - {"section_b", "isee", "submitted_on"}
    if unknown:
        raise RuleError(_("Criterio di parità sconosciuto: %(keys)s") % {"keys": sorted(unknown)})
    codes = frozenset(rule["code"] for rule in points)
    if len(codes) != len(points):
        raise RuleError(_("Codici di condizione ripetuti nella tabella."))
    return CompiledRules(requirements, points, tie_breaks, codes)


def _fact_label(facts: Mapping[str, Any], name: str) -> str:
    value = facts.get(name)
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    return str(value)


def score(rules: CompiledRules, facts: Mapping[str, Any], declared: Mapping[str, str]) -> Score:
    """Score one application: ``declared`` maps each declared condition code to its document."""
    exclusions = tuple(
        Exclusion(
            code=rule["code"],
            description=rule["description"],
            article=rule["article"],
            reason=_("Requisito non soddisfatto: %(description)s (dichiarato: %(value)s).")
            % {"description": rule["description"], "value": _fact_label(facts, rule["field"])},
        )
        for rule in rules.requirements
        if not _compare(facts, rule)
    )
    best: dict[str, ScoreItem] = {}
    for rule in rules.points:
        when = rule["when"]
        if when.get("declared"):
            if rule["code"] not in declared:
                continue
            document = declared[rule["code"]] or rule["document"]
        elif _compare(facts, when):
            document = rule["document"]
        else:
            continue
        item = ScoreItem(
            code=rule["code"],
            description=rule["description"],
            article=rule["article"],
            points=rule["points"],
            document=document,
        )
        group = rule.get("group", rule["code"])
        current = best.get(group)
        if current is None or item.points > current.points:
            best[group] = item
    items = tuple(sorted(best.values(), key=lambda item: item.code))
    total = sum(item.points for item in items)
    section_b = sum(item.points for item in items if item.code.startswith("b"))
    if exclusions:
        return Score(total=0, items=(), exclusions=exclusions, section_b=0)
    return Score(total=total, items=items, exclusions=(), section_b=section_b)


@dataclass(frozen=True)
class Candidate:
    """What the ranking orders: one scored application."""

    key: int
    protocol: str
    total: int
    section_b: int
    isee: Decimal
    submitted_on: Any
    excluded: bool


def _compare_candidates(tie_breaks: Sequence[str]) -> Callable[[Candidate, Candidate], int]:
    def compare(left: Candidate, right: Candidate) -> int:
        keys: list[tuple[Any, Any]] = [(right.total, left.total)]
        for name in tie_breaks:
            if name == "section_b":
                keys.append((right.section_b, left.section_b))
            elif name == "isee":
                keys.append((left.isee, right.isee))
            else:
                keys.append((left.submitted_on, right.submitted_on))
        keys.append((left.protocol, right.protocol))
        for first, second in keys:
            if first != second:
                return -1 if first < second else 1
        return 0

    return compare


def rank(rules: CompiledRules, candidates: Sequence[Candidate]) -> list[Candidate]:
    """Eligible candidates in ranking order (points, then the law's tie-breaks)."""
    eligible = [candidate for candidate in candidates if not candidate.excluded]
    return sorted(eligible, key=cmp_to_key(_compare_candidates(rules.tie_breaks)))


def dwelling_fits(definition: Mapping[str, Any], household_size: int, floor_area: int) -> bool:
    """Does a dwelling of ``floor_area`` m² suit a household of this size (art. 12 standard)?"""
    table: dict[str, list[int]] = definition.get("dwelling_standard", {}).get(
        "by_household_size", {}
    )
    if not table:
        return True
    largest = max(int(size) for size in table)
    low, high = table[str(min(household_size, largest))]
    return low <= floor_area <= high
