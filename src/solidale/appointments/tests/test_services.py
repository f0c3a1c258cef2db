"""Booking rules: free slots only, within opening hours, in the future, one per slot."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import AuditEvent
from solidale.network.models import NeedCategory
from solidale.people.models import PersonLink
from solidale.people.services import person_create

from .. import services
from ..models import Appointment, OperatorSchedule, Slot, Status
from .factories import comune_person, next_weekday, next_weekday_holiday, open_office, slot_at

pytestmark = pytest.mark.django_db


def test_it_generates_slots_from_the_schedules_inside_opening_hours(personas, office) -> None:
    monday = next_weekday(0)
    starts = [
        timezone.localtime(s.start).time()
        for s in Slot.objects.filter(office=office).order_by("start")
        if timezone.localtime(s.start).date() == monday
    ]
    assert starts == [
        time(9),
        time(9, 30),
        time(10),
        time(10, 30),
        time(11),
        time(11, 30),
        time(12),
        time(12, 30),
    ]
    assert not Slot.objects.filter(start__lte=timezone.now()).exists()


def test_generating_twice_creates_nothing_new(personas, office) -> None:
    today = timezone.localdate()
    again = services.slots_generate(
        office=office,
        start_date=today,
        end_date=today + timedelta(weeks=2),
        actor=personas.coordinator,
    )
    assert again == 0


def test_no_slots_on_a_day_the_office_is_closed(personas) -> None:
    office = open_office(personas, weeks=0)
    monday = next_weekday(0)
    services.office_closure_add(
        office=office, day=monday, reason="Festa del patrono", actor=personas.coordinator
    )
    services.slots_generate(
        office=office, start_date=monday, end_date=monday, actor=personas.coordinator
    )
    assert not Slot.objects.filter(office=office, start__date=monday).exists()


def test_no_slots_and_no_bookings_on_a_national_holiday(personas, person) -> None:
    holiday = next_weekday_holiday()
    office = open_office(personas, weeks=0)
    created = services.slots_generate(
        office=office, start_date=holiday, end_date=holiday, actor=personas.coordinator
    )
    assert created == 0
    start = timezone.make_aware(datetime.combine(holiday, time(9)))
    slot = Slot.objects.create(
        office=office,
        operator=personas.desk_operator,
        start=start,
        end=start + timedelta(minutes=30),
    )
    with pytest.raises(DomainError, match="fuori dall'orario di apertura"):
        services.appointment_book(slot=slot, person=person, actor=personas.desk_operator)


def test_a_closure_removes_the_free_slots_and_keeps_the_bookings(personas, office, person) -> None:
    monday = next_weekday(0)
    booked = services.appointment_book(
        slot=slot_at(office, monday, time(9)), person=person, actor=personas.desk_operator
    )
    services.office_closure_add(
        office=office, day=monday, reason="Sciopero", actor=personas.coordinator
    )
    assert list(Slot.objects.filter(office=office, start__date=monday)) == [booked.slot]


def test_it_books_a_free_slot_and_records_it_in_the_audit_trail(personas, office, person) -> None:
    slot = slot_at(office, next_weekday(1), time(10))
    need = NeedCategory.objects.get(code="housing")
    appointment = services.appointment_book(
        slot=slot, person=person, need=need, reminder_channel="sms", actor=personas.desk_operator
    )
    assert appointment.status == Status.BOOKED
    assert appointment.booked_by == personas.desk_operator
    event = AuditEvent.objects.filter(object_type="appointments.appointment").get()
    assert event.action == "create"
    assert event.person_id == person.pk


def test_it_refuses_a_second_booking_of_the_same_slot(personas, office, person) -> None:
    slot = slot_at(office, next_weekday(1), time(10))
    services.appointment_book(slot=slot, person=person, actor=personas.desk_operator)
    other = comune_person(personas, given="Mario", family="Rossi")
    with pytest.raises(ConflictError, match="appena stato prenotato"):
        services.appointment_book(slot=slot, person=other, actor=personas.social_worker)
    assert Appointment.objects.count() == 1


def test_it_refuses_a_slot_in_the_past(personas, office, person) -> None:
    start = timezone.now() - timedelta(hours=1)
    slot = Slot.objects.create(
        office=office,
        operator=personas.desk_operator,
        start=start,
        end=start + timedelta(minutes=30),
    )
    with pytest.raises(DomainError, match="già passato"):
        services.appointment_book(slot=slot, person=person, actor=personas.desk_operator)
    assert not Appointment.objects.exists()


def test_it_refuses_a_slot_outside_opening_hours(personas, office, person) -> None:
    evening = timezone.make_aware(datetime.combine(next_weekday(2), time(20)))
    slot = Slot.objects.create(
        office=office,
        operator=personas.desk_operator,
        start=evening,
        end=evening + timedelta(minutes=30),
    )
    with pytest.raises(DomainError, match="fuori dall'orario di apertura"):
        services.appointment_book(slot=slot, person=person, actor=personas.desk_operator)
    sunday = timezone.make_aware(datetime.combine(next_weekday(6), time(10)))
    slot = Slot.objects.create(
        office=office,
        operator=personas.desk_operator,
        start=sunday,
        end=sunday + timedelta(minutes=30),
    )
    with pytest.raises(DomainError, match="fuori dall'orario di apertura"):
        services.appointment_book(slot=slot, person=person, actor=personas.desk_operator)
    assert not Appointment.objects.exists()


def test_it_refuses_overlapping_bookings_for_the_same_person(personas, office, person) -> None:
    wednesday = next_weekday(2)
    services.appointment_book(
        slot=slot_at(office, wednesday, time(9)), person=person, actor=personas.desk_operator
    )
    marina = open_office(personas, name="Sportello Marina", operator=personas.social_worker)
    parallel = slot_at(marina, wednesday, time(9))
    with pytest.raises(DomainError, match="già un appuntamento"):
        services.appointment_book(slot=parallel, person=person, actor=personas.desk_operator)
    assert Appointment.objects.count() == 1


def test_it_refuses_an_operator_outside_the_office_organization(personas, office) -> None:
    with pytest.raises(DomainError, match="non fa parte dell'organizzazione"):
        services.operator_schedule_add(
            office=office,
            operator=personas.association_operator,
            weekday=0,
            start=time(9),
            end=time(10),
            slot_minutes=30,
            actor=personas.coordinator,
        )
    assert not OperatorSchedule.objects.filter(operator=personas.association_operator).exists()


def test_a_slot_of_an_operator_who_left_cannot_be_booked(personas, office, person) -> None:
    slot = slot_at(office, next_weekday(3), time(11))
    membership = personas.desk_operator.memberships.get()
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    with pytest.raises(DomainError, match="non fa parte dell'organizzazione"):
        services.appointment_book(slot=slot, person=person, actor=personas.social_worker)
    assert not Appointment.objects.exists()


def test_booking_opens_nothing_new_on_the_person(personas, office) -> None:
    theirs = person_create(
        actor=personas.association_operator,
        data={"given_name": "Pietro", "family_name": "Ponte", "is_identified": True},
    )
    links = PersonLink.objects.count()
    with pytest.raises(DomainError, match="Persona non trovata"):
        services.appointment_book(
            slot=slot_at(office, next_weekday(1), time(9)),
            person=theirs,
            actor=personas.desk_operator,
        )
    assert PersonLink.objects.count() == links
    assert not Appointment.objects.exists()


def test_another_organization_cannot_book_at_the_comune_office(personas, office) -> None:
    with pytest.raises(PermissionDeniedError):
        services.appointment_book(
            slot=slot_at(office, next_weekday(1), time(9)),
            contact_name="Ada Esterna",
            actor=personas.association_operator,
        )
    assert not Appointment.objects.exists()


def test_it_books_for_a_citizen_not_yet_registered(personas, office) -> None:
    appointment = services.appointment_book(
        slot=slot_at(office, next_weekday(1), time(9)),
        contact_name="Lucia Nuova",
        contact_email="lucia@example.invalid",
        reminder_channel="email",
        actor=personas.desk_operator,
    )
    assert appointment.person is None
    assert appointment.who == "Lucia Nuova"


def test_it_needs_a_person_or_a_name(personas, office) -> None:
    with pytest.raises(DomainError, match="Scegli la persona"):
        services.appointment_book(
            slot=slot_at(office, next_weekday(1), time(9)), actor=personas.desk_operator
        )


def test_a_reminder_channel_needs_its_contact(personas, office) -> None:
    with pytest.raises(DomainError, match="serve un numero di telefono"):
        services.appointment_book(
            slot=slot_at(office, next_weekday(1), time(9)),
            contact_name="Senza Telefono",
            reminder_channel="sms",
            actor=personas.desk_operator,
        )
    assert not Appointment.objects.exists()


def test_moving_books_the_new_slot_and_frees_the_old_one(personas, office, person) -> None:
    tuesday = next_weekday(1)
    first = services.appointment_book(
        slot=slot_at(office, tuesday, time(9)), person=person, actor=personas.desk_operator
    )
    moved = services.appointment_move(
        appointment=first, slot=slot_at(office, tuesday, time(11)), actor=personas.social_worker
    )
    first.refresh_from_db()
    assert first.status == Status.MOVED
    assert first.moved_to == moved
    assert moved.status == Status.BOOKED
    assert moved.person == person
    assert first.slot in Slot.objects.free()


def test_moving_to_a_booked_slot_changes_nothing(personas, office, person) -> None:
    tuesday = next_weekday(1)
    first = services.appointment_book(
        slot=slot_at(office, tuesday, time(9)), person=person, actor=personas.desk_operator
    )
    taken = slot_at(office, tuesday, time(10))
    services.appointment_book(
        slot=taken, contact_name="Altra Persona", actor=personas.desk_operator
    )
    with pytest.raises(ConflictError):
        services.appointment_move(appointment=first, slot=taken, actor=personas.desk_operator)
    first.refresh_from_db()
    assert first.status == Status.BOOKED
    assert Appointment.objects.count() == 2


def test_a_cancelled_slot_can_be_booked_again(personas, office, person) -> None:
    slot = slot_at(office, next_weekday(1), time(9))
    first = services.appointment_book(slot=slot, person=person, actor=personas.desk_operator)
    cancelled = services.appointment_cancel(
        appointment=first, reason="Ha chiamato per disdire", actor=personas.desk_operator
    )
    assert cancelled.status == Status.CANCELLED
    assert cancelled.closed_reason == "Ha chiamato per disdire"
    again = services.appointment_book(
        slot=slot, contact_name="Nuovo Arrivo", actor=personas.desk_operator
    )
    assert again.status == Status.BOOKED


def test_cancelling_needs_a_reason_and_happens_once(personas, office, person) -> None:
    first = services.appointment_book(
        slot=slot_at(office, next_weekday(1), time(9)), person=person, actor=personas.desk_operator
    )
    with pytest.raises(DomainError, match="motivo"):
        services.appointment_cancel(appointment=first, reason="  ", actor=personas.desk_operator)
    services.appointment_cancel(appointment=first, reason="Disdetto", actor=personas.desk_operator)
    with pytest.raises(ConflictError):
        services.appointment_cancel(
            appointment=first, reason="Di nuovo", actor=personas.social_worker
        )


def test_attendance_is_recorded_only_once_the_time_has_come(personas, office, person) -> None:
    first = services.appointment_book(
        slot=slot_at(office, next_weekday(1), time(9)), person=person, actor=personas.desk_operator
    )
    with pytest.raises(DomainError, match="dall'ora dell'appuntamento"):
        services.appointment_mark(
            appointment=first, status="attended", actor=personas.desk_operator
        )
    Slot.objects.filter(pk=first.slot_id).update(
        start=timezone.now() - timedelta(minutes=20), end=timezone.now() + timedelta(minutes=10)
    )
    first.refresh_from_db()
    marked = services.appointment_mark(
        appointment=first, status="no_show", actor=personas.desk_operator
    )
    assert marked.status == Status.NO_SHOW


def test_only_coordinators_and_admins_manage_schedules(personas, office) -> None:
    with pytest.raises(PermissionDeniedError):
        services.opening_hours_add(
            office=office, weekday=5, start=time(9), end=time(12), actor=personas.desk_operator
        )


def test_opening_hours_of_a_day_do_not_overlap(personas, office) -> None:
    with pytest.raises(DomainError, match="si sovrappone"):
        services.opening_hours_add(
            office=office, weekday=0, start=time(12), end=time(15), actor=personas.coordinator
        )
    afternoon = services.opening_hours_add(
        office=office, weekday=0, start=time(15), end=time(17), actor=personas.coordinator
    )
    assert str(afternoon) == "lunedì 15:00-17:00"


def test_removing_a_schedule_removes_its_future_free_slots_only(personas, office, person) -> None:
    monday = next_weekday(0)
    booked = services.appointment_book(
        slot=slot_at(office, monday, time(9)), person=person, actor=personas.desk_operator
    )
    schedule = OperatorSchedule.objects.get(office=office, weekday=0)
    removed = services.operator_schedule_remove(schedule=schedule, actor=personas.coordinator)
    assert removed > 0
    mondays = [
        s for s in Slot.objects.filter(office=office) if timezone.localtime(s.start).weekday() == 0
    ]
    assert mondays == [booked.slot]
