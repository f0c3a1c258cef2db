"""Working days in Italy: weekends and the national public holidays are not working days.

Computed here (Easter by the Gregorian computus) so that no holiday table has to be
kept up to date: New Year, Epiphany, Easter Monday, Liberation Day, Labour Day,
Republic Day, Assumption, All Saints, Immaculate Conception, Christmas, St Stephen.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

#: Fixed-date national holidays as (month, day).
FIXED_HOLIDAYS = (
    (1, 1),
    (1, 6),
    (4, 25),
    (5, 1),
    (6, 2),
    (8, 15),
    (11, 1),
    (12, 8),
    (12, 25),
    (12, 26),
)


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def italian_holidays(year: int) -> frozenset[date]:
    days = {date(year, month, day) for month, day in FIXED_HOLIDAYS}
    days.add(easter_sunday(year) + timedelta(days=1))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in italian_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
