"""Writes on appointments. Each runs in one transaction, writes the audit trail and raises
``DomainError`` (or ``ConflictError``) with a message a desk operator understands.

No double booking: the slot row is locked, an active booking is looked for, and the
partial ``UniqueConstraint`` on active appointments per slot turns a lost race into the
same ``ConflictError``. Status changes are conditional updates (``… WHERE status = 'booked'``),
so two operators cancelling or moving the same appointment cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidale.accounts.models import REGISTRY_ROLES, Membership, Role, User
from solidale.core.audit import Action, audit_record
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.desk.models import Office
from solidale.desk.workdays import italian_holidays
from solidale.network.models import NeedCategory
from solidale.people.models import Person

from .models import (
    Appointment,
    CalendarFeed,
    OfficeClosure,
    OpeningHours,
    OperatorSchedule,
    ReminderChannel,
    Slot,
    Status,
)

#: Roles of the office's organization that manage opening hours and operators' schedules.
MANAGER_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})
#: The furthest ahead slots are generated in one go.
MAX_GENERATION_DAYS = 366


def _membership_of(actor: Any) -> Membership:
    membership = getattr(actor, "membership", None)
    if membership is None or membership.role not in REGISTRY_ROLES:
        raise PermissionDeniedError(_("Il tuo ruolo non permette di gestire gli appuntamenti."))
    return membership


def _require_office(actor: Any, office: Office) -> Membership:
    membership = _membership_of(actor)
    if office.organization_id != membership.organization_id:
        raise PermissionDeniedError(_("Lo sportello non è della tua organizzazione."))
    return membership


def _require_manager(actor: Any, office: Office) -> None:
    if _require_office(actor, office).role not in MANAGER_ROLES:
        raise PermissionDeniedError(
            _("Solo i coordinatori e gli amministratori gestiscono orari e disponibilità.")
        )


def operator_is_member(operator: User, office: Office) -> bool:
    """Is the operator an active member (with a registry role) of the office's organization?"""
    return (
        Membership.objects.active()
        .filter(user=operator, organization_id=office.organization_id, role__in=REGISTRY_ROLES)
        .exists()
        and operator.is_active
    )


def _check_range(start: time, end: time) -> None:
    if end <= start:
        raise DomainError(_("L'orario di fine deve venire dopo quello di inizio."), field="end")


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def is_closed(office: Office, day: date) -> bool:
    """National public holidays and the office's own closures."""
    return (
        day in italian_holidays(day.year)
        or OfficeClosure.objects.filter(office=office, date=day).exists()
    )


def within_opening_hours(office: Office, start: datetime, end: datetime) -> bool:
    """Does [start, end) fall inside one opening range of the office, on a day it is open?"""
    local_start, local_end = _local(start), _local(end)
    if local_start.date() != local_end.date():
        return False
    if is_closed(office, local_start.date()):
        return False
    return OpeningHours.objects.filter(
        office=office,
        weekday=local_start.weekday(),
        start__lte=local_start.time(),
        end__gte=local_end.time(),
    ).exists()


# --- Opening hours, closures, schedules ---------------------------------------------------


@transaction.atomic
def opening_hours_add(
    *, office: Office, weekday: int, start: time, end: time, actor: Any
) -> OpeningHours:
    _require_manager(actor, office)
    _check_range(start, end)
    if not 0 <= weekday <= 6:
        raise DomainError(_("Giorno della settimana non valido."), field="weekday")
    overlapping = OpeningHours.objects.filter(
        office=office, weekday=weekday, start__lt=end, end__gt=start
    )
    if overlapping.exists():
        raise DomainError(
            _("Questa fascia si sovrappone a un altro orario di apertura dello stesso giorno."),
            field="start",
        )
    hours = OpeningHours.objects.create(office=office, weekday=weekday, start=start, end=end)
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=hours,
        changes={"office": office.pk, "weekday": weekday, "start": start, "end": end},
    )
    return hours


