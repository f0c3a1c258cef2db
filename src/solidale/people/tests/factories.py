"""Build people-registry state through the services, as the pages and the API do."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from codicefiscale import codicefiscale

from solidale.people.models import Household, Person
from solidale.people.services import household_create, household_member_add, person_create

_FAMILY_NAMES = itertools.cycle(
    [
        "Lombardi",
        "Ferrari",
        "Esposito",
        "Romano",
        "Colombo",
        "Ricci",
        "Marino",
        "Greco",
        "Bruno",
        "Gallo",
    ]
)
_counter = itertools.count(1)


def codice_fiscale_for(
    *, family_name: str, given_name: str, sex: str, birth_date: date, birth_place: str = "F023"
) -> str:
    """A valid codice fiscale (birthplace Massa, F023, unless told)."""
    return str(
        codicefiscale.encode(
            lastname=family_name,
            firstname=given_name,
            gender="M" if sex == "M" else "F",
            birthdate=birth_date.strftime("%d/%m/%Y"),
            birthplace=birth_place,
        )
    )


def person_data(**overrides: Any) -> dict[str, Any]:
    """Fields for a distinct person with a consistent codice fiscale."""
    number = next(_counter)
    data: dict[str, Any] = {
        "family_name": f"{next(_FAMILY_NAMES)}",
        "given_name": f"Persona{chr(ord('a') + number % 26)}{chr(ord('a') + number // 26 % 26)}",
        "sex": "F",
        "birth_date": date(1940 + number % 60, 1 + number % 12, 1 + number % 28),
    }
    data.update(overrides)
    if (
        "codice_fiscale" not in overrides
        and data.get("birth_date")
        and data.get("sex") in ("M", "F")
    ):
        data["codice_fiscale"] = codice_fiscale_for(
            family_name=data["family_name"] or "X",
            given_name=data["given_name"] or "X",
            sex=data["sex"],
            birth_date=data["birth_date"],
        )
    return data


def make_person(actor: Any, **overrides: Any) -> Person:
    return person_create(actor=actor, data=person_data(**overrides), confirm_similar=True)


def make_household(
    actor: Any, *members: tuple[Person, str], name: str = "Nucleo di prova"
) -> Household:
    household = household_create(actor=actor, data={"name": name})
    for person, relationship in members:
        household_member_add(
            actor=actor, household=household, person=person, relationship=relationship
        )
    return household


__all__ = ["codice_fiscale_for", "make_household", "make_person", "person_data"]
