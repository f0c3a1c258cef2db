"""What the app gives the shared registries: indicators, the alert rule, exports, duty."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.core import alerts, duty, exports, indicators

from ..models import Report
from ..services import presidio_session_record, report_take_in_charge
from .factories import centro, elderly_report, presidio, streetlight_report

pytestmark = pytest.mark.django_db


def _indicator(key: str) -> indicators.Indicator:
    return next(i for i in indicators.registered() if i.key == key)


def test_reports_and_presidio_attendance_are_daily_facts_per_neighbourhood(
    personas: Personas,
) -> None:
    streetlight_report()
    elderly_report()
    activity = presidio(personas)
    presidio_session_record(
        actor=personas.social_worker, presidio=activity, day=timezone.localdate(), attendance=12
    )
    today = timezone.localdate()
    reports = list(_indicator("neighbourhoods.reports").facts(today, today))
    assert sum(f.value for f in reports if f.neighbourhood_id == centro().pk) == 2
    (attendance,) = _indicator("neighbourhoods.presidio_attendance").facts(today, today)
    assert (attendance.value, attendance.neighbourhood_id) == (12, centro().pk)


def test_the_alert_rule_raises_sensitive_reports_nobody_took(personas: Personas) -> None:
    rule = alerts.get("neighbourhoods.sensitive_untaken")
    assert rule is not None
    waiting = elderly_report()
    taken = report_take_in_charge(
        actor=personas.desk_operator, report=elderly_report(latitude=44.04)
    )
    Report.objects.filter(pk__in=[waiting.pk, taken.pk]).update(
        created_at=timezone.now() - timedelta(hours=30)
    )
    elderly_report(latitude=44.038)  # arrived just now: not yet an alert
    (candidate,) = rule.evaluate(rule.defaults, timezone.localdate())
    assert candidate.subject == f"neighbourhoods.report:{waiting.pk}"
    assert candidate.organization_id == personas.comune.pk
    assert "Zanobetti" not in candidate.title + candidate.reason


def test_the_export_follows_the_queue_scope(personas: Personas) -> None:
    source = exports.get("neighbourhoods.reports")
    assert source is not None
    elderly_report()
    streetlight_report()
    assert source.count(personas.desk_operator, {}) == 2
    assert source.count(personas.association_operator, {}) == 0
    assert source.count(personas.desk_operator, {"sensitive": "0"}) == 1
    assert not source.allowed(personas.viewer)
    row = next(iter(source.rows(personas.desk_operator, {"sensitive": "1"})))
    assert "Zanobetti" not in " ".join(map(str, row))


def test_the_desk_sees_waiting_social_reports_on_the_landing_page(personas: Personas) -> None:
    from ..providers import attention_items

    elderly_report()
    assert any(
        "Anziano che vive solo" in item.title for item in attention_items(personas.desk_operator)
    )
    assert attention_items(personas.association_operator) == []


def test_presidi_and_events_are_duty_activities(personas: Personas) -> None:
    activity = presidio(personas)
    keys = {a.key: a for a in duty.activities()}
    targets = keys["neighbourhoods.presidio"].targets(personas.comune.pk)
    assert (f"neighbourhoods.presidio:{activity.pk}", f"{activity.title} (Centro)") in targets
    assert "neighbourhoods.event" in keys
