"""Search-as-you-type and the duplicate check: tolerant, scoped where they must be, indexed."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from solidale.people.matching import normalize, phonetic_key
from solidale.people.selectors import (
    REASON_BIRTH_DATE_SWAPPED,
    REASON_CODICE_FISCALE,
    REASON_SWAPPED_NAME,
    person_duplicate_candidates,
    person_list_recent,
    person_search,
)
from solidale.people.services import alias_add, person_merge

from .factories import make_person

BIRTH = date(1950, 3, 12)


@pytest.fixture
def registry(personas):
    """A few persons registered by the Comune, with neighbours in the name space."""
    return {
        "giuseppina": make_person(
            personas.desk_operator,
            family_name="Bernardini",
            given_name="Giuseppina",
            birth_date=BIRTH,
        ),
        "nicolo": make_person(
            personas.desk_operator, family_name="Ferri", given_name="Nicolò", sex="M"
        ),
        "bernardi": make_person(
            personas.desk_operator, family_name="Bernardi", given_name="Marco", sex="M"
        ),
        "esposito": make_person(personas.desk_operator, family_name="Esposito", given_name="Anna"),
        "de_luca": make_person(personas.desk_operator, family_name="De Luca", given_name="Sofia"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Bernardni", "giuseppina"),
        ("bernardini giuseppina", "giuseppina"),
        ("Giuseppina Bernardini", "giuseppina"),
        ("Nicolo", "nicolo"),
        ("nicolò ferri", "nicolo"),
        ("BERNARDINI", "giuseppina"),
        ("de luca", "de_luca"),
        ("deluca", "de_luca"),
        ("Espo", "esposito"),
    ],
)
def test_search_tolerates_typos_accents_case_and_order(personas, registry, query, expected):
    results = person_search(user=personas.desk_operator, query=query)

    assert results[0] == registry[expected]


def test_search_finds_a_codice_fiscale_and_its_prefix(personas, registry):
    code = registry["esposito"].codice_fiscale

    assert person_search(user=personas.desk_operator, query=code)[0] == registry["esposito"]
    assert registry["esposito"] in person_search(
        user=personas.desk_operator, query=code[:7].lower()
    )


def test_a_codice_fiscale_query_runs_no_name_queries(personas, registry):
    code = registry["esposito"].codice_fiscale
    with CaptureQueriesContext(connection) as captured:
        found = person_search(user=personas.desk_operator, query=code)

    assert found == [registry["esposito"]]
    assert len(captured.captured_queries) == 2


def test_search_finds_an_alias(personas, registry):
    alias_add(actor=personas.desk_operator, person=registry["esposito"], alias="Nannina")

    assert person_search(user=personas.desk_operator, query="nannina") == [registry["esposito"]]


def test_search_is_scoped_to_the_organization(personas, registry):
    assert person_search(user=personas.outsider, query="Bernardini") == []
    assert person_search(user=personas.viewer, query="Bernardini") == []
    assert person_search(user=personas.volunteer, query="Bernardini") == []


def test_search_hides_merged_records(personas, registry):
    duplicate = make_person(
        personas.desk_operator, family_name="Bernardini", given_name="Giusepina", birth_date=BIRTH
    )
    person_merge(
        actor=personas.coordinator, kept=registry["giuseppina"], merged=duplicate, reason="doppione"
    )

    assert duplicate not in person_search(user=personas.desk_operator, query="Bernardini")


def test_search_with_nothing_to_search_is_empty(personas, registry):
    assert person_search(user=personas.desk_operator, query="  ") == []
    assert person_search(user=personas.desk_operator, query="Zzyzx") == []


def _corruptions(person):
    swapped_date = person.birth_date.replace(
        day=person.birth_date.month, month=person.birth_date.day
    )
    base = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "birth_date": person.birth_date,
        "codice_fiscale": None,
    }
    return {
        "typo in the family name": {
            **base,
            "family_name": person.family_name[:-2] + person.family_name[-1],
        },
        "given and family swapped": {
            **base,
            "given_name": person.family_name,
            "family_name": person.given_name,
        },
        "birth date missing": {**base, "birth_date": None},
        "day and month swapped": {**base, "birth_date": swapped_date},
    }


def test_duplicate_candidates_find_the_true_record_under_single_corruptions(personas, registry):
    target = registry["giuseppina"]
    for corruption, query in _corruptions(target).items():
        candidates = person_duplicate_candidates(**query)
        assert target in [candidate.person for candidate in candidates[:5]], corruption


def test_duplicate_candidates_explain_why(personas, registry):
    target = registry["giuseppina"]

    by_code = person_duplicate_candidates(codice_fiscale=target.codice_fiscale)
    swapped = person_duplicate_candidates(
        given_name="Bernardini", family_name="Giuseppina", birth_date=BIRTH
    )
    day_month = person_duplicate_candidates(
        given_name="Giuseppina", family_name="Bernardini", birth_date=date(1950, 12, 3)
    )

    assert by_code[0].person == target
    assert by_code[0].reasons == (REASON_CODICE_FISCALE,)
    assert REASON_SWAPPED_NAME in swapped[0].reasons
    assert REASON_BIRTH_DATE_SWAPPED in day_month[0].reasons


def test_duplicate_candidates_are_network_wide_but_skip_merged_records(personas, registry):
    other_org = make_person(
        personas.outsider,
        family_name="Bernardini",
        given_name="Giuseppina",
        birth_date=BIRTH,
        codice_fiscale=None,
    )
    assert other_org in [
        c.person
        for c in person_duplicate_candidates(family_name="Bernardini", given_name="Giuseppina")
    ]

    person_merge(
        actor=personas.coordinator, kept=registry["giuseppina"], merged=other_org, reason="doppione"
    )

    found = [
        c.person
        for c in person_duplicate_candidates(family_name="Bernardini", given_name="Giuseppina")
    ]
    assert other_org not in found
    assert registry["giuseppina"] in found


def test_a_different_person_born_the_same_day_is_not_a_candidate(personas, registry):
    candidates = person_duplicate_candidates(
        given_name="Carmine", family_name="Rossetti", birth_date=BIRTH
    )

    assert candidates == []


_FULL_SCAN = re.compile(r"\bSCAN (?!CONSTANT ROW)")
#: The indexes a registry read may use on the person table: names, keys, birth date, code, id.
_PERSON_INDEX = re.compile(
    r"USING (INTEGER PRIMARY KEY|(COVERING )?INDEX (person_name_norm|person_given_norm|person_name_keys"
    r"|person_name_keys_rev|person_birth_date|person_unique_codice_fiscale)) "
)


def _assert_indexed(sql, plan):
    for step in plan:
        assert not _FULL_SCAN.search(step), (sql, plan)
        if step.startswith("SEARCH people_person "):
            assert _PERSON_INDEX.search(step), (sql, plan)


def _plans(queries):
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if "people_" not in sql or not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plans.append((sql, [row[-1] for row in cursor.fetchall()]))
    return plans


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
@pytest.mark.parametrize("query", ["Bernardni", "giuseppina bernardini", "BRNGPP", "nannina", "b"])
def test_every_search_query_is_served_by_an_index(personas, registry, query):
    alias_add(actor=personas.desk_operator, person=registry["esposito"], alias="Nannina")
    with CaptureQueriesContext(connection) as captured:
        person_search(user=personas.desk_operator, query=query)

    plans = _plans(captured.captured_queries)
    assert plans
    for sql, plan in plans:
        _assert_indexed(sql, plan)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
def test_every_duplicate_check_query_is_served_by_an_index(personas, registry):
    target = registry["giuseppina"]
    with CaptureQueriesContext(connection) as captured:
        person_duplicate_candidates(
            given_name="Giuseppina",
            family_name="Bernardini",
            birth_date=BIRTH,
            codice_fiscale=target.codice_fiscale,
        )
        person_duplicate_candidates(given_name="Giuseppina")

    plans = _plans(captured.captured_queries)
    assert len(plans) >= 4
    for sql, plan in plans:
        _assert_indexed(sql, plan)


@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_keeps_only_letters_and_single_spaces(text):
    once = normalize(text)

    assert normalize(once) == once
    assert re.fullmatch(r"([a-z]+( [a-z]+)*)?", once)


@given(st.text(alphabet="abcdeghilmnoprstuvzàèéìòù' ", max_size=30))
def test_phonetic_key_ignores_accents_case_and_spacing(text):
    plain = normalize(text)

    assert phonetic_key(text) == phonetic_key(plain) == phonetic_key(text.upper())
    assert phonetic_key(text) == phonetic_key(plain.replace(" ", ""))
    assert len(phonetic_key(text)) <= 8


def test_the_recent_list_shows_my_organization_persons_newest_first(personas, registry):
    recent = person_list_recent(user=personas.desk_operator, limit=3)

    assert recent == [registry["de_luca"], registry["esposito"], registry["bernardi"]]
    assert person_list_recent(user=personas.outsider) == []
    assert person_list_recent(user=personas.citizen) == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's")
def test_the_recent_list_is_served_by_the_link_index(personas, registry):
    with CaptureQueriesContext(connection) as captured:
        person_list_recent(user=personas.desk_operator, offset=2, limit=2)

    plans = _plans(captured.captured_queries)
    link_plans = [plan for sql, plan in plans if "people_personlink" in sql.split("WHERE")[0]]
    assert link_plans
    for sql, plan in plans:
        _assert_indexed(sql, plan)
    assert any("personlink_org_person" in step for plan in link_plans for step in plan)
    assert not any("TEMP B-TREE" in step for plan in link_plans for step in plan)