@transaction.atomic
def opening_hours_remove(*, hours: OpeningHours, actor: Any) -> None:
    _require_manager(actor, hours.office)
    audit_record(
        actor=actor,
        action=Action.DELETE,
        obj=hours,
        changes={"office": hours.office_id, "weekday": hours.weekday},
    )
    hours.delete()


@transaction.atomic
def office_closure_add(*, office: Office, day: date, reason: str = "", actor: Any) -> OfficeClosure:
    """Close the office on a day; the free slots of that day disappear (bookings stay, to move)."""
    _require_manager(actor, office)
    if OfficeClosure.objects.filter(office=office, date=day).exists():
        raise DomainError(_("Lo sportello risulta già chiuso in quel giorno."), field="date")
    closure = OfficeClosure.objects.create(office=office, date=day, reason=reason.strip()[:120])
    removed, _details = (
        Slot.objects.free()
        .filter(
            office=office,
            start__gte=_aware(day, time(0)),
            start__lt=_aware(day + timedelta(days=1), time(0)),
        )
        .delete()
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=closure,
        changes={"office": office.pk, "date": day, "free_slots_removed": removed},
    )
    return closure


@transaction.atomic
def operator_schedule_add(
    *,
    office: Office,
    operator: User,
    weekday: int,
    start: time,
    end: time,
    slot_minutes: int,
    actor: Any,
) -> OperatorSchedule:
    _require_manager(actor, office)
    _check_range(start, end)
    if not operator_is_member(operator, office):
        raise DomainError(
            _("L'operatore non fa parte dell'organizzazione dello sportello."), field="operator"
        )
    if not 5 <= slot_minutes <= 240:
        raise DomainError(
            _("La durata di un appuntamento va da 5 a 240 minuti."), field="slot_minutes"
        )
    if not OpeningHours.objects.filter(
        office=office, weekday=weekday, start__lte=start, end__gte=end
    ).exists():
        raise DomainError(
            _("La disponibilità deve stare dentro un orario di apertura dello sportello."),
            field="start",
        )
    if OperatorSchedule.objects.filter(
        operator=operator, weekday=weekday, start__lt=end, end__gt=start
    ).exists():
        raise DomainError(
            _("L'operatore ha già una disponibilità che si sovrappone in quel giorno."),
            field="start",
        )
    schedule = OperatorSchedule.objects.create(
        office=office,
        operator=operator,
        weekday=weekday,
        start=start,
        end=end,
        slot_minutes=slot_minutes,
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=schedule,
        changes={
            "office": office.pk,
            "operator": operator.pk,
            "weekday": weekday,
            "start": start,
            "end": end,
            "slot_minutes": slot_minutes,
        },
    )
    return schedule


@transaction.atomic
def operator_schedule_remove(*, schedule: OperatorSchedule, actor: Any) -> int:
    """Remove a schedule and its future free slots; booked slots stay until moved."""
    _require_manager(actor, schedule.office)
    future_free = Slot.objects.free().filter(
        office=schedule.office, operator=schedule.operator, start__gt=timezone.now()
    )
    removed_ids = [
        slot.pk
        for slot in future_free.only("start", "end")
        if _local(slot.start).weekday() == schedule.weekday
        and schedule.start <= _local(slot.start).time() < schedule.end
    ]
    Slot.objects.filter(pk__in=removed_ids).delete()
    audit_record(
        actor=actor,
        action=Action.DELETE,
        obj=schedule,
        changes={"operator": schedule.operator_id, "free_slots_removed": len(removed_ids)},
    )
    schedule.delete()
    return len(removed_ids)


def _days(start_date: date, end_date: date) -> Iterable[date]:
    day = start_date
    while day <= end_date:
        yield day
        day += timedelta(days=1)


