"""Reminders, expiry notices, alert rules, indicators, exports and the landing page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.core import alerts, exports, indicators
from solidale.core.attention import attention_for
from solidale.core.models import Notification

from ..services import expiry_notices_send, hours_confirm, hours_log, reminders_send
from .factories import signed_up, start, volunteer_record

pytestmark = pytest.mark.django_db


def test_volunteers_are_reminded_once_the_day_before(personas: Personas) -> None:
    tomorrow = timezone.localtime() + timedelta(days=1)
    signup = signed_up(personas, starts_at=tomorrow.replace(hour=9, minute=0))
    later = signed_up(personas, starts_at=tomorrow + timedelta(days=2))
    assert reminders_send() == 1
    assert reminders_send() == 0
    reminders = Notification.objects.filter(user=personas.volunteer, kind="volunteers.reminder")
    assert reminders.count() == 1
    assert signup.shift.title in reminders.get().title
    assert later.shift_id != signup.shift_id


def test_the_org_admin_is_told_once_about_insurance_expiring(personas: Personas) -> None:
    today = timezone.localdate()
    volunteer_record(personas, name="In Scadenza", insurance_until=today + timedelta(days=10))
    volunteer_record(personas, name="Coperta", insurance_until=today + timedelta(days=200))
    assert expiry_notices_send() == 1
    assert expiry_notices_send() == 0
    notice = Notification.objects.get(user=personas.association_admin)
    assert "In Scadenza" in notice.title
    assert not Notification.objects.filter(user=personas.association_operator).exists()


def test_the_alert_rules_raise_expiring_insurance_and_training(personas: Personas) -> None:
    today = timezone.localdate()
    volunteer = volunteer_record(
        personas,
        name="Da Rinnovare",
        insurance_until=today + timedelta(days=5),
        training_until=today - timedelta(days=1),
    )
    insurance = alerts.get("volunteers.insurance_expiring")
    training = alerts.get("volunteers.training_expiring")
    assert insurance is not None and training is not None
    [candidate] = list(insurance.evaluate(insurance.defaults, today))
    assert candidate.organization_id == personas.cooperative.pk
    assert str(volunteer.pk) in candidate.subject
    assert list(insurance.evaluate({"days": 2}, today)) == []
    assert len(list(training.evaluate(training.defaults, today))) == 1


def test_indicators_count_hours_and_volunteers_per_day(personas: Personas) -> None:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    hours_log(actor=personas.volunteer, signup=signup, hours="3")
    hours_confirm(actor=personas.association_admin, signup=signup, confirm=True)
    by_key = {indicator.key: indicator for indicator in indicators.registered()}
    day = timezone.localtime(signup.shift.starts_at).date()
    [hours] = list(by_key["volunteers.hours"].facts(day, day))
    assert (hours.value, hours.organization_id) == (3, personas.cooperative.pk)
    [active] = list(by_key["volunteers.active"].facts(day, day))
    assert active.value == 1


def test_the_export_sources_follow_the_scope(personas: Personas) -> None:
    volunteer_record(personas, name="Nel Registro")
    registry = exports.get("volunteers.registry")
    assert registry is not None
    assert registry.allowed(personas.association_admin)
    assert not registry.allowed(personas.volunteer)
    rows = list(registry.rows(personas.association_admin, {}))
    assert rows[0][0] == "Nel Registro"
    assert list(registry.rows(personas.outsider, {})) == []
    assert exports.get("volunteers.hours") is not None


def test_the_landing_page_shows_expiring_insurance_to_managers(personas: Personas) -> None:
    volunteer_record(
        personas, name="Quasi Scoperta", insurance_until=timezone.localdate() + timedelta(days=3)
    )
    items = dict(attention_for(personas.association_admin))
    titles = [item.title for group in items.values() for item in group]
    assert any("Quasi Scoperta" in title for title in titles)
    assert not any(
        "Quasi Scoperta" in item.title
        for group in dict(attention_for(personas.outsider)).values()
        for item in group
    )
