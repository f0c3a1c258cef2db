"""Background work: tomorrow's reminders, run by the django-tasks worker.

``appointment_reminders_send`` is enqueued once a day (``solidale appointment_reminders``
from cron or a systemd timer). Each appointment is claimed with a conditional update of
``reminder_sent_at`` before its message goes out, so a second run — or a second worker —
sends nothing twice; a message that fails is released and tried again by the next run.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_tasks import task

from .messaging import MessageNotSent, messenger_for
from .models import Appointment, ReminderChannel, Status
from .selectors import day_bounds

logger = logging.getLogger(__name__)


def reminder_text(appointment: Appointment) -> tuple[str, str]:
    start = timezone.localtime(appointment.slot.start)
    office = appointment.slot.office
    subject = _("Promemoria: appuntamento di domani")
    text = _(
        "Le ricordiamo l'appuntamento di %(day)s alle %(time)s presso %(office)s%(address)s. "
        "Se non può venire, ci avvisi%(phone)s."
    ) % {
        "day": formats.date_format(start.date(), "l j F"),
        "time": start.strftime("%H:%M"),
        "office": office.name,
        "address": f", {office.address}" if office.address else "",
        "phone": f" al {office.phone}" if office.phone else "",
    }
    return subject, text


def _recipient(appointment: Appointment) -> str:
    person = appointment.person
    if appointment.reminder_channel == ReminderChannel.SMS:
        return person.phone if person else appointment.contact_phone
    return person.email if person else appointment.contact_email


def reminders_send_for(day: date) -> int:
    """Send the reminders of the appointments booked on ``day``; returns how many were sent."""
    start, end = day_bounds(day)
    pending = (
        Appointment.objects.filter(
            status=Status.BOOKED,
            reminder_sent_at__isnull=True,
            slot__start__gte=start,
            slot__start__lt=end,
        )
        .exclude(reminder_channel=ReminderChannel.NONE)
        .select_related("slot__office", "person")
    )
    sent = 0
    for appointment in pending:
        messenger = messenger_for(appointment.reminder_channel)
        if messenger is None:
            continue
        claimed = Appointment.objects.filter(
            pk=appointment.pk, reminder_sent_at__isnull=True, status=Status.BOOKED
        ).update(reminder_sent_at=timezone.now())
        if not claimed:
            continue
        subject, text = reminder_text(appointment)
        try:
            messenger.send(to=_recipient(appointment), subject=subject, text=text)
        except MessageNotSent as error:
            Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=None)
            logger.warning("Reminder for appointment %s not sent: %s", appointment.pk, error)
            continue
        sent += 1
    return sent


@task()
def appointment_reminders_send() -> int:
    """The reminders of tomorrow's appointments, by each booking's reminder channel."""
    return reminders_send_for(timezone.localdate() + timedelta(days=1))
