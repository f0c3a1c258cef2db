"""Build desk state through the services, as the pages and the API do."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.core import signing
from django.utils import timezone

from solidale.desk.forms import _FILL_SALT
from solidale.desk.models import Access, Office, OnlineRequest
from solidale.desk.services import NeedInput, access_record, online_request_submit
from solidale.people.tests.factories import make_person


def make_office(organization: Any, name: str = "Sportello Centro") -> Office:
    return Office.objects.get_or_create(organization=organization, name=name)[0]


def make_access(
    actor: Any, *, person: Any = None, needs: list[NeedInput] | None = None, **data: Any
) -> Access:
    if person is None and "unidentified_description" not in data:
        person = make_person(actor)
    values: dict[str, Any] = {"occurred_at": timezone.now() - timedelta(minutes=5)} | data
    return access_record(
        actor=actor,
        data=values,
        needs=needs or [NeedInput("housing", "medium")],
        person=person,
    )


def make_online_request(citizen: Any = None, **data: Any) -> OnlineRequest:
    values: dict[str, Any] = {
        "category": "food",
        "text": "Non riesco a fare la spesa questo mese, ho bisogno di aiuto.",
        "contact_preference": "email",
        "contact_email": "mario.rossi@example.invalid",
        "consent": True,
    } | data
    return online_request_submit(data=values, citizen=citizen)


def started_token(seconds_ago: float = 60) -> str:
    """The signed "form shown at" stamp of the public request form, ``seconds_ago``."""
    return signing.dumps(time.time() - seconds_ago, salt=_FILL_SALT)
