"""Objects of the coordination table, built through the services with the personas."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from conftest import Personas
from solidale.core.models import Neighbourhood
from solidale.network.models import NeedCategory

from ..models import Action, Decision, Meeting, Need
from ..services import (
    action_assign,
    agenda_item_add,
    decision_record,
    meeting_convene,
    need_report,
)


def romagnano() -> Neighbourhood:
    neighbourhood, _ = Neighbourhood.objects.get_or_create(
        slug="romagnano",
        defaults={
            "name": "Romagnano",
            "boundary": {
                "type": "Polygon",
                "coordinates": [[[10.1, 44.0], [10.2, 44.0], [10.2, 44.1], [10.1, 44.0]]],
            },
            "centroid_lat": 44.03,
            "centroid_lon": 10.15,
        },
    )
    return neighbourhood


def convened_meeting(
    personas: Personas, *, invite: tuple[str, ...] = ("cooperative",), when: datetime | None = None
) -> Meeting:
    return meeting_convene(
        actor=personas.coordinator,
        data={
            "title": "Tavolo solidale di novembre",
            "starts_at": when or timezone.now() + timedelta(days=2),
            "place": "Sala consiliare, Palazzo Comunale",
        },
        organizations=[getattr(personas, name) for name in invite],
    )


def decided_meeting(personas: Personas) -> tuple[Meeting, Decision]:
    meeting = convened_meeting(personas)
    item = agenda_item_add(actor=personas.coordinator, meeting=meeting, title="Emergenza freddo")
    decision = decision_record(
        actor=personas.coordinator,
        item=item,
        text="Aprire un punto caldo notturno a Romagnano",
        vote_note="all'unanimità",
    )
    return meeting, decision


def assigned_action(
    personas: Personas, *, deadline: date | None = None, owner: Any = None, **extra: Any
) -> Action:
    _, decision = decided_meeting(personas)
    return action_assign(
        actor=personas.coordinator,
        decision=decision,
        data={
            "title": "Trovare dieci coperte e due volontari",
            "owner_organization": personas.cooperative,
            "owner": owner,
            "deadline": deadline or timezone.localdate() + timedelta(days=7),
        },
        **extra,
    )


def reported_need(personas: Personas, *, count: int = 10, actor: Any = None) -> Need:
    return need_report(
        actor=actor or personas.social_worker,
        data={
            "count": count,
            "unit": "famiglie",
            "title": "senza riscaldamento",
            "category": NeedCategory.objects.get(code="housing"),
            "neighbourhood": romagnano(),
            "urgency": "high",
            "description": "Caldaie condominiali guaste in via delle Pinete.",
        },
    )
