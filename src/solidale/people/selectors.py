"""Reads on the person registry: search-as-you-type and the duplicate check.

Both work in two steps: *blocking* queries that an index serves (equality or a
range on the normalized names, the phonetic keys, the birth date, the codice
fiscale), each capped with ``LIMIT``; then ranking of the few hundred candidates in
Python with rapidfuzz. No ``LIKE '%…%'`` scan ever touches the whole table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from .matching import normalize, phonetic_key
from .models import Person, PersonAlias, PersonLink
from .validation import clean_codice_fiscale

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from solidale.accounts.models import User

#: Candidates ranked per search (the blocking queries stop there).
SEARCH_CANDIDATES = 300
#: Candidates read per blocking query of the duplicate check.
DUPLICATE_BLOCK = 200
#: Below this score a candidate is not worth showing as a possible duplicate.
DUPLICATE_MIN_SCORE = 70.0

_CF_PREFIX = re.compile(r"^[A-Z]{6}[0-9A-Z]*$")
_CF_MIN_PREFIX = 6
_CANDIDATE_COLUMNS = ("pk", "family_norm", "given_norm", "birth_date", "codice_fiscale")


def _prefix_range(field: str, prefix: str) -> dict[str, str]:
    """``field`` starts with ``prefix``, as a range an ordinary B-tree index serves.

    Normalized names hold only ``a-z`` and spaces and codes only ``0-9A-Z``, so the
    character after the last one is a safe exclusive upper bound.
    """
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return {f"{field}__gte": prefix, f"{field}__lt": upper}


def looks_like_codice_fiscale(query: str) -> bool:
    code = clean_codice_fiscale(query)
    return len(code) >= _CF_MIN_PREFIX and len(code) <= 16 and bool(_CF_PREFIX.match(code))


def _name_blocks(query: str) -> list[dict[str, str]]:
    """Filters (each served by one index) for the ways a typed name can match."""
    text = normalize(query)
    tokens = text.split()
    if not tokens:
        return []
    blocks: list[dict[str, str]] = [_prefix_range("family_norm", text)]
    if len(tokens) == 1:
        token = tokens[0]
        blocks.append(_prefix_range("given_norm", token))
        key = phonetic_key(token)
        if len(key) >= 2:
            blocks.append({"family_key": key})
            blocks.append({"given_key": key})
        return blocks
    for split in range(1, len(tokens)):
        first, rest = " ".join(tokens[:split]), " ".join(tokens[split:])
        for family, given in ((first, rest), (rest, first)):
            blocks.append({"family_norm": family, **_prefix_range("given_norm", given)})
            blocks.append({"family_key": phonetic_key(family), "given_key": phonetic_key(given)})
    return blocks


def person_search(*, user: User | AnonymousUser, query: str, limit: int = 20) -> list[Person]:
    """Persons visible to ``user`` matching ``query`` (name, alias or codice fiscale), best first.

    Typos and accents are tolerated: a token matches by normalized prefix or by phonetic
    key, so ``"Bernardni"`` finds ``"Bernardini"`` and ``"Nicolo"`` finds ``"Nicolò"``.
    """
    query = query.strip()
    if not query:
        return []
    visible = Person.objects.visible_to(user).order_by()
    candidate_ids: dict[int, tuple[str, str]] = {}
    exact_code: set[int] = set()

    def collect(rows: Iterable[tuple[Any, ...]]) -> None:
        for pk, family, given in rows:
            candidate_ids.setdefault(pk, (family, given))

    code = clean_codice_fiscale(query)
    only_code = looks_like_codice_fiscale(query) and any(ch.isdigit() for ch in code)
    if looks_like_codice_fiscale(query):
        rows = list(
            visible.filter(**_prefix_range("codice_fiscale", code)).values_list(
                "pk", "family_norm", "given_norm"
            )[:SEARCH_CANDIDATES]
        )
        collect(rows)
        exact_code.update(pk for pk, _family, _given in rows)
    for block in [] if only_code else _name_blocks(query):
        if len(candidate_ids) >= SEARCH_CANDIDATES:
            break
        collect(
            visible.filter(**block).values_list("pk", "family_norm", "given_norm")[
                :SEARCH_CANDIDATES
            ]
        )
    text = normalize(query)
    if text and not only_code and len(candidate_ids) < SEARCH_CANDIDATES:
        alias_people = PersonAlias.objects.filter(**_prefix_range("alias_norm", text)).values(
            "person_id"
        )
        collect(
            visible.filter(pk__in=alias_people).values_list("pk", "family_norm", "given_norm")[
                :SEARCH_CANDIDATES
            ]
        )
    if not candidate_ids:
        return []

    def score(item: tuple[int, tuple[str, str]]) -> tuple[float, int]:
        pk, (family, given) = item
        if pk in exact_code:
            return (200.0, -pk)
        full = f"{family} {given}"
        value = max(fuzz.WRatio(text, full), fuzz.token_sort_ratio(text, full))
        if full.startswith(text) or given.startswith(text):
            value += 10
        return (value, -pk)

    ranked = sorted(candidate_ids.items(), key=score, reverse=True)[:limit]
    persons = Person.objects.in_bulk([pk for pk, _names in ranked])
    return [persons[pk] for pk, _names in ranked if pk in persons]


def person_list_recent(
    *, user: User | AnonymousUser, offset: int = 0, limit: int = 25
) -> list[Person]:
    """The persons the user's organization follows, most recently registered first.

    Driven by the organization's open links (their index is ordered by person), so it
    is as fast for an association following ten persons as for the Comune.
    """
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None:
        return []
    ids = list(
        PersonLink.objects.open()
        .filter(organization_id=membership.organization_id)
        .order_by("-person_id")
        .values_list("person_id", flat=True)
        .distinct()[offset : offset + limit]
    )
    persons = Person.objects.visible_to(user).in_bulk(ids)
    return [persons[pk] for pk in ids if pk in persons]


def person_get_by_codice_fiscale(codice_fiscale: str) -> Person | None:
    """The current person holding this code, network-wide.

    Only for "register at my organization": knowing the full code is the proof that
    the operator has the person in front of them. Never show the result unscoped.
    """
    code = clean_codice_fiscale(codice_fiscale)
    if not code:
        return None
    return Person.objects.current().filter(codice_fiscale=code).first()


@dataclass(frozen=True)
class DuplicateCandidate:
    person: Person
    score: float
    reasons: tuple[str, ...]


#: Why a candidate looks like the same person (codes in ``DuplicateCandidate.reasons``).
REASON_CODICE_FISCALE = "codice_fiscale"
REASON_BIRTH_DATE = "birth_date"
REASON_BIRTH_DATE_SWAPPED = "birth_date_swapped"
REASON_SAME_NAME = "same_name"
REASON_SIMILAR_NAME = "similar_name"
REASON_SWAPPED_NAME = "swapped_name"
NAME_REASONS = frozenset({REASON_SAME_NAME, REASON_SIMILAR_NAME, REASON_SWAPPED_NAME})


def _swapped_day_month(value: date | None) -> date | None:
    if value is None or value.day > 12 or value.day == value.month:
        return None
    return value.replace(month=value.day, day=value.month)


def _score_candidate(
    *,
    family: str,
    given: str,
    birth_date: date | None,
    code: str,
    row: tuple[Any, ...],
) -> tuple[float, tuple[str, ...]]:
    _pk, c_family, c_given, c_birth, c_code = row
    reasons: list[str] = []
    if code and c_code == code:
        return 100.0, (REASON_CODICE_FISCALE,)
    name_score = 50.0
    if family or given:
        query_name = f"{family} {given}".strip()
        direct = fuzz.ratio(query_name, f"{c_family} {c_given}".strip())
        swapped = fuzz.ratio(f"{given} {family}".strip(), f"{c_family} {c_given}".strip())
        if not (family and given):
            direct = max(direct, fuzz.ratio(query_name, c_family), fuzz.ratio(query_name, c_given))
        if direct == 100:
            reasons.append(REASON_SAME_NAME)
        elif swapped >= 90 and swapped > direct:
            reasons.append(REASON_SWAPPED_NAME)
        elif max(direct, swapped) >= 80:
            reasons.append(REASON_SIMILAR_NAME)
        name_score = max(direct, swapped * 0.98)
    birth_score = 50.0
    if birth_date is not None and c_birth is not None:
        if c_birth == birth_date:
            birth_score = 100.0
            reasons.append(REASON_BIRTH_DATE)
        elif c_birth == _swapped_day_month(birth_date):
            birth_score = 85.0
            reasons.append(REASON_BIRTH_DATE_SWAPPED)
        else:
            birth_score = 0.0
    total = 0.65 * name_score + 0.35 * birth_score
    if code and c_code and c_code != code:
        total -= 10
    return total, tuple(reasons)


def person_duplicate_candidates(
    *,
    given_name: str = "",
    family_name: str = "",
    birth_date: date | None = None,
    codice_fiscale: str | None = None,
    limit: int = 5,
    exclude_pk: int | None = None,
) -> list[DuplicateCandidate]:
    """Persons of the whole network who may be the one described, best first.

    Not scoped to a user: the caller decides what to disclose (see
    ``permissions.person_disclosure``). Merged records are never candidates.
    """
    family, given = normalize(family_name), normalize(given_name)
    code = clean_codice_fiscale(codice_fiscale)
    current = Person.objects.current().order_by()
    if exclude_pk is not None:
        current = current.exclude(pk=exclude_pk)
    rows: dict[int, tuple[Any, ...]] = {}

    def collect(**lookup: Any) -> int:
        found = list(current.filter(**lookup).values_list(*_CANDIDATE_COLUMNS)[:DUPLICATE_BLOCK])
        for row in found:
            rows.setdefault(row[0], row)
        return len(found)

    if code:
        collect(codice_fiscale=code)
    if birth_date is not None:
        swapped = _swapped_day_month(birth_date)
        collect(birth_date__in=[birth_date, swapped] if swapped else [birth_date])
    family_key, given_key = phonetic_key(family_name), phonetic_key(given_name)
    if family_key and given_key:
        if collect(family_key=family_key, given_key=given_key) >= DUPLICATE_BLOCK:
            collect(family_norm=family, given_norm=given)
        if collect(family_key=given_key, given_key=family_key) >= DUPLICATE_BLOCK:
            collect(family_norm=given, given_norm=family)
    elif family_key or given_key:
        collect(family_key=family_key or given_key)
        collect(given_key=given_key or family_key)
    scored = []
    for pk, row in rows.items():
        value, reasons = _score_candidate(
            family=family, given=given, birth_date=birth_date, code=code, row=row
        )
        if value >= DUPLICATE_MIN_SCORE:
            scored.append((value, -pk, reasons))
    scored.sort(reverse=True)
    best = scored[:limit]
    persons = Person.objects.in_bulk([-negative_pk for _value, negative_pk, _reasons in best])
    return [
        DuplicateCandidate(person=persons[-negative_pk], score=round(value, 1), reasons=reasons)
        for value, negative_pk, reasons in best
        if -negative_pk in persons
    ]