@transaction.atomic
def slots_generate(*, office: Office, start_date: date, end_date: date, actor: Any) -> int:
    """Create the slots of every operator's schedule between two dates (inclusive).

    National public holidays, days the office is closed and times outside its opening hours
    are skipped; slots that already exist are kept. Returns how many slots were created.
    """
    if actor is not None:
        _require_manager(actor, office)
    if end_date < start_date:
        raise DomainError(_("La data finale viene prima di quella iniziale."), field="end_date")
    if (end_date - start_date).days > MAX_GENERATION_DAYS:
        raise DomainError(
            _("Si possono generare al massimo dodici mesi di orari."), field="end_date"
        )
    start_date = max(start_date, timezone.localdate())
    closed = set(
        OfficeClosure.objects.filter(
            office=office, date__gte=start_date, date__lte=end_date
        ).values_list("date", flat=True)
    )
    hours: dict[int, list[tuple[time, time]]] = {}
    for opening in OpeningHours.objects.filter(office=office):
        hours.setdefault(opening.weekday, []).append((opening.start, opening.end))
    members = set(
        Membership.objects.active()
        .filter(organization_id=office.organization_id, role__in=REGISTRY_ROLES)
        .values_list("user_id", flat=True)
    )
    schedules = [
        s for s in OperatorSchedule.objects.filter(office=office) if s.operator_id in members
    ]
    now = timezone.now()
    wanted: list[Slot] = []
    for day in _days(start_date, end_date):
        if day in closed or day in italian_holidays(day.year):
            continue
        for schedule in (s for s in schedules if s.weekday == day.weekday()):
            length = timedelta(minutes=schedule.slot_minutes)
            begin = _aware(day, schedule.start)
            stop = _aware(day, schedule.end)
            while begin + length <= stop:
                finish = begin + length
                inside = any(
                    opens <= _local(begin).time() and _local(finish).time() <= closes
                    for opens, closes in hours.get(day.weekday(), [])
                )
                if inside and begin > now:
                    wanted.append(
                        Slot(
                            office=office, operator_id=schedule.operator_id, start=begin, end=finish
                        )
                    )
                begin = finish
    existing = set(
        Slot.objects.filter(
            operator_id__in=[s.operator_id for s in schedules],
            start__gte=_aware(start_date, time(0)),
            start__lt=_aware(end_date + timedelta(days=1), time(0)),
        ).values_list("operator_id", "start")
    )
    new = [slot for slot in wanted if (slot.operator_id, slot.start) not in existing]
    Slot.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit_record(
            actor=actor,
            action=Action.BULK_CREATE,
            object_type="appointments.slot",
            changes={"office": office.pk, "from": start_date, "to": end_date, "count": len(new)},
        )
    return len(new)


# --- Bookings --------------------------------------------------------------------------------


def _check_slot_bookable(slot: Slot, actor: Any) -> None:
    _require_office(actor, slot.office)
    if slot.start <= timezone.now():
        raise DomainError(_("L'orario scelto è già passato: scegline uno futuro."), field="slot")
    if not slot.office.is_active:
        raise DomainError(_("Lo sportello non è attivo."), field="slot")
    if not within_opening_hours(slot.office, slot.start, slot.end):
        raise DomainError(
            _("L'orario scelto è fuori dall'orario di apertura dello sportello."), field="slot"
        )
    if not operator_is_member(slot.operator, slot.office):
        raise DomainError(
            _("L'operatore di questo orario non fa parte dell'organizzazione dello sportello."),
            field="slot",
        )


def _lock_free_slot(slot: Slot) -> Slot:
    locked = Slot.objects.select_for_update().select_related("office", "operator").get(pk=slot.pk)
    if Appointment.objects.filter(slot=locked, status=Status.BOOKED).exists():
        raise ConflictError(
            _("Questo orario è appena stato prenotato: scegline un altro."), field="slot"
        )
    return locked


