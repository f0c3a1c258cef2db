"""Template filters of the directory pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from ..forms import WEEKDAY_LABELS
from ..models import WEEKDAY_CODES, Schedule
from ..selectors import LANGUAGE_NAMES

register = template.Library()


@register.filter
def schedule_days(schedule: Schedule) -> str:
    """``MO,WE`` as «lunedì, mercoledì»; every day as «tutti i giorni»."""
    days = schedule.days
    if len(days) == len(WEEKDAY_CODES):
        return _("tutti i giorni")
    return ", ".join(str(WEEKDAY_LABELS[WEEKDAY_CODES.index(code)]) for code in days)


@register.filter
def language_names(codes: list[str]) -> str:
    return ", ".join(LANGUAGE_NAMES.get(code, code) for code in codes)
