"""Who may reach the desk pages and API (merged by ``access_matrix_registry``).

Accesses are seen by the organization that recorded them: the Comune's registry roles
see the Comune's; other organizations' registry roles open the lists, the queue and the
intake but find nothing of the Comune's. Online requests are triaged by the Comune's
desk operators, social workers and coordinators; a citizen sees only the requests sent
from their account. The request form and the status page are public, as are the public
API operations to send a request and read its status by tracking code.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from solidale.desk.services import NeedInput, access_record, online_request_submit

from .access_matrix_registry import (
    OTHER_REGISTRY,
    PERSON_SECRETS,
    Endpoint,
    Target,
    build_duplicate_check,
    comune_person,
    public,
    scoped,
)

if TYPE_CHECKING:
    from conftest import Personas

COMUNE_TRIAGE = frozenset({"social_worker", "desk_operator", "coordinator"})
REQUEST_TEXT = "Segnalo la signora del terzo piano, vive sola e non esce da giorni"
REQUEST_EMAIL = "segnalante.riservato@example.invalid"
ACCESS_REQUEST = "Sfratto esecutivo fissato per il mese prossimo"


def build_access(personas: Personas) -> Target:
    person = comune_person(personas)
    access = access_record(
        actor=personas.desk_operator,
        data={
            "occurred_at": timezone.now() - timedelta(minutes=10),
            "request": ACCESS_REQUEST,
            "follow_up_on": timezone.localdate(),
        },
        needs=[NeedInput("housing", "urgent")],
        person=person,
    )
    return Target(
        kwargs={"pk": access.pk, "access_id": access.pk},
        payload={"outcome": "information", "item": f"access:{access.pk}", "assignee": "me"},
        secrets=(*PERSON_SECRETS, ACCESS_REQUEST),
    )


def build_bulk_assignment(personas: Personas) -> Target:
    target = build_access(personas)
    return Target(
        payload={"items": f"access:{target.kwargs['pk']}", "assignee": personas.desk_operator.pk},
        secrets=target.secrets,
    )


def build_access_search(personas: Personas) -> Target:
    build_access(personas)
    return Target(query={"q": "Zanobetti"}, secrets=PERSON_SECRETS)


def build_access_payload(personas: Personas) -> Target:
    return Target(
        payload={
            "unidentified_description": "Uomo sui quarant'anni, accento del nord",
            "needs": [{"code": "food", "urgency": "high"}],
            "channel": "street",
        }
    )


def _online_request(personas: Personas, citizen: object = None) -> Target:
    online_request = online_request_submit(
        data={
            "subject": "someone_else",
            "category": "loneliness",
            "text": REQUEST_TEXT,
            "contact_preference": "email",
            "contact_email": REQUEST_EMAIL,
            "consent": True,
        },
        citizen=citizen,
    )
    return Target(
        kwargs={
            "pk": online_request.pk,
            "request_id": online_request.pk,
            "code": online_request.tracking_code,
        },
        payload={"status": "in_triage", "urgency": "high", "answer": "", "internal_notes": ""},
        secrets=(REQUEST_TEXT, REQUEST_EMAIL, online_request.tracking_code),
    )


def build_online_request(personas: Personas) -> Target:
    return _online_request(personas)


def build_citizen_request(personas: Personas) -> Target:
    return _online_request(personas, citizen=personas.citizen)


def build_public_request_payload(personas: Personas) -> Target:
    return Target(
        payload={
            "category": "food",
            "text": "Chiedo un aiuto per la spesa di questo mese.",
            "contact_preference": "none",
            "consent": True,
        }
    )


def build_status_lookup(personas: Personas) -> Target:
    """The status by code answers the code's owner; the request text never appears."""
    target = _online_request(personas)
    return Target(kwargs=target.kwargs, secrets=(REQUEST_TEXT, REQUEST_EMAIL))


ENDPOINTS: dict[str, Endpoint] = {
    "desk:access_list": scoped(build_access, may_open=OTHER_REGISTRY),
    "desk:intake": scoped(build_access_payload, may_open=OTHER_REGISTRY, methods=("GET", "POST")),
    "desk:intake_search": scoped(build_access_search, may_open=OTHER_REGISTRY),
    "desk:intake_check": scoped(build_duplicate_check, may_open=OTHER_REGISTRY),
    "desk:access_detail": scoped(build_access),
    "desk:access_update": scoped(build_access, methods=("GET", "POST")),
    "desk:access_follow_up_done": scoped(build_access, methods=("POST",)),
    "desk:triage": scoped(build_access, may_open=OTHER_REGISTRY),
    "desk:triage_assign": scoped(build_access, methods=("POST",)),
    "desk:triage_bulk_assign": scoped(
        build_bulk_assignment, sees=frozenset({"coordinator"}), methods=("POST",)
    ),
    "desk:request_new": public(),
    "desk:request_status": public(),
    "desk:my_requests": scoped(build_citizen_request, sees=frozenset({"citizen"})),
    "desk:request_list": scoped(build_online_request, sees=COMUNE_TRIAGE),
    "desk:request_detail": scoped(
        build_online_request, sees=COMUNE_TRIAGE, methods=("GET", "POST")
    ),
    "GET /api/v1/desk/accesses": scoped(build_access, may_open=OTHER_REGISTRY, api=True),
    "POST /api/v1/desk/accesses": scoped(
        build_access_payload, may_open=OTHER_REGISTRY, methods=("POST",), api=True
    ),
    "GET /api/v1/desk/accesses/{access_id}": scoped(build_access, api=True),
    "PATCH /api/v1/desk/accesses/{access_id}": scoped(build_access, methods=("PATCH",), api=True),
    "POST /api/v1/desk/requests": Endpoint(
        "public", methods=("POST",), build=build_public_request_payload, status=201, api=True
    ),
    "GET /api/v1/desk/requests/status/{code}": Endpoint(
        "public", build=build_status_lookup, api=True
    ),
    "GET /api/v1/desk/requests": scoped(build_online_request, sees=COMUNE_TRIAGE, api=True),
    "GET /api/v1/desk/requests/{request_id}": scoped(
        build_online_request, sees=COMUNE_TRIAGE, api=True
    ),
    "POST /api/v1/desk/requests/{request_id}/answer": scoped(
        build_online_request, sees=COMUNE_TRIAGE, methods=("POST",), api=True
    ),
}
