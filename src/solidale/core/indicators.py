"""Indicators and contacts: what each app counts, for dashboards, reports and open data.

An app registers in ``AppConfig.ready``:

* :class:`Indicator` — a daily count (accesses, parcels, bed-nights, reports…). Its
  ``facts(start, end)`` returns :class:`Fact` rows already aggregated per day,
  neighbourhood and organization; the ``insights`` app stores them in a summary table
  refreshed by the task worker, so dashboards never scan the apps' tables. A fact may
  name the ``program`` it belongs to (a stable key such as ``"food.program:3"``); an
  indicator that does so sets ``by_program`` and its app lists the programs' labels
  with :func:`register_programs`, so that dashboards can filter by program.
* a contacts provider — every time the network met a person (an access, a case
  diary entry, a distribution, a night in a shelter, an outreach encounter…), as
  :class:`Contact` rows. Insights counts people reached once across the network and
  the alert rules find fragile people nobody has met for a while.

No app imports another; counts about people are suppressed below the small-cell
threshold wherever they leave the staff pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise


@dataclass(frozen=True)
class Fact:
    day: date
    value: int
    neighbourhood_id: int | None = None
    organization_id: int | None = None
    program: str = ""  # "<app>.program:<id>", or "" when the fact belongs to no program


@dataclass(frozen=True)
class Indicator:
    key: str  # "<app>.<name>", e.g. "food.parcels"
    label: str | Promise
    unit: str | Promise  # "accessi", "pasti", "notti"…
    section: str | Promise  # the heading it appears under (the app's area)
    facts: Callable[[date, date], Iterable[Fact]]  # inclusive range of days
    counts_people: bool = False  # subject to small-cell suppression in public outputs
    order: int = 100
    by_program: bool = False  # its facts name their program, so it can be filtered by one


@dataclass(frozen=True)
class Contact:
    person_id: int
    day: date
    organization_id: int | None
    kind: str  # the contributing app's label


@dataclass(frozen=True)
class Program:
    key: str  # the ``Fact.program`` of its facts
    label: str
    organization_id: int | None


ContactsProvider = Callable[[date, date], Iterable[Contact]]
#: (program key, label, organization id) of every program an app's facts may name.
ProgramsProvider = Callable[[], list[tuple[str, str, int | None]]]

_indicators: dict[str, Indicator] = {}
_contacts: dict[str, ContactsProvider] = {}
_programs: dict[str, ProgramsProvider] = {}


def register(indicator: Indicator) -> None:
    _indicators[indicator.key] = indicator


def register_contacts(key: str, provider: ContactsProvider) -> None:
    _contacts[key] = provider


def register_programs(key: str, provider: ProgramsProvider) -> None:
    _programs[key] = provider


def programs() -> list[Program]:
    """Every registered program, by label."""
    found = [
        Program(key, label, organization_id)
        for provider in _programs.values()
        for key, label, organization_id in provider()
    ]
    return sorted(found, key=lambda program: (program.label.casefold(), program.key))


def registered() -> list[Indicator]:
    return sorted(_indicators.values(), key=lambda indicator: (indicator.order, indicator.key))


def contacts_between(start: date, end: date) -> Iterable[Contact]:
    for provider in _contacts.values():
        yield from provider(start, end)
