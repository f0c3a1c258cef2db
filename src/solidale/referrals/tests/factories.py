"""Referral test data, built through the services of each app with the shared personas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from solidale.cases.models import Case
from solidale.cases.services import case_open
from solidale.desk.models import Access
from solidale.desk.services import NeedInput, access_record
from solidale.network.models import Service, ServiceStatus
from solidale.network.services import capacity_create, service_create
from solidale.people.models import Consent, Person
from solidale.people.services import consent_record, person_create

from ..models import Referral
from ..services import referral_send

if TYPE_CHECKING:
    from conftest import Personas

GIVEN_NAME = "Ildebranda"
FAMILY_NAME = "Pucciarelli"
PHONE = "+39 0585 777123"


def comune_person(personas: Personas, *, consent: bool = True) -> Person:
    """A person registered by the Comune, with consent to share with the network."""
    person = person_create(
        actor=personas.social_worker,
        data={
            "given_name": GIVEN_NAME,
            "family_name": FAMILY_NAME,
            "phone": PHONE,
            "email": "ildebranda@example.invalid",
        },
    )
    if consent:
        consent_record(
            actor=personas.social_worker,
            person=person,
            purpose=Consent.Purpose.NETWORK_SHARING,
            legal_basis=Consent.LegalBasis.CONSENT,
            text_version="Informativa rete 2026-01",
        )
    return person


def open_case(personas: Personas, *, consent: bool = True) -> Case:
    return case_open(
        actor=personas.social_worker,
        person=comune_person(personas, consent=consent),
        area="adults",
        responsible=personas.social_worker,
        opening_reason="Perdita del lavoro e affitto arretrato",
    )


def desk_access(personas: Personas, person: Person) -> Access:
    return access_record(
        actor=personas.desk_operator,
        person=person,
        data={"request": "Cerca lavoro"},
        needs=[NeedInput(code="work")],
    )


def cooperative_service(
    personas: Personas, *, status: str = ServiceStatus.ACTIVE, name: str = "Orientamento al lavoro"
) -> Service:
    service = service_create(
        organization=personas.cooperative,
        data={"name": name, "status": status},
        actor=personas.association_admin,
    )
    capacity_create(
        service=service, kind="places", total=10, available=4, actor=personas.association_admin
    )
    return service


def sent_referral(personas: Personas, **options: Any) -> Referral:
    """A referral from the Comune's case to the cooperative's service."""
    source = options.pop("source", None) or open_case(personas)
    service = options.pop("service", None) or cooperative_service(personas)
    options.setdefault("reason", "Accompagnamento nella ricerca di un lavoro")
    options.setdefault("summary", "Disoccupata da sei mesi, patente B.")
    return referral_send(actor=personas.social_worker, source=source, service=service, **options)
