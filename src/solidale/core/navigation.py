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


@dataclass(frozen=True)
class NavGroup:
    """A menu section shown as a drop-down; ``key`` is a stable id for its markup."""

    label: str | Promise
    key: str
    entries: list[NavEntry]


def menu_for(role: str | None) -> list[NavEntry | NavGroup]:
    """The role's menu: entries without a group, and a drop-down per group, in order.

    A group placed where its first entry would be; a group with one entry for this role
    is shown as that entry alone, since a drop-down of one link only adds a click.
    """
    menu: list[NavEntry | NavGroup] = []
    groups: dict[str, NavGroup] = {}
    for entry in entries_for(role):
        if entry.group is None:
            menu.append(entry)
            continue
        key = str(entry.group)
        if key not in groups:
            groups[key] = NavGroup(entry.group, f"menu-{len(groups) + 1}", [])
            menu.append(groups[key])
        groups[key].entries.append(entry)
    return [
        item.entries[0] if isinstance(item, NavGroup) and len(item.entries) == 1 else item
        for item in menu
    ]
