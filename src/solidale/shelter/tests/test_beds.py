"""Tonight's bed board: assignments, check-in and out, no-shows, waiting list, transfers."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.people.models import PersonLink
from solidale.people.services import person_create

from .. import beds as board
from .. import services
from ..models import Bed, BedRequestStatus, FacilityKind, Guest, Stay, StayStatus
from ..selectors import bed_board
from . import factories

pytestmark = pytest.mark.django_db


def _assign(personas: Personas, bed: Bed, **kwargs: Any) -> Stay:
    kwargs.setdefault("alias", "Il Biondo")
    return board.bed_assign(
        actor=personas.association_operator, bed=bed, night=factories.tonight(), **kwargs
    )


def test_it_assigns_a_free_bed_and_shows_it_taken_on_the_board(personas: Personas) -> None:
    shelter = factories.facility(personas)
    bed = factories.first_bed(shelter)
    stay = _assign(personas, bed, description="giaccone rosso, sui 40 anni")
    assert stay.status == StayStatus.ASSIGNED
    board = bed_board(user=personas.association_operator, night=factories.tonight())
    assert board[0].taken == 1 and board[0].free == 3
    assert dict(board[0].beds)[bed] == stay


def test_it_refuses_a_second_person_on_the_same_bed(personas: Personas) -> None:
    bed = factories.first_bed(factories.facility(personas))
    _assign(personas, bed)
    with pytest.raises(ConflictError) as error:
        _assign(personas, bed, alias="Lo Straniero")
    assert "già occupato" in error.value.message
    assert Stay.objects.count() == 1


def test_a_known_person_gets_one_bed_a_night_and_the_facility_sees_them(
    personas: Personas,
) -> None:
    shelter = factories.facility(personas)
    person = person_create(
        actor=personas.desk_operator,
        data={"given_name": "Mario", "family_name": "Senzatetto", "homeless": True},
    )
    beds = list(shelter.beds.order_by("label"))
    _assign(personas, beds[0], person=person, alias="")
    with pytest.raises(ConflictError):
        _assign(personas, beds[1], person=person, alias="")
    assert (
        PersonLink.objects.open().filter(person=person, organization=personas.cooperative).exists()
    )


def test_a_closed_facility_takes_nobody(personas: Personas) -> None:
    shelter = factories.facility(personas)
    services.facility_set_open(actor=personas.association_operator, facility=shelter, is_open=False)
    with pytest.raises(DomainError, match="chiusa"):
        _assign(personas, factories.first_bed(shelter))
    assert not Stay.objects.exists()


def test_a_bed_of_the_wrong_type_is_refused(personas: Personas) -> None:
    bed = factories.first_bed(factories.facility(personas))
    with pytest.raises(DomainError, match="non è per donna"):
        _assign(personas, bed, guest=Guest.WOMAN)
    assert not Stay.objects.exists()


def test_a_dormitory_opens_only_during_an_activation(personas: Personas) -> None:
    dormitory = factories.facility(personas, name="Palestra Bondano", kind=FacilityKind.DORMITORY)
    with pytest.raises(DomainError, match="fuori dall'attivazione"):
        _assign(personas, factories.first_bed(dormitory))
    factories.activation(personas, factories.season(personas, facilities=[dormitory]))
    assert _assign(personas, factories.first_bed(dormitory)).activation is not None


def test_surge_beds_open_only_with_an_activation_that_opens_them(personas: Personas) -> None:
    shelter = factories.facility(personas, surge_only=True)
    bed = factories.first_bed(shelter)
    with pytest.raises(DomainError):
        _assign(personas, bed)
    plan = factories.season(personas, facilities=[shelter])
    activation = factories.activation(personas, plan)
    with pytest.raises(DomainError, match="emergenza"):
        _assign(personas, bed)
    services.activation_close(actor=personas.coordinator, activation=activation)
    activation.refresh_from_db()
    assert bed_board(user=personas.association_operator, night=factories.tonight()) == []


def test_check_out_before_check_in_is_refused(personas: Personas) -> None:
    stay = _assign(personas, factories.first_bed(factories.facility(personas)))
    with pytest.raises(DomainError, match="prima dell'entrata"):
        board.stay_check_out(actor=personas.association_operator, stay=stay)
    stay.refresh_from_db()
    assert stay.status == StayStatus.ASSIGNED
    board.stay_check_in(actor=personas.association_operator, stay=stay)
    board.stay_check_out(actor=personas.association_operator, stay=stay)
    stay.refresh_from_db()
    assert stay.status == StayStatus.CHECKED_OUT
    assert stay.checked_in_at is not None and stay.checked_out_at is not None
    assert stay.checked_out_at >= stay.checked_in_at


def test_an_operator_of_another_organization_cannot_assign(personas: Personas) -> None:
    bed = factories.first_bed(factories.facility(personas))
    with pytest.raises(PermissionDeniedError):
        board.bed_assign(
            actor=personas.outsider, bed=bed, night=factories.tonight(), alias="Intruso"
        )


def test_no_shows_are_released_at_the_set_hour(personas: Personas) -> None:
    factories.season(personas, no_show_release_at=time(22, 0))
    shelter = factories.facility(personas)
    beds = list(shelter.beds.order_by("label"))
    waiting = _assign(personas, beds[0])
    arrived = _assign(personas, beds[1], alias="Arrivato")
    board.stay_check_in(actor=personas.association_operator, stay=arrived)
    night = factories.tonight()
    early = timezone.make_aware(datetime.combine(night, time(21, 0)))
    late = timezone.make_aware(datetime.combine(night, time(22, 15)))
    assert board.stays_release_no_shows(now=early) == 0
    assert board.stays_release_no_shows(now=late) == 1
    waiting.refresh_from_db()
    assert waiting.status == StayStatus.NO_SHOW
    assert _assign(personas, beds[0], alias="Nuovo arrivo").bed == beds[0]


def test_a_transfer_frees_the_first_bed_and_takes_the_second(personas: Personas) -> None:
    first = factories.facility(personas)
    second = factories.facility(personas, name="Asilo notturno Il Mantello")
    stay = _assign(personas, factories.first_bed(first))
    moved = board.stay_transfer(
        actor=personas.association_operator, stay=stay, bed=factories.first_bed(second)
    )
    stay.refresh_from_db()
    assert stay.status == StayStatus.TRANSFERRED and stay.transferred_to == moved
    assert moved.bed.facility == second
    assert _assign(personas, factories.first_bed(first), alias="Altro").pk


def test_the_waiting_list_places_someone_once(personas: Personas) -> None:
    bed = factories.first_bed(factories.facility(personas))
    request = board.bed_request_add(
        actor=personas.association_operator, night=factories.tonight(), alias="Nonno Gino"
    )
    stay = board.bed_assign(
        actor=personas.association_operator, bed=bed, night=factories.tonight(), request=request
    )
    request.refresh_from_db()
    assert stay.alias == "Nonno Gino" and request.status == BedRequestStatus.PLACED
    with pytest.raises(ConflictError):
        board.bed_request_close(
            actor=personas.association_operator, request=request, status="turned_away"
        )


def test_dates_far_from_tonight_are_refused_on_the_waiting_list(personas: Personas) -> None:
    with pytest.raises(DomainError):
        board.bed_request_add(
            actor=personas.association_operator,
            night=factories.tonight() + timedelta(days=5),
            alias="Domani l'altro",
        )


def test_an_alias_is_later_linked_to_the_registry_record(personas: Personas) -> None:
    shelter = factories.facility(personas)
    beds = list(shelter.beds.order_by("label"))
    stay = _assign(personas, beds[0], alias="Il Biondo")
    person = person_create(
        actor=personas.desk_operator, data={"given_name": "Ivo", "family_name": "Biondi"}
    )
    assert board.stay_identify(actor=personas.association_operator, stay=stay, person=person) == 1
    stay.refresh_from_db()
    assert stay.person == person
    with pytest.raises(DomainError):
        board.stay_identify(actor=personas.association_operator, stay=stay, person=person)
