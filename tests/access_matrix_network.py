"""Who may reach the network pages and API (merged by ``access_matrix_registry``).

The public directory, its HSDS export and the HSDS read API need no login and hold no
personal data (their detail addresses answer 404 for the placeholder id the matrix uses
for public endpoints). Every member of an organization opens the organization pages and
its own services list; citizens and visitors do not. A cooperative's profile and
services are edited by its administrator and by the Comune's coordinator; its live
capacity by its own staff and the coordinator; agreements are recorded by the
coordinator. Everyone else gets 404 (403 when publishing a service without the role).
"""

from __future__ import annotations

from datetime import time
from typing import TYPE_CHECKING

from solidale.network.services import schedule_add
from solidale.network.tests.factories import beds, published_service

from .access_matrix_registry import STAFF, Endpoint, Target, public, scoped

if TYPE_CHECKING:
    from conftest import Personas

ALL_STAFF = frozenset(STAFF)
EDITORS = frozenset({"association_admin", "coordinator"})
CAPACITY_STAFF = frozenset(
    {"association_admin", "association_operator", "volunteer", "coordinator"}
)
COORDINATOR = frozenset({"coordinator"})


def build_organization(personas: Personas) -> Target:
    organization = personas.cooperative
    return Target(
        kwargs={"pk": organization.pk, "organization_id": organization.pk},
        payload={"description": "Profilo riscritto da fuori", "kind": "convenzione"},
    )


def build_service(personas: Personas) -> Target:
    service = published_service(personas.cooperative, name="Mensa del Ponte")
    return Target(
        kwargs={"pk": service.pk, "service_id": service.pk},
        payload={
            "name": "Servizio dirottato",
            "status": "defunct",
            "kind": "beds",
            "total": 5,
            "available": 5,
            "delta": 1,
            "byday": "MO",
            "opens_at": "09:00",
            "closes_at": "10:00",
        },
    )


def build_capacity(personas: Personas) -> Target:
    capacity = beds(published_service(personas.cooperative, name="Dormitorio del Ponte"))
    return Target(kwargs={"pk": capacity.pk}, payload={"delta": "-1", "available": "0"})


def build_capacity_of_service(personas: Personas) -> Target:
    capacity = beds(published_service(personas.cooperative, name="Dormitorio del Ponte"))
    return Target(kwargs={"service_id": capacity.service_id}, payload={"kind": "beds", "delta": -1})


def build_schedule(personas: Personas) -> Target:
    service = published_service(personas.cooperative, name="Mensa del Ponte")
    schedule = schedule_add(
        service=service, byday="SA", opens_at=time(12), closes_at=time(14), actor=None
    )
    return Target(kwargs={"pk": schedule.pk})


def build_new_service(personas: Personas) -> Target:
    return Target(payload={"name": "Servizio nuovo", "status": "active", "languages": "it"})


ENDPOINTS: dict[str, Endpoint] = {
    # Public directory
    "network:directory": public(),
    "network:directory_service": public(status=404),
    "network:hsds_export": public(),
    # Organizations
    "network:organization_list": scoped(sees=ALL_STAFF),
    "network:organization_detail": scoped(build_organization, sees=ALL_STAFF),
    "network:organization_update": scoped(
        build_organization, sees=EDITORS, methods=("GET", "POST")
    ),
    "network:agreement_add": scoped(build_organization, sees=COORDINATOR, methods=("GET", "POST")),
    # The organization's services
    "network:service_list": scoped(sees=ALL_STAFF),
    "network:service_create": scoped(build_new_service, sees=EDITORS, methods=("GET", "POST")),
    "network:service_update": scoped(build_service, sees=EDITORS, methods=("GET", "POST")),
    "network:service_confirm": scoped(build_service, sees=EDITORS, methods=("POST",)),
    "network:location_add": scoped(build_service, sees=EDITORS, methods=("POST",)),
    "network:service_location_link": scoped(build_service, sees=EDITORS, methods=("POST",)),
    "network:schedule_add": scoped(build_service, sees=EDITORS, methods=("POST",)),
    "network:schedule_remove": scoped(build_schedule, sees=EDITORS, methods=("POST",)),
    "network:capacity_add": scoped(build_service, sees=EDITORS, methods=("POST",)),
    "network:capacity_update": scoped(build_capacity, sees=CAPACITY_STAFF, methods=("GET", "POST")),
    # HSDS 3.0 read API (public)
    "GET /api/v1/network/hsds/services": public(api=True),
    "GET /api/v1/network/hsds/services/{service_id}": public(status=404, api=True),
    "GET /api/v1/network/hsds/organizations": public(api=True),
    "GET /api/v1/network/hsds/locations": public(api=True),
    # Staff API
    "GET /api/v1/network/organizations": scoped(sees=ALL_STAFF, api=True),
    "GET /api/v1/network/organizations/{organization_id}": scoped(
        build_organization, sees=ALL_STAFF, api=True
    ),
    "PATCH /api/v1/network/organizations/{organization_id}": scoped(
        build_organization, sees=EDITORS, methods=("PATCH",), api=True
    ),
    "GET /api/v1/network/services": scoped(sees=ALL_STAFF, api=True),
    "POST /api/v1/network/services": scoped(
        build_new_service, sees=EDITORS, methods=("POST",), api=True
    ),
    "GET /api/v1/network/services/{service_id}": scoped(build_service, sees=EDITORS, api=True),
    "PATCH /api/v1/network/services/{service_id}": scoped(
        build_service, sees=EDITORS, methods=("PATCH",), api=True
    ),
    "POST /api/v1/network/services/{service_id}/confirm": scoped(
        build_service, sees=EDITORS, methods=("POST",), api=True
    ),
    "POST /api/v1/network/services/{service_id}/capacity": scoped(
        build_capacity_of_service, sees=CAPACITY_STAFF, methods=("POST",), api=True
    ),
}
