"""The directory's writes: who may change what, capacity bounds, stale entries, agreements."""

from __future__ import annotations

import threading
from datetime import time, timedelta

import pytest
from django.db import IntegrityError, connections, transaction
from django.test import override_settings
from django.utils import timezone

from conftest import Personas
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent

from ..attention import expiring_agreements, services_to_confirm
from ..models import AgreementKind, Capacity, Service, ServiceStatus
from ..services import (
    agreement_create,
    capacity_adjust,
    capacity_set,
    organization_profile_update,
    schedule_add,
    service_confirm,
    service_update,
)
from .factories import beds, published_service

pytestmark = pytest.mark.django_db


def test_an_association_admin_edits_its_own_profile(personas: Personas) -> None:
    profile = organization_profile_update(
        organization=personas.cooperative,
        data={"legal_form": "coop_sociale", "description": "Accoglienza e lavoro"},
        actor=personas.association_admin,
    )
    assert profile.get_legal_form_display() == "cooperativa sociale"
    assert AuditEvent.objects.filter(object_type="network.organizationprofile").exists()


def test_it_refuses_an_edit_of_another_organizations_profile(personas: Personas) -> None:
    with pytest.raises(PermissionDeniedError):
        organization_profile_update(
            organization=personas.cooperative, data={"description": "x"}, actor=personas.outsider
        )
    with pytest.raises(PermissionDeniedError):
        organization_profile_update(
            organization=personas.cooperative,
            data={"description": "x"},
            actor=personas.association_operator,
        )


def test_a_comune_coordinator_edits_any_profile(personas: Personas) -> None:
    organization_profile_update(
        organization=personas.cooperative,
        data={"website": "https://ponte.example"},
        actor=personas.coordinator,
    )
    assert personas.cooperative.profile.website == "https://ponte.example"


def test_an_association_edits_only_its_own_services(personas: Personas) -> None:
    service = published_service(personas.cooperative, actor=personas.association_admin)
    with pytest.raises(PermissionDeniedError):
        service_update(service=service, data={"name": "Rubato"}, actor=personas.outsider)
    service.refresh_from_db()
    assert service.name == "Mensa solidale"


def test_it_refuses_an_unknown_language_code(personas: Personas) -> None:
    service = published_service(personas.cooperative, actor=personas.association_admin)
    with pytest.raises(DomainError, match="Lingua non valida"):
        service_update(service=service, data={"languages": "italiano"}, actor=personas.coordinator)


def test_it_refuses_a_weekly_schedule_without_days(personas: Personas) -> None:
    service = published_service(personas.cooperative, actor=personas.association_admin)
    with pytest.raises(DomainError):
        schedule_add(service=service, opens_at=time(9), closes_at=time(12), actor=None)
    with pytest.raises(DomainError, match="Giorni non validi"):
        schedule_add(service=service, byday="LU", opens_at=time(9), closes_at=time(12), actor=None)


def test_a_capacity_never_goes_below_zero(personas: Personas) -> None:
    capacity = beds(published_service(personas.cooperative), total=3, available=1)
    capacity = capacity_adjust(capacity=capacity, delta=-1, actor=personas.association_operator)
    assert capacity.available == 0
    with pytest.raises(ConflictError, match="ne restano 0"):
        capacity_adjust(capacity=capacity, delta=-1, actor=personas.association_operator)
    assert Capacity.objects.get(pk=capacity.pk).available == 0


def test_a_capacity_never_goes_above_its_total(personas: Personas) -> None:
    capacity = beds(published_service(personas.cooperative), total=3, available=3)
    with pytest.raises(ConflictError):
        capacity_adjust(capacity=capacity, delta=1, actor=personas.association_operator)
    with pytest.raises(DomainError):
        capacity_set(capacity=capacity, available=4, actor=personas.association_operator)
    capacity = capacity_set(capacity=capacity, available=5, total=6, actor=personas.volunteer)
    assert (capacity.available, capacity.total, capacity.updated_by) == (5, 6, personas.volunteer)


