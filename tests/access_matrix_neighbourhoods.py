"""Who may reach the neighbourhoods app's pages, the Open311 endpoints and its API.

Public: the neighbourhood profiles, the report form, the tracking page, the public map
and list of place reports, events, and Open311 (reads open, creation with an api_key).
A social report about an elderly neighbour living alone, sent by the citizen persona and
routed to the Comune, is seen only by the Comune's desk roles (social worker, desk
operator, coordinator): other organizations get a 404 and never read its description or
the reporter's phone; the citizen sees only its status in their list. Indicators are for
every staff member (viewer included), never for citizens. Presidi are read by the whole
network; a Comune presidio's sessions and a Comune event's registrations, answers and
decisions are run by the Comune's organizers (social worker, coordinator).
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from solidale.neighbourhoods.photos import photo_clean
from solidale.neighbourhoods.services import (
    event_register,
    presidio_create,
    proposal_submit,
    report_publish,
)
from solidale.neighbourhoods.tests.factories import (
    centro,
    elderly_report,
    event,
    jpeg_upload,
    streetlight_report,
)

from .access_matrix_registry import STAFF, Endpoint, Target, public, scoped

if TYPE_CHECKING:
    from conftest import Personas

ALL_STAFF = frozenset(STAFF)
COMUNE_HANDLERS = frozenset({"social_worker", "desk_operator", "coordinator"})
OTHER_HANDLERS = frozenset({"association_operator", "association_admin", "outsider"})
ORGANIZERS = frozenset(
    {"social_worker", "coordinator", "association_operator", "association_admin", "outsider"}
)
COMUNE_ORGANIZERS = frozenset({"social_worker", "coordinator"})
CITIZEN = frozenset({"citizen"})
PHONE = "+39 333 1112223"
SECRETS = ("Zanobetti", PHONE)


def build_sensitive_report(personas: Personas) -> Target:
    report = elderly_report(reporter=personas.citizen)
    return Target(
        kwargs={"pk": report.pk, "report_id": report.pk},
        payload={"status": "closed", "note": "Intrusione", "expected_status": "received"},
        secrets=SECRETS,
    )


def build_public_report(personas: Personas) -> Target:
    report = streetlight_report(reporter=personas.citizen, photo=photo_clean(jpeg_upload()))
    report_publish(
        actor=personas.coordinator,
        report=report,
        public_description=report.description,
        show_photo=True,
    )
    return Target(kwargs={"pk": report.pk}, secrets=("vicino@example.invalid",))


def build_pending_report(personas: Personas) -> Target:
    """A place report waiting for moderation, its text naming a neighbour and a phone."""
    report = streetlight_report(
        reporter=personas.citizen,
        description="Il lampione è spento, chiamate il signor Gino Bartolacci al 333 4445556",
    )
    return Target(
        kwargs={"pk": report.pk},
        payload={"public_description": "Il lampione davanti al civico 12 è spento"},
        secrets=("Bartolacci", "4445556"),
    )


def build_neighbourhood(personas: Personas) -> Target:
    return Target(kwargs={"slug": centro().slug})


def build_presidio(personas: Personas) -> Target:
    presidio = presidio_create(
        actor=personas.social_worker,
        data={
            "title": "Passeggiata con i volontari",
            "kind": "walk",
            "neighbourhood": centro(),
            "place": "Piazza Aranci",
            "weekday": timezone.localdate().weekday(),
            "start_time": time(9, 0),
            "end_time": time(11, 0),
        },
    )
    return Target(
        kwargs={"pk": presidio.pk, "presidio_id": presidio.pk},
        payload={"date": timezone.localdate().isoformat(), "attendance": 3},
    )


def build_event(personas: Personas) -> Target:
    assembly = event(personas)
    event_register(actor=personas.citizen, event=assembly)
    proposal = proposal_submit(
        actor=personas.citizen,
        event=assembly,
        title="Panchine al parco",
        text="Servono panchine vicino ai giochi",
    )
    return Target(
        kwargs={"pk": assembly.pk, "event_id": assembly.pk, "proposal_pk": proposal.pk},
        payload={"status": "rejected", "answer": "No", "decisions": "Intruse", "attendance": 1},
        secrets=("Ciro Cittadino",),
    )


def build_proposal(personas: Personas) -> Target:
    target = build_event(personas)
    return Target(kwargs={"pk": target.kwargs["proposal_pk"]}, payload=target.payload)


def build_new_event(personas: Personas) -> Target:
    assembly = event(personas)
    return Target(
        kwargs={"pk": assembly.pk, "event_id": assembly.pk},
        payload={"title": "Proposta", "text": "Un testo abbastanza lungo"},
    )


def build_open311(personas: Personas) -> Target:
    report = streetlight_report()
    report_publish(
        actor=personas.coordinator,
        report=report,
        public_description=report.description,
        show_photo=False,
    )
    return Target(
        kwargs={
            "fmt": "json",
            "code": "illuminazione",
            "request_id": report.tracking_code,
            "token": report.token,
        },
        secrets=("vicino@example.invalid",),
    )


def _public(build: object) -> Endpoint:
    return Endpoint("public", build=build)  # type: ignore[arg-type]


def build_category_page(personas: Personas) -> Target:
    return Target(payload={"name": "App intrusa"})


def build_my_reports(personas: Personas) -> Target:
    elderly_report(reporter=personas.citizen)
    report = streetlight_report(reporter=personas.citizen)
    return Target(secrets=(report.tracking_code,))


ENDPOINTS: dict[str, Endpoint] = {
    "neighbourhoods:neighbourhood_list": public(),
    "neighbourhoods:neighbourhood_detail": _public(build_neighbourhood),
    "neighbourhoods:neighbourhood_staff": scoped(build_neighbourhood, sees=ALL_STAFF),
    "neighbourhoods:report_create": public(),
    "neighbourhoods:report_track": public(),
    "neighbourhoods:report_public_list": public(),
    "neighbourhoods:report_public_detail": _public(build_public_report),
    "neighbourhoods:report_photo": _public(build_public_report),
    "neighbourhoods:my_reports": scoped(build_my_reports, sees=CITIZEN, may_open=ALL_STAFF),
    "neighbourhoods:report_queue": scoped(
        build_sensitive_report, sees=COMUNE_HANDLERS, may_open=OTHER_HANDLERS
    ),
    "neighbourhoods:report_manage": scoped(build_sensitive_report, sees=COMUNE_HANDLERS),
    "neighbourhoods:report_moderation": scoped(
        build_pending_report, sees=COMUNE_HANDLERS, may_open=OTHER_HANDLERS
    ),
    "neighbourhoods:report_publish": scoped(
        build_pending_report, sees=COMUNE_HANDLERS, methods=("POST",)
    ),
    "neighbourhoods:report_status": scoped(
        build_sensitive_report, sees=COMUNE_HANDLERS, methods=("POST",)
    ),
    "neighbourhoods:report_take_charge": scoped(
        build_sensitive_report, sees=COMUNE_HANDLERS, methods=("POST",)
    ),
    "neighbourhoods:category_list": scoped(
        build_category_page, sees=frozenset({"coordinator"}), methods=("GET", "POST")
    ),
    "neighbourhoods:presidio_list": scoped(build_presidio, sees=ALL_STAFF),
    "neighbourhoods:presidio_create": scoped(sees=ORGANIZERS, methods=("GET", "POST")),
    "neighbourhoods:presidio_detail": scoped(build_presidio, sees=ALL_STAFF),
    "neighbourhoods:presidio_session": scoped(
        build_presidio, sees=COMUNE_ORGANIZERS, methods=("POST",)
    ),
    "neighbourhoods:event_list": public(),
    "neighbourhoods:event_create": scoped(sees=ORGANIZERS, methods=("GET", "POST")),
    "neighbourhoods:event_detail": _public(build_event),
    "neighbourhoods:event_register": scoped(build_event, sees=CITIZEN, methods=("POST",)),
    "neighbourhoods:event_attendance": scoped(
        build_event, sees=COMUNE_ORGANIZERS, methods=("GET", "POST")
    ),
    "neighbourhoods:proposal_create": scoped(build_new_event, sees=CITIZEN, methods=("POST",)),
    "neighbourhoods:proposal_answer": scoped(
        build_proposal, sees=COMUNE_ORGANIZERS, methods=("POST",)
    ),
    "neighbourhoods:event_decisions": scoped(
        build_event, sees=COMUNE_ORGANIZERS, methods=("POST",)
    ),
    # Open311 GeoReport v2 (public reads; creating needs an api_key, refused without)
    "neighbourhoods:open311:discovery": _public(build_open311),
    "neighbourhoods:open311:services": _public(build_open311),
    "neighbourhoods:open311:service_definition": _public(build_open311),
    "neighbourhoods:open311:requests": _public(build_open311),
    "neighbourhoods:open311:request_detail": _public(build_open311),
    "neighbourhoods:open311:token_detail": _public(build_open311),
    # API
    "GET /api/v1/neighbourhoods/areas": public(api=True),
    "GET /api/v1/neighbourhoods/areas/{slug}": Endpoint(
        "public", build=build_neighbourhood, api=True
    ),
    "GET /api/v1/neighbourhoods/reports": scoped(
        build_sensitive_report, sees=COMUNE_HANDLERS, may_open=OTHER_HANDLERS, api=True
    ),
    "GET /api/v1/neighbourhoods/reports/mine": scoped(
        build_my_reports, sees=CITIZEN, may_open=ALL_STAFF, api=True
    ),
    "POST /api/v1/neighbourhoods/reports": Endpoint(
        "authenticated", methods=("POST",), status=422, api=True
    ),
    "GET /api/v1/neighbourhoods/reports/{report_id}": scoped(
        build_sensitive_report, sees=COMUNE_HANDLERS, api=True
    ),
    "POST /api/v1/neighbourhoods/reports/{report_id}/status": scoped(
        build_sensitive_report, sees=COMUNE_HANDLERS, api=True
    ),
    "GET /api/v1/neighbourhoods/presidi": scoped(build_presidio, sees=ALL_STAFF, api=True),
    "POST /api/v1/neighbourhoods/presidi/{presidio_id}/sessions": scoped(
        build_presidio, sees=COMUNE_ORGANIZERS, api=True
    ),
    "GET /api/v1/neighbourhoods/events": public(api=True),
    "POST /api/v1/neighbourhoods/events/{event_id}/registrations": scoped(
        build_event, sees=CITIZEN, api=True
    ),
    "POST /api/v1/neighbourhoods/events/{event_id}/proposals": scoped(
        build_new_event, sees=CITIZEN, api=True
    ),
}


def _root_open311_mounted() -> bool:
    try:
        reverse("open311:services", args=["json"])
    except NoReverseMatch:
        return False
    return True


if _root_open311_mounted():
    # The integrator may mount Open311 at the site root as well (``/open311/v2/``).
    for _name in (
        "discovery",
        "services",
        "service_definition",
        "requests",
        "request_detail",
        "token_detail",
    ):
        ENDPOINTS[f"open311:{_name}"] = _public(build_open311)
