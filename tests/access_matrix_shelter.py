"""Who may reach the cold emergency's pages and API.

The scene: a season plan with the cooperative Il Ponte on duty, an activation, a night
shelter run by Il Ponte where a person registered by the Comune sleeps tonight, and an
Il Ponte street round that met the same person. The Comune's registry roles see
everything; Il Ponte's operators see their facility's guests and their own rounds; a
volunteer sees nothing without a shift (the volunteers app gives shifts); the Comune's
viewer reads only aggregates (the situation report, the hot spots without names); the
other association, the housing agency and citizens are refused everywhere.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.shelter import beds as board
from solidale.shelter import rounds
from solidale.shelter.followups import followups_generate
from solidale.shelter.models import Answer, FollowUp
from solidale.shelter.tests import factories

from .access_matrix_registry import (
    COMUNE_REGISTRY,
    PERSON_SECRETS,
    Endpoint,
    Target,
    comune_person,
    scoped,
)

if TYPE_CHECKING:
    from conftest import Personas

PONTE_STAFF = frozenset({"association_operator", "association_admin"})
#: Who runs the bed board of Il Ponte's shelter and its street rounds.
OPERATORS = COMUNE_REGISTRY | PONTE_STAFF
#: Aggregates: the whole Comune (viewer included) and the organizations on duty.
AGGREGATES = OPERATORS | {"viewer"}
COORDINATOR = frozenset({"coordinator"})
MANAGERS = COORDINATOR | PONTE_STAFF


def _scene(personas: Personas) -> dict[str, Any]:
    person = comune_person(personas)
    shelter = factories.facility(personas)
    plan = factories.season(personas, facilities=[shelter])
    activation = factories.activation(personas, plan)
    stay = board.bed_assign(
        actor=personas.coordinator,
        bed=factories.first_bed(shelter),
        night=factories.tonight(),
        person=person,
    )
    outing = factories.outing(personas)
    encounter, _ = rounds.encounter_record(
        actor=personas.association_operator,
        outing=outing,
        key=uuid.uuid4(),
        data={
            "met_at": timezone.now() - timedelta(minutes=1),
            "latitude": 44.0365,
            "longitude": 10.1402,
            "person": person,
            "offered_bed": True,
            "answer": Answer.REFUSED,
        },
    )
    request = board.bed_request_add(
        actor=personas.association_operator, night=factories.tonight(), person=person
    )
    followups_generate(day=factories.tonight() + timedelta(days=1))
    return {
        "person": person,
        "facility": shelter,
        "season": plan,
        "activation": activation,
        "stay": stay,
        "round": outing,
        "encounter": encounter,
        "request": request,
        "followup": FollowUp.objects.first(),
    }


def _target(key: str, api_name: str = "", **payload: Any) -> Any:
    def build(personas: Personas) -> Target:
        scene = _scene(personas)
        kwargs = {"pk": scene[key].pk} if key else {}
        if api_name:
            kwargs[api_name] = scene[key].pk
        return Target(kwargs=kwargs, payload=payload, secrets=PERSON_SECRETS)

    return build


def _new_stay(personas: Personas) -> Target:
    scene = _scene(personas)
    bed = scene["facility"].beds.order_by("label").last()
    return Target(
        payload={
            "bed_id": bed.pk,
            "bed": bed.pk,
            "night": factories.tonight().isoformat(),
            "alias": "Intruso",
            "guest": "man",
        },
        secrets=PERSON_SECRETS,
    )


def _new_encounter(personas: Personas) -> Target:
    scene = _scene(personas)
    return Target(
        payload={
            "key": str(uuid.uuid4()),
            "round_id": scene["round"].pk,
            "met_at": timezone.now().isoformat(),
            "latitude": 44.03,
            "longitude": 10.14,
            "alias": "Intruso",
        },
        secrets=PERSON_SECRETS,
    )


def _new_activation(personas: Personas) -> Target:
    _scene(personas)
    night = factories.tonight() + timedelta(days=10)
    return Target(
        payload={"starts_on": night.isoformat(), "ends_on": night.isoformat(), "ordinance": "X"}
    )


def _page(key: str, sees: frozenset[str], *, post: bool = False, **extra: Any) -> Endpoint:
    methods = ("POST",) if post else ("GET",)
    return scoped(_target(key), sees=sees, methods=methods, **extra)


SCENE = _target("")

ENDPOINTS: dict[str, Endpoint] = {
    "shelter:home": scoped(SCENE, sees=AGGREGATES),
    "shelter:season_create": scoped(SCENE, sees=COORDINATOR, methods=("GET", "POST")),
    "shelter:season_edit": scoped(_target("season"), sees=COORDINATOR, methods=("GET", "POST")),
    "shelter:activation_open": scoped(SCENE, sees=COORDINATOR, methods=("POST",)),
    "shelter:activation_decide": _page("activation", COORDINATOR, post=True),
    "shelter:activation_extend": _page("activation", COORDINATOR, post=True),
    "shelter:activation_close": _page("activation", COORDINATOR, post=True),
    "shelter:facility_list": scoped(SCENE, sees=OPERATORS),
    "shelter:facility_create": scoped(SCENE, sees=COORDINATOR, methods=("GET", "POST")),
    "shelter:facility_detail": _page("facility", OPERATORS),
    "shelter:beds_add": _page("facility", MANAGERS, post=True),
    "shelter:facility_toggle": _page("facility", MANAGERS, post=True),
    "shelter:board": scoped(SCENE, sees=OPERATORS),
    "shelter:stay_assign": scoped(_new_stay, sees=OPERATORS, methods=("POST",)),
    "shelter:request_add": scoped(_new_stay, sees=OPERATORS, methods=("POST",)),
    "shelter:request_close": _page("request", OPERATORS, post=True),
    "shelter:stay_update": _page("stay", OPERATORS, post=True),
    "shelter:stay_transfer": scoped(_new_stay, sees=OPERATORS, methods=("POST",)),
    "shelter:stay_identify": scoped(_new_stay, sees=OPERATORS, methods=("POST",)),
    "shelter:outreach": scoped(SCENE, sees=OPERATORS, methods=("GET", "POST")),
    "shelter:round_detail": scoped(_target("round"), sees=OPERATORS, methods=("GET", "POST")),
    "shelter:round_end": _page("round", OPERATORS, post=True),
    "shelter:map": scoped(SCENE, sees=OPERATORS, may_open=frozenset({"viewer"})),
    "shelter:report": scoped(SCENE, sees=AGGREGATES),
    "shelter:report_pdf": scoped(SCENE, sees=AGGREGATES),
    "shelter:followups": scoped(SCENE, sees=OPERATORS),
    "shelter:followup_close": _page("followup", OPERATORS, post=True),
    # API
    "GET /api/v1/shelter/facilities": scoped(SCENE, sees=OPERATORS, api=True),
    "GET /api/v1/shelter/facilities/{facility_id}/beds": scoped(
        _target("facility", "facility_id"), sees=OPERATORS, api=True
    ),
    "GET /api/v1/shelter/stays": scoped(SCENE, sees=OPERATORS, api=True),
    "POST /api/v1/shelter/stays": scoped(_new_stay, sees=OPERATORS, api=True),
    "POST /api/v1/shelter/stays/{stay_id}/status": scoped(
        _target("stay", "stay_id", action="check_in"), sees=OPERATORS, api=True
    ),
    "GET /api/v1/shelter/encounters": scoped(SCENE, sees=OPERATORS, api=True),
    "POST /api/v1/shelter/encounters": scoped(_new_encounter, sees=OPERATORS, api=True),
    "GET /api/v1/shelter/activations": scoped(SCENE, sees=AGGREGATES, api=True),
    "POST /api/v1/shelter/activations": scoped(_new_activation, sees=COORDINATOR, api=True),
}