def _check_person_free(person: Person | None, slot: Slot, *, ignore: Appointment | None) -> None:
    """The same person cannot be expected at two of the organization's appointments at once."""
    if person is None:
        return
    clashing = Appointment.objects.filter(
        person=person,
        status=Status.BOOKED,
        slot__start__lt=slot.end,
        slot__end__gt=slot.start,
        slot__office__organization_id=slot.office.organization_id,
    )
    if ignore is not None:
        clashing = clashing.exclude(pk=ignore.pk)
    if clashing.exists():
        raise DomainError(
            _("Questa persona ha già un appuntamento che si sovrappone a questo orario."),
            field="slot",
        )


def _check_reminder(channel: str, phone: str, email: str) -> None:
    if channel not in ReminderChannel.values:
        raise DomainError(_("Scegli come inviare il promemoria."), field="reminder_channel")
    if channel == ReminderChannel.SMS and not phone:
        raise DomainError(
            _("Per il promemoria via SMS serve un numero di telefono."), field="reminder_channel"
        )
    if channel == ReminderChannel.EMAIL and not email:
        raise DomainError(
            _("Per il promemoria via e-mail serve un indirizzo e-mail."), field="reminder_channel"
        )


def _insert(appointment: Appointment) -> Appointment:
    """Save the booking; a race lost on the unique constraint becomes a clear conflict."""
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        raise ConflictError(
            _("Questo orario è appena stato prenotato: scegline un altro."), field="slot"
        ) from None
    return appointment


@transaction.atomic
def appointment_book(
    *,
    slot: Slot,
    actor: Any,
    person: Person | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    need: NeedCategory | None = None,
    notes: str = "",
    reminder_channel: str = ReminderChannel.NONE,
) -> Appointment:
    """Book a free slot for a person the actor's organization already sees, or for a contact."""
    _require_office(actor, slot.office)
    if person is not None:
        if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
            raise DomainError(_("Persona non trovata."), field="person")
        contact_name = contact_phone = contact_email = ""
        phone, email = person.phone, person.email
    else:
        contact_name = contact_name.strip()
        contact_phone, contact_email = contact_phone.strip(), contact_email.strip()
        if not contact_name:
            raise DomainError(
                _("Scegli la persona oppure scrivi nome e cognome di chi chiede l'appuntamento."),
                field="person",
            )
        phone, email = contact_phone, contact_email
    if need is not None and not need.is_active:
        raise DomainError(_("Questo motivo non è più in uso."), field="need")
    _check_reminder(reminder_channel, phone, email)
    slot = _lock_free_slot(slot)
    _check_slot_bookable(slot, actor)
    _check_person_free(person, slot, ignore=None)
    appointment = _insert(
        Appointment(
            slot=slot,
            person=person,
            contact_name=contact_name[:150],
            contact_phone=contact_phone[:30],
            contact_email=contact_email,
            need=need,
            notes=notes.strip(),
            reminder_channel=reminder_channel,
            booked_by=actor,
        )
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=appointment,
        person_id=person.pk if person else None,
        changes={
            "slot": slot.pk,
            "office": slot.office_id,
            "operator": slot.operator_id,
            "need": need.code if need else "",
            "reminder_channel": reminder_channel,
        },
    )
    return appointment


def _close(appointment: Appointment, status: str, **fields: Any) -> None:
    """The conditional write: only a still-booked appointment changes status."""
    changed = Appointment.objects.filter(pk=appointment.pk, status=Status.BOOKED).update(
        status=status, updated_at=timezone.now(), **fields
    )
    if not changed:
        raise ConflictError(
            _("L'appuntamento è già stato spostato, annullato o chiuso da qualcun altro."),
            field="status",
        )


