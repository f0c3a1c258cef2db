"""The pure helpers of the benchmark harness (``bench/``). The benchmark itself is never a test."""

from __future__ import annotations

import random
from datetime import date

import pytest
from rapidfuzz.distance import DamerauLevenshtein

from bench.corruption import (
    DAY_MONTH_SWAPPED,
    KINDS,
    NO_BIRTH_DATE,
    NO_CODICE_FISCALE,
    SWAPPED_NAMES,
    TYPO_FAMILY,
    TYPO_GIVEN,
    Record,
    applicable,
    corrupt,
    plan,
    swap_day_month,
    typo,
)
from bench.stats import LoadResult, load_table, percentile, ratios

ROSSI = Record(
    pk=1,
    given_name="Mario",
    family_name="Rossi",
    birth_date=date(1980, 3, 7),
    codice_fiscale="RSSMRA80C07F023X",
)


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([10, 20, 30, 40], 50) == 25
    assert (
        percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21], 95)
        == 20
    )
    assert percentile([5], 95) == 5
    assert percentile([3, 1, 2], 0) == 1 and percentile([3, 1, 2], 100) == 3


def test_percentile_refuses_an_empty_sample() -> None:
    with pytest.raises(ValueError, match="empty"):
        percentile([], 50)


def test_ratios_compare_a_target_with_hello() -> None:
    hello = LoadResult("hello", "/hello", 1000, 0, 500.0, 2.0, 4.0)
    search = LoadResult("search", "/people/", 250, 0, 125.0, 8.0, 20.0)

    r = ratios(search, hello)

    assert (r.throughput, r.p50, r.p95) == (0.25, 4.0, 5.0)
    table = load_table([hello, search], hello)
    assert "0.250" in table[2] and "4.00" in table[2] and "1.000" in table[1]


def test_load_result_from_samples_counts_failures_as_requests() -> None:
    result = LoadResult.from_samples(
        target="api",
        path="/api/v1/persons",
        samples_ms=[1.0, 2.0, 3.0],
        failures=2,
        requests_per_second=9.5,
    )

    assert result.requests == 5 and result.failures == 2 and result.p50_ms == 2.0


def test_a_typo_is_one_edit_away() -> None:
    rng = random.Random(3)
    for name in ("Bernardini", "Rossi", "De Luca", "Ba", "El Amrani"):
        for _ in range(50):
            typed = typo(name, rng)
            assert typed.lower() != name.lower()
            assert DamerauLevenshtein.distance(typed, name) == 1


def test_each_corruption_changes_only_its_field() -> None:
    rng = random.Random(5)

    assert corrupt(ROSSI, TYPO_GIVEN, rng).family_name == "Rossi"
    assert corrupt(ROSSI, TYPO_GIVEN, rng).given_name != "Mario"
    assert corrupt(ROSSI, TYPO_FAMILY, rng).given_name == "Mario"
    swapped = corrupt(ROSSI, SWAPPED_NAMES, rng)
    assert (swapped.given_name, swapped.family_name) == ("Rossi", "Mario")
    assert corrupt(ROSSI, NO_BIRTH_DATE, rng).birth_date is None
    assert corrupt(ROSSI, NO_CODICE_FISCALE, rng).codice_fiscale is None
    assert corrupt(ROSSI, DAY_MONTH_SWAPPED, rng).birth_date == date(1980, 7, 3)
    assert corrupt(ROSSI, NO_BIRTH_DATE, rng).codice_fiscale == ROSSI.codice_fiscale


def test_day_and_month_are_swapped_only_into_another_valid_date() -> None:
    assert swap_day_month(date(1980, 3, 7)) == date(1980, 7, 3)
    assert swap_day_month(date(1980, 3, 25)) is None  # no 25th month
    assert swap_day_month(date(1980, 4, 4)) is None  # the same date
    late = Record(
        pk=2,
        given_name="Anna",
        family_name="Bianchi",
        birth_date=date(1990, 1, 30),
        codice_fiscale=None,
    )
    assert not applicable(DAY_MONTH_SWAPPED, late) and not applicable(NO_CODICE_FISCALE, late)


def test_the_plan_shares_the_kinds_evenly_and_skips_those_that_do_not_apply() -> None:
    rng = random.Random(11)
    without_code = Record(
        pk=3,
        given_name="Luca",
        family_name="Neri",
        birth_date=date(1970, 5, 20),
        codice_fiscale=None,
    )
    records = [ROSSI] * 12 + [without_code] * 6

    planned = plan(records, rng)

    kinds = [kind for _record, kind, _query in planned]
    assert len(planned) == len(records)
    assert kinds[:6] == list(KINDS) and kinds[6:12] == list(KINDS)
    assert NO_CODICE_FISCALE not in kinds[12:] and DAY_MONTH_SWAPPED not in kinds[12:]
    assert all(query.pk == record.pk for record, _kind, query in planned)
