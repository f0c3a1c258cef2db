from __future__ import annotations

import random
from datetime import date
from typing import Literal

from codicefiscale import codicefiscale

from solidale.demo.codes import check_character, codice_fiscale, omocode_variants
from solidale.demo.names import origins, transliterate_ukrainian


def test_the_fast_codice_fiscale_matches_the_library() -> None:
    rng = random.Random(7)
    for _ in range(200):
        origin = rng.choice(origins())
        sex: Literal["M", "F"] = "M" if rng.random() < 0.5 else "F"
        given = rng.choice(origin.male if sex == "M" else origin.female)
        family = rng.choice(origin.surnames)
        born = date.fromordinal(
            rng.randint(date(1930, 1, 1).toordinal(), date(2010, 12, 31).toordinal())
        )
        place = origin.country_code or "F023"

        fast = codice_fiscale(
            family_name=family, given_name=given, sex=sex, birth_date=born, place_code=place
        )

        expected = codicefiscale.encode(
            lastname=family,
            firstname=given,
            gender=sex,
            birthdate=born.strftime("%d/%m/%Y"),
            birthplace=place,
        )
        assert fast == expected, (family, given, sex, born, place)


def test_omocode_variants_are_valid_distinct_and_decode_to_the_same_person() -> None:
    code = codice_fiscale(
        family_name="Bernardini",
        given_name="Giuseppina",
        sex="F",
        birth_date=date(1948, 3, 12),
        place_code="F023",
    )

    variants = list(omocode_variants(code))

    assert code == "BRNGPP48C52F023E"
    assert len(set(variants)) == 7 and code not in variants
    for variant in variants:
        assert codicefiscale.is_valid(variant)
        assert codicefiscale.decode(variant)["birthdate"].date() == date(1948, 3, 12)


def test_the_check_character_follows_the_official_tables() -> None:
    assert check_character("RSSMRA80A01H501") == "U"


def test_ukrainian_names_are_transliterated_as_on_italian_documents() -> None:
    assert transliterate_ukrainian("Олександр") == "Oleksandr"
    assert transliterate_ukrainian("Юлія") == "Yuliia"
    assert transliterate_ukrainian("Шевченко") == "Shevchenko"
