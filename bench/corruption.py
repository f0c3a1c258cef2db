"""The corruptions the duplicate-check benchmark applies to a true record.

Each query describes an existing person with exactly one mistake an operator makes at the
desk: a typo in a name, given and family name swapped, a missing birth date or codice
fiscale, day and month swapped. The check must still find the true record.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, replace
from datetime import date

TYPO_GIVEN = "typo_given"
TYPO_FAMILY = "typo_family"
SWAPPED_NAMES = "swapped_names"
NO_BIRTH_DATE = "no_birth_date"
NO_CODICE_FISCALE = "no_codice_fiscale"
DAY_MONTH_SWAPPED = "day_month_swapped"
KINDS = (
    TYPO_GIVEN,
    TYPO_FAMILY,
    SWAPPED_NAMES,
    NO_BIRTH_DATE,
    NO_CODICE_FISCALE,
    DAY_MONTH_SWAPPED,
)


@dataclass(frozen=True)
class Record:
    """What a duplicate check is given: the fields an operator types."""

    pk: int
    given_name: str
    family_name: str
    birth_date: date | None
    codice_fiscale: str | None


def typo(text: str, rng: random.Random) -> str:
    """One keyboard mistake: a letter replaced, dropped, doubled-in or two letters transposed."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 2:
        raise ValueError(f"too short for a typo: {text!r}")
    while True:
        i = rng.choice(letters)
        operation = rng.choice(("replace", "delete", "insert", "transpose"))
        if operation == "replace":
            result = text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]
        elif operation == "delete":
            result = text[:i] + text[i + 1 :]
        elif operation == "insert":
            result = text[:i] + rng.choice(string.ascii_lowercase) + text[i:]
        else:
            j = i + 1 if i + 1 < len(text) and text[i + 1].isalpha() else i - 1
            if j < 0 or not text[j].isalpha():
                continue
            a, b = sorted((i, j))
            result = text[:a] + text[b] + text[a] + text[b + 1 :]
        if result.lower() != text.lower():
            return result


def swap_day_month(value: date) -> date | None:
    """The date with day and month exchanged, when that is another valid date."""
    if value.day > 12 or value.day == value.month:
        return None
    return value.replace(month=value.day, day=value.month)


def applicable(kind: str, record: Record) -> bool:
    if kind == TYPO_GIVEN:
        return sum(ch.isalpha() for ch in record.given_name) >= 3
    if kind == TYPO_FAMILY:
        return sum(ch.isalpha() for ch in record.family_name) >= 3
    if kind == SWAPPED_NAMES:
        return bool(record.given_name and record.family_name) and (
            record.given_name.lower() != record.family_name.lower()
        )
    if kind == NO_BIRTH_DATE:
        return record.birth_date is not None
    if kind == NO_CODICE_FISCALE:
        return bool(record.codice_fiscale)
    if kind == DAY_MONTH_SWAPPED:
        return record.birth_date is not None and swap_day_month(record.birth_date) is not None
    raise ValueError(f"unknown corruption {kind!r}")


def corrupt(record: Record, kind: str, rng: random.Random) -> Record:
    """The record as the operator typed it, with the one corruption ``kind``."""
    if not applicable(kind, record):
        raise ValueError(f"{kind} does not apply to record {record.pk}")
    if kind == TYPO_GIVEN:
        return replace(record, given_name=typo(record.given_name, rng))
    if kind == TYPO_FAMILY:
        return replace(record, family_name=typo(record.family_name, rng))
    if kind == SWAPPED_NAMES:
        return replace(record, given_name=record.family_name, family_name=record.given_name)
    if kind == NO_BIRTH_DATE:
        return replace(record, birth_date=None)
    if kind == NO_CODICE_FISCALE:
        return replace(record, codice_fiscale=None)
    assert record.birth_date is not None  # applicable() checked it
    return replace(record, birth_date=swap_day_month(record.birth_date))


def plan(records: list[Record], rng: random.Random) -> list[tuple[Record, str, Record]]:
    """(true record, kind, corrupted query) for each record, the kinds shared out evenly.

    Each record gets the kind used least so far among those it admits (a birth date on
    the 25th cannot have day and month swapped; ties go in ``KINDS`` order), so every
    kind ends up with about the same number of queries.
    """
    used = dict.fromkeys(KINDS, 0)
    out = []
    for record in records:
        admitted = [kind for kind in KINDS if applicable(kind, record)]
        if not admitted:
            continue
        kind = min(admitted, key=lambda k: used[k])
        used[kind] += 1
        out.append((record, kind, corrupt(record, kind, rng)))
    return out