def test_the_database_refuses_an_available_count_past_the_total(personas: Personas) -> None:
    capacity = beds(published_service(personas.cooperative), total=3, available=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Capacity.objects.filter(pk=capacity.pk).update(available=4)


def test_only_the_organization_updates_its_capacity(personas: Personas) -> None:
    capacity = beds(published_service(personas.cooperative))
    for outsider in (personas.outsider, personas.social_worker, personas.viewer):
        with pytest.raises(PermissionDeniedError):
            capacity_adjust(capacity=capacity, delta=-1, actor=outsider)
    assert Capacity.objects.get(pk=capacity.pk).available == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_decrements_never_make_a_capacity_negative() -> None:
    from conftest import build_personas

    personas = build_personas()
    capacity = beds(published_service(personas.cooperative), total=5, available=5)
    workers = 8
    start = threading.Barrier(workers)
    taken: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def take(worker: int) -> None:
        try:
            start.wait()
            try:
                capacity_adjust(capacity=capacity, delta=-1, actor=None)
                taken.append(worker)
            except ConflictError:
                refused.append(worker)
        except BaseException as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(worker,)) for worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (len(taken), len(refused)) == (5, 3)
    assert Capacity.objects.get(pk=capacity.pk).available == 0


def test_an_entry_not_confirmed_for_long_is_a_reminder_until_confirmed(personas: Personas) -> None:
    service = published_service(personas.cooperative, actor=personas.association_admin)
    assert services_to_confirm(personas.association_admin) == []
    Service.objects.filter(pk=service.pk).update(
        last_confirmed_at=timezone.now() - timedelta(days=91)
    )
    [item] = services_to_confirm(personas.association_admin)
    assert item.title.startswith("1 servizio da confermare")
    assert services_to_confirm(personas.outsider) == []
    service_confirm(service=service, actor=personas.association_admin)
    assert services_to_confirm(personas.association_admin) == []


def test_a_defunct_service_is_never_stale(personas: Personas) -> None:
    service = published_service(personas.cooperative, actor=personas.association_admin)
    Service.objects.filter(pk=service.pk).update(
        status=ServiceStatus.DEFUNCT, last_confirmed_at=timezone.now() - timedelta(days=400)
    )
    assert services_to_confirm(personas.association_admin) == []


@override_settings(SOLIDALE_NETWORK_AGREEMENT_ALERT_DAYS=60)
def test_an_agreement_expiring_soon_alerts_the_coordinators_and_the_organization(
    personas: Personas,
) -> None:
    today = timezone.localdate()
    agreement_create(
        organization=personas.cooperative,
        kind=AgreementKind.COPROGETTAZIONE,
        title="Accoglienza invernale",
        valid_from=today - timedelta(days=300),
        valid_to=today + timedelta(days=30),
        actor=personas.coordinator,
    )
    agreement_create(
        organization=personas.cooperative,
        kind=AgreementKind.CONVENZIONE,
        title="Mensa",
        valid_from=today,
        valid_to=today + timedelta(days=200),
        actor=personas.coordinator,
    )
    assert [item.detail for item in expiring_agreements(personas.coordinator)] == [
        "co-progettazione (art. 55 CTS)"
    ]
    assert len(expiring_agreements(personas.association_admin)) == 1
    assert expiring_agreements(personas.outsider) == []
    assert expiring_agreements(personas.association_operator) == []


def test_only_coordinators_record_agreements(personas: Personas) -> None:
    today = timezone.localdate()
    with pytest.raises(PermissionDeniedError):
        agreement_create(
            organization=personas.cooperative,
            kind=AgreementKind.CONVENZIONE,
            title="x",
            valid_from=today,
            valid_to=None,
            actor=personas.association_admin,
        )
    with pytest.raises(DomainError, match="non può precedere"):
        agreement_create(
            organization=personas.cooperative,
            kind=AgreementKind.CONVENZIONE,
            title="x",
            valid_from=today,
            valid_to=today - timedelta(days=1),
            actor=personas.coordinator,
        )
