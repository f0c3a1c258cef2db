"""Tomorrow's reminders, sent by the real task worker, once, by each booking's channel."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from solidale.desk.workdays import italian_holidays

from .. import services
from ..models import Appointment
from ..tasks import appointment_reminders_send
from .factories import comune_person, open_office, slot_at
from .gateway import recorded_gateway


def _tomorrow() -> date:
    tomorrow = timezone.localdate() + timedelta(days=1)
    after = tomorrow + timedelta(days=1)
    if tomorrow in italian_holidays(tomorrow.year) or after in italian_holidays(after.year):
        pytest.skip("offices are closed on public holidays: no appointments to remind")
    return tomorrow


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_tomorrows_reminders_once_by_email_and_sms(personas) -> None:
    office = open_office(personas, weekdays=list(range(7)), weeks=1)
    tomorrow = _tomorrow()
    by_sms = comune_person(personas, phone="333 418 2907")
    by_email = services.appointment_book(
        slot=slot_at(office, tomorrow, time(9, 30)),
        contact_name="Lucia Nuova",
        contact_email="lucia@example.invalid",
        reminder_channel="email",
        actor=personas.desk_operator,
    )
    services.appointment_book(
        slot=slot_at(office, tomorrow, time(9)),
        person=by_sms,
        reminder_channel="sms",
        actor=personas.desk_operator,
    )
    services.appointment_book(
        slot=slot_at(office, tomorrow, time(10)),
        contact_name="Senza Promemoria",
        actor=personas.desk_operator,
    )
    cancelled = services.appointment_book(
        slot=slot_at(office, tomorrow, time(10, 30)),
        contact_name="Ha Disdetto",
        contact_email="disdetto@example.invalid",
        reminder_channel="email",
        actor=personas.desk_operator,
    )
    services.appointment_cancel(
        appointment=cancelled, reason="Disdetto", actor=personas.desk_operator
    )
    services.appointment_book(
        slot=slot_at(office, tomorrow + timedelta(days=1), time(9)),
        contact_name="Dopodomani",
        contact_email="dopo@example.invalid",
        reminder_channel="email",
        actor=personas.desk_operator,
    )

    with (
        recorded_gateway("sms_gateway_ok.json") as gateway,
        override_settings(
            SOLIDALE_SMS_BACKEND="gateway",
            SOLIDALE_SMS_GATEWAY_URL=gateway.url,
            SOLIDALE_SMS_GATEWAY_KEY="chiave",
        ),
    ):
        appointment_reminders_send.enqueue()
        _run_worker()
        appointment_reminders_send.enqueue()
        _run_worker()

    assert [message.to for message in mail.outbox] == [["lucia@example.invalid"]]
    assert "Sportello Centro" in mail.outbox[0].body
    assert "09:30" in mail.outbox[0].body
    [sms] = gateway.requests
    assert sms["json"]["to"] == "+393334182907"
    assert "09:00" in sms["json"]["text"]
    assert "Bernardini" not in sms["json"]["text"]
    by_email.refresh_from_db()
    assert by_email.reminder_sent_at is not None
    assert Appointment.objects.filter(reminder_sent_at__isnull=False).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_reminder_the_gateway_refuses_is_tried_again_by_the_next_run(personas) -> None:
    office = open_office(personas, weekdays=list(range(7)), weeks=1)
    tomorrow = _tomorrow()
    appointment = services.appointment_book(
        slot=slot_at(office, tomorrow, time(11)),
        contact_name="Numero Fisso",
        contact_phone="0585 123456",
        reminder_channel="sms",
        actor=personas.desk_operator,
    )
    with (
        recorded_gateway("sms_gateway_refused.json") as gateway,
        override_settings(SOLIDALE_SMS_BACKEND="gateway", SOLIDALE_SMS_GATEWAY_URL=gateway.url),
    ):
        appointment_reminders_send.enqueue()
        _run_worker()
    assert len(gateway.requests) == 1
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is None
