"""The main menu: each app registers its entries (with the roles that see them) in ``ready``."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    order: int = 100
    #: The menu section the entry sits in (e.g. "Cibo"); None for top-level entries.
    group: str | Promise | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name)


#: The pseudo-role under which citizens' menu entries are registered (citizens have no membership).
CITIZEN = "citizen"

_entries: list[NavEntry] = []


def register(
    label: str | Promise,
    url_name: str,
    roles: set[str] | frozenset[str],
    order: int = 100,
    group: str | Promise | None = None,
) -> None:
    if any(entry.url_name == url_name for entry in _entries):
        return
    _entries.append(NavEntry(label, url_name, frozenset(roles), order, group))
    _entries.sort(key=lambda entry: entry.order)


def entries_for(role: str | None) -> list[NavEntry]:
    return [entry for entry in _entries if role in entry.roles]
