"""Cases built through the services, for the tests (and the access matrix)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.accounts.services import membership_add, user_create
from solidale.people.models import Person
from solidale.people.services import person_create

from .. import services
from ..models import Case, InterventionType


def comune_person(
    personas: Any, *, family_name: str = "Bertolucci", given_name: str = "Ilaria"
) -> Person:
    return person_create(
        actor=personas.desk_operator,
        data={"given_name": given_name, "family_name": family_name, "is_identified": True},
    )


def second_social_worker(personas: Any) -> Any:
    """Another Comune social worker: same organization, not in the team of the first case."""
    user = user_create(
        actor=None, email="bruno.assistente@test.invalid", full_name="Bruno Secondo", password=None
    )
    membership_add(actor=None, user=user, organization=personas.comune, role=Role.SOCIAL_WORKER)
    return user


def open_case(personas: Any, person: Person | None = None, **kwargs: Any) -> Case:
    person = person or comune_person(personas)
    defaults: dict[str, Any] = {
        "area": "adults",
        "responsible": personas.social_worker,
        "opening_reason": "Sfratto imminente e perdita del lavoro",
        "opened_at": timezone.now() - timedelta(days=30),
    }
    defaults.update(kwargs)
    return services.case_open(actor=personas.social_worker, person=person, **defaults)


def siuss(code: str) -> InterventionType:
    return InterventionType.objects.get(code=code)
