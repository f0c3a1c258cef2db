"""Data for the cruscotto's tests, built through the apps' services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from solidale.cases import services as cases
from solidale.cases.models import Case, InterventionStatus, InterventionType
from solidale.cases.tests.factories import open_case
from solidale.core.models import Neighbourhood
from solidale.desk.tests.factories import make_access
from solidale.people.models import Person
from solidale.people.services import person_create

from ..services import refresh_request, refresh_run


def neighbourhood(name: str = "Romagnano") -> Neighbourhood:
    ring = [[10.1, 44.0], [10.2, 44.0], [10.2, 44.1], [10.1, 44.0]]
    return Neighbourhood.objects.get_or_create(
        name=name,
        defaults={"slug": name.lower(), "boundary": {"type": "Polygon", "coordinates": [ring]}},
    )[0]


def identified_person(personas: Any, **data: Any) -> Person:
    values = {
        "given_name": "Ilaria",
        "family_name": "Bertolucci",
        "is_identified": True,
        "codice_fiscale": "BRTLRI80D43F023G",
        "birth_date": date(1980, 4, 3),
        "birth_place_code": "F023",
        "sex": "F",
        "citizenship": "italiana",
        "residence_municipality": "Massa",
    } | data
    return person_create(actor=personas.desk_operator, data=values, confirm_similar=True)


def accesses(personas: Any, count: int, *, area: Neighbourhood | None = None) -> list[Any]:
    """``count`` accesses of different people living in ``area``, an hour ago."""
    made = []
    for index in range(count):
        person = person_create(
            actor=personas.desk_operator,
            data={"given_name": f"Persona{index}", "family_name": "Prova", "is_identified": False},
        )
        if area is not None:
            Person.objects.filter(pk=person.pk).update(neighbourhood=area)
        made.append(
            make_access(
                personas.desk_operator,
                person=person,
                occurred_at=timezone.now() - timedelta(hours=1),
            )
        )
    return made


def paid_intervention(personas: Any, case: Case, *, code: str = "A1.04", amount: str = "150"):
    intervention = cases.intervention_request(
        actor=personas.social_worker,
        case=case,
        type=InterventionType.objects.get(code=code),
        provider=personas.comune,
        start_on=timezone.localdate(),
        amount=Decimal(amount),
        character="one_off",
    )
    if intervention.status == InterventionStatus.REQUESTED:
        cases.intervention_decide(
            actor=personas.coordinator, intervention=intervention, approve=True
        )
    cases.provision_record(
        actor=personas.social_worker,
        intervention=intervention,
        provided_on=timezone.localdate(),
        amount=Decimal(amount),
    )
    return intervention


def old_case(personas: Any, person: Person | None = None, days: int = 60) -> Case:
    return open_case(personas, person, opened_at=timezone.now() - timedelta(days=days))


def refreshed() -> None:
    refresh = refresh_request(actor=None)
    refresh_run(refresh.pk)