@transaction.atomic
def appointment_move(*, appointment: Appointment, slot: Slot, actor: Any) -> Appointment:
    """Move a booking to another free slot: the old one is marked moved, a new one is booked."""
    _require_office(actor, appointment.slot.office)
    if slot.pk == appointment.slot_id:
        raise DomainError(_("Scegli un orario diverso da quello attuale."), field="slot")
    if appointment.status != Status.BOOKED:
        raise ConflictError(
            _("Si possono spostare solo gli appuntamenti prenotati."), field="status"
        )
    new_slot = _lock_free_slot(slot)
    _check_slot_bookable(new_slot, actor)
    person = appointment.person
    _check_person_free(person, new_slot, ignore=appointment)
    now = timezone.now()
    _close(appointment, Status.MOVED, closed_at=now)
    moved = _insert(
        Appointment(
            slot=new_slot,
            person=person,
            contact_name=appointment.contact_name,
            contact_phone=appointment.contact_phone,
            contact_email=appointment.contact_email,
            need=appointment.need,
            notes=appointment.notes,
            reminder_channel=appointment.reminder_channel,
            booked_by=actor,
        )
    )
    Appointment.objects.filter(pk=appointment.pk).update(moved_to=moved)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=appointment,
        person_id=appointment.person_id,
        changes={
            "status": [Status.BOOKED, Status.MOVED],
            "slot": [appointment.slot_id, new_slot.pk],
        },
    )
    audit_record(
        actor=actor,
        action=Action.CREATE,
        obj=moved,
        person_id=moved.person_id,
        changes={"moved_from": appointment.pk, "slot": new_slot.pk},
    )
    return moved


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, reason: str, actor: Any) -> Appointment:
    _require_office(actor, appointment.slot.office)
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Scrivi il motivo dell'annullamento."), field="reason")
    _close(appointment, Status.CANCELLED, closed_reason=reason[:200], closed_at=timezone.now())
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=appointment,
        person_id=appointment.person_id,
        changes={"status": [Status.BOOKED, Status.CANCELLED], "reason": reason[:200]},
    )
    appointment.refresh_from_db()
    return appointment


@transaction.atomic
def appointment_mark(*, appointment: Appointment, status: str, actor: Any) -> Appointment:
    """Record whether the person came (attended) or not (no-show), once the time has come."""
    _require_office(actor, appointment.slot.office)
    if status not in (Status.ATTENDED, Status.NO_SHOW):
        raise DomainError(_("Indica se la persona si è presentata o no."), field="status")
    if appointment.slot.start > timezone.now():
        raise DomainError(
            _("La presenza si registra solo dall'ora dell'appuntamento in poi."), field="status"
        )
    _close(appointment, status, closed_at=timezone.now())
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        obj=appointment,
        person_id=appointment.person_id,
        changes={"status": [Status.BOOKED, status]},
    )
    appointment.refresh_from_db()
    return appointment


# --- iCal feed ---------------------------------------------------------------------------------


def _require_feed_owner_or_manager(actor: Any, operator: User) -> None:
    membership = _membership_of(actor)
    if actor.pk == operator.pk:
        return
    if (
        membership.role not in MANAGER_ROLES
        or not Membership.objects.active()
        .filter(user=operator, organization_id=membership.organization_id)
        .exists()
    ):
        raise PermissionDeniedError(_("Puoi gestire solo il tuo calendario."))


@transaction.atomic
def calendar_feed_regenerate(*, operator: User, actor: Any) -> str:
    """A new secret feed address for the operator; the previous one stops working. Returns
    the token, shown once."""
    _require_feed_owner_or_manager(actor, operator)
    token = CalendarFeed.generate_token()
    CalendarFeed.objects.update_or_create(
        operator=operator,
        defaults={"digest": CalendarFeed.digest_of(token), "created_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action=Action.GRANT,
        object_type="appointments.calendarfeed",
        object_id=operator.pk,
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, operator: User, actor: Any) -> bool:
    _require_feed_owner_or_manager(actor, operator)
    deleted, _details = CalendarFeed.objects.filter(operator=operator).delete()
    if deleted:
        audit_record(
            actor=actor,
            action=Action.REVOKE,
            object_type="appointments.calendarfeed",
            object_id=operator.pk,
        )
    return bool(deleted)
