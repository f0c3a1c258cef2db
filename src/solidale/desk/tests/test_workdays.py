from datetime import date

from solidale.desk.workdays import (
    add_working_days,
    easter_sunday,
    is_working_day,
    italian_holidays,
    working_days_between,
)


def test_easter_is_computed_for_known_years() -> None:
    assert easter_sunday(2024) == date(2024, 3, 31)
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)


def test_easter_monday_and_the_national_holidays_are_not_working_days() -> None:
    holidays = italian_holidays(2026)
    assert date(2026, 4, 6) in holidays  # Easter Monday
    assert {date(2026, 4, 25), date(2026, 6, 2), date(2026, 12, 8), date(2026, 12, 26)} <= holidays
    assert not is_working_day(date(2026, 4, 6))
    assert is_working_day(date(2026, 4, 7))


def test_christmas_eve_plus_two_working_days_skips_christmas_st_stephen_and_the_weekend() -> None:
    # 24/12/2026 is a Thursday: 25 and 26 are holidays, 27 is Sunday.
    assert add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 29)


def test_friday_plus_one_working_day_is_monday() -> None:
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_working_days_between_counts_only_working_days() -> None:
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 2
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 24)) == 0
