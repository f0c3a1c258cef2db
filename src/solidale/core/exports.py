"""Exportable lists: each app registers the lists a user may download (CSV, XLSX).

An app registers an :class:`ExportSource` in ``AppConfig.ready``; its ``rows`` function
applies the same scoping as the page it comes from (the user's organization and role)
and the filters of that page (the query string, passed as ``params``). The ``insights``
app runs exports in the task worker with a progress bar, asks for a stated purpose when
the list holds personal data, writes the access-log row and serves the file. A list page
links to ``insights:export_create`` with ``?source=<key>&<its filters>``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class ExportSource:
    key: str  # "<app>.<list>", e.g. "food.cards"
    label: str | Promise
    #: Column headers, in order; each row is a sequence of cell values in the same order.
    columns: Sequence[str | Promise]
    rows: Callable[[Any, dict[str, str]], Iterable[Sequence[Any]]]  # (user, params)
    count: Callable[[Any, dict[str, str]], int]  # how many rows, for the progress bar
    allowed: Callable[[Any], bool]  # may this user export it at all
    personal_data: bool = True  # needs a stated purpose and writes an access-log row


_sources: dict[str, ExportSource] = {}


def register(source: ExportSource) -> None:
    _sources[source.key] = source


def get(key: str) -> ExportSource | None:
    return _sources.get(key)


def registered() -> list[ExportSource]:
    return sorted(_sources.values(), key=lambda source: source.key)
