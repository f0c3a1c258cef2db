"""The cruscotto's own export: the figures of a dashboard, aggregated (no personal data)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidale.core import exports, indicators

from .. import selectors
from ..permissions import is_staff_member


def _rows(user: Any, params: dict[str, str]) -> Iterator[Sequence[Any]]:
    filters = selectors.filters_from(params, today=timezone.localdate())
    suppress = getattr(getattr(user, "membership", None), "role", None) == "viewer"
    for section in selectors.sections(filters, suppress=suppress):
        for figure in section.figures:
            yield (
                section.title,
                figure.label,
                figure.unit,
                filters.start.isoformat(),
                filters.end.isoformat(),
                figure.display if figure.suppressed else figure.value,
                figure.previous if not figure.suppressed else "",
            )


def register() -> None:
    exports.register(
        exports.ExportSource(
            key="insights.figures",
            label=_("Dati del cruscotto (aggregati)"),
            columns=(
                _("Sezione"),
                _("Indicatore"),
                _("Unità"),
                _("Dal"),
                _("Al"),
                _("Valore"),
                _("Periodo precedente"),
            ),
            rows=_rows,
            count=lambda user, params: len(indicators.registered()),
            allowed=is_staff_member,
            personal_data=False,
        )
    )
