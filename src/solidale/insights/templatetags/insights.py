from __future__ import annotations

from typing import Any

from django import template

from ..selectors import SMALL_CELL

register = template.Library()


@register.filter
def cell(value: Any, suppress: bool) -> Any:
    """A count of people as shown: under the small-cell threshold it reads "<5"."""
    if suppress and isinstance(value, int) and 0 < value < SMALL_CELL:
        return f"<{SMALL_CELL}"
    return value
