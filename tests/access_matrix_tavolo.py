"""Who may reach the coordination table's pages and API.

A meeting convened by the Comune's coordinator with the cooperative Il Ponte invited is
seen by the members of those two organizations only (the other association, the housing
agency and citizens are refused, and never read its title or minutes); its draft minutes
stay with the Comune until published; only the convening coordinator runs it. Actions
follow the meeting, and their progress is recorded by the owner organization's operators
and the coordinator. The needs board is aggregate by design: every network member reads
it; operators report needs and pledge for other organizations' needs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from solidale.tavolo.services import minutes_save, pledge_make
from solidale.tavolo.tests.factories import (
    assigned_action,
    convened_meeting,
    decided_meeting,
    reported_need,
    romagnano,
)

from .access_matrix_registry import STAFF, Builder, Endpoint, Target, scoped

if TYPE_CHECKING:
    from conftest import Personas

MINUTES = "Verbale riservato: piano freddo concordato"
COMUNE = frozenset({"social_worker", "desk_operator", "coordinator", "viewer"})
COOPERATIVE = frozenset({"association_operator", "association_admin", "volunteer"})
#: The members of the two organizations taking part in the meeting.
MEMBERS = COMUNE | COOPERATIVE
OUTSIDERS = frozenset({"outsider", "housing_officer"})
CONVENER = frozenset({"coordinator"})
ALL_STAFF = frozenset(STAFF)
#: Who writes on the needs board (not volunteers, not viewers).
WRITERS = frozenset(
    {
        "social_worker",
        "desk_operator",
        "coordinator",
        "association_operator",
        "association_admin",
        "housing_officer",
        "outsider",
    }
)
COMUNE_WRITERS = frozenset({"social_worker", "desk_operator", "coordinator"})
OTHER_WRITERS = WRITERS - COMUNE_WRITERS
ACTION_OWNERS = frozenset({"association_operator", "association_admin", "coordinator"})
PLEDGE_SIDES = COMUNE_WRITERS | {"association_operator", "association_admin"}


def build_meeting(personas: Personas) -> Target:
    meeting, decision = decided_meeting(personas)
    minutes_save(
        actor=personas.coordinator, item=decision.agenda_item, text=MINUTES, base_version=0
    )
    return Target(
        kwargs={"pk": meeting.pk, "meeting_id": meeting.pk},
        payload={"organization": personas.housing_agency.pk, "title": "Nuovo punto"},
        secrets=(meeting.title, MINUTES),
    )


def build_agenda_item(personas: Personas) -> Target:
    _, decision = decided_meeting(personas)
    minutes_save(
        actor=personas.coordinator, item=decision.agenda_item, text=MINUTES, base_version=0
    )
    return Target(
        kwargs={"pk": decision.agenda_item_id},
        payload={"text": "Testo intruso", "base_version": 1},
        secrets=(MINUTES,),
    )


def build_decision(personas: Personas) -> Target:
    _, decision = decided_meeting(personas)
    return Target(
        kwargs={"pk": decision.pk},
        payload={
            "title": "Azione intrusa",
            "owner_organization": personas.cooperative.pk,
            "deadline": timezone.localdate().isoformat(),
        },
        secrets=(decision.text,),
    )


def build_new_meeting(personas: Personas) -> Target:
    convened_meeting(personas)
    return Target(
        payload={
            "title": "Seduta intrusa",
            "starts_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Altrove",
        }
    )


def build_action(personas: Personas) -> Target:
    action = assigned_action(personas, deadline=timezone.localdate() - timedelta(days=1))
    return Target(
        kwargs={"pk": action.pk, "action_id": action.pk},
        payload={"status": "done", "note": "Fatto"},
        secrets=(action.title,),
    )


def build_new_action(personas: Personas) -> Target:
    _, decision = decided_meeting(personas)
    return Target(
        payload={
            "decision_id": decision.pk,
            "title": "Azione intrusa",
            "owner_organization_id": personas.cooperative.pk,
            "deadline": timezone.localdate().isoformat(),
        },
        secrets=(decision.text,),
    )


def build_need(personas: Personas) -> Target:
    need = reported_need(personas)
    return Target(
        kwargs={"pk": need.pk, "need_id": need.pk},
        payload={"what": "Stufette", "quantity": 2, "title": "senza acqua calda"},
    )


def build_new_need(personas: Personas) -> Target:
    romagnano()
    return Target(
        payload={
            "count": 3,
            "unit": "famiglie",
            "title": "senza luce",
            "category": "housing",
            "neighbourhood": "romagnano",
            "urgency": "high",
        }
    )


def build_pledge(personas: Personas) -> Target:
    need = reported_need(personas)
    pledge = pledge_make(
        actor=personas.association_operator, need=need, data={"what": "Stufette", "quantity": 2}
    )
    return Target(kwargs={"pk": pledge.pk, "pledge_id": pledge.pk}, payload={"status": "confirmed"})


def _convener_post(build: Builder = build_meeting) -> Endpoint:
    return scoped(build, sees=CONVENER, methods=("POST",))


ENDPOINTS: dict[str, Endpoint] = {
    # meetings
    "tavolo:meeting_list": scoped(build_meeting, sees=MEMBERS, may_open=OUTSIDERS),
    "tavolo:meeting_create": scoped(build_new_meeting, sees=CONVENER, methods=("GET", "POST")),
    "tavolo:meeting_detail": scoped(build_meeting, sees=MEMBERS),
    "tavolo:meeting_invite": _convener_post(),
    "tavolo:meeting_attendance": _convener_post(),
    "tavolo:agenda_item_add": _convener_post(),
    "tavolo:meeting_close": _convener_post(),
    "tavolo:meeting_publish": _convener_post(),
    "tavolo:minutes": scoped(build_meeting, sees=COMUNE),
    "tavolo:minutes_pdf": scoped(build_meeting, sees=COMUNE),
    "tavolo:minutes_save": _convener_post(build_agenda_item),
    "tavolo:minutes_history": scoped(build_agenda_item, sees=COMUNE),
    "tavolo:decision_add": _convener_post(build_agenda_item),
    # actions
    "tavolo:action_create": scoped(build_decision, sees=CONVENER, methods=("GET", "POST")),
    "tavolo:action_list": scoped(build_action, sees=MEMBERS, may_open=OUTSIDERS),
    "tavolo:action_detail": scoped(build_action, sees=MEMBERS),
    "tavolo:action_progress": scoped(build_action, sees=ACTION_OWNERS, methods=("POST",)),
    # needs board
    "tavolo:need_list": scoped(build_need, sees=ALL_STAFF),
    "tavolo:need_create": scoped(build_new_need, sees=WRITERS, methods=("GET", "POST")),
    "tavolo:need_detail": scoped(build_need, sees=ALL_STAFF),
    "tavolo:need_edit": scoped(build_need, sees=COMUNE_WRITERS, methods=("GET", "POST")),
    "tavolo:need_close": scoped(build_need, sees=COMUNE_WRITERS, methods=("POST",)),
    "tavolo:pledge_create": scoped(build_need, sees=OTHER_WRITERS, methods=("POST",)),
    "tavolo:pledge_status": scoped(build_pledge, sees=PLEDGE_SIDES, methods=("POST",)),
    # API
    "GET /api/v1/tavolo/meetings": scoped(
        build_meeting, sees=MEMBERS, may_open=OUTSIDERS, api=True
    ),
    "GET /api/v1/tavolo/meetings/{meeting_id}": scoped(build_meeting, sees=MEMBERS, api=True),
    "GET /api/v1/tavolo/actions": scoped(build_action, sees=MEMBERS, may_open=OUTSIDERS, api=True),
    "POST /api/v1/tavolo/actions": scoped(build_new_action, sees=CONVENER, api=True),
    "GET /api/v1/tavolo/actions/{action_id}": scoped(build_action, sees=MEMBERS, api=True),
    "PATCH /api/v1/tavolo/actions/{action_id}": scoped(build_action, sees=ACTION_OWNERS, api=True),
    "GET /api/v1/tavolo/needs": scoped(build_need, sees=ALL_STAFF, api=True),
    "POST /api/v1/tavolo/needs": scoped(build_new_need, sees=WRITERS, api=True),
    "GET /api/v1/tavolo/needs/{need_id}": scoped(build_need, sees=ALL_STAFF, api=True),
    "PATCH /api/v1/tavolo/needs/{need_id}": scoped(build_need, sees=COMUNE_WRITERS, api=True),
    "POST /api/v1/tavolo/needs/{need_id}/pledges": scoped(build_need, sees=OTHER_WRITERS, api=True),
    "PATCH /api/v1/tavolo/pledges/{pledge_id}": scoped(build_pledge, sees=PLEDGE_SIDES, api=True),
}
