"""The alerts engine: rules run daily, one open item per situation, closed with an outcome."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.core import alerts
from solidale.core.errors import DomainError, PermissionDeniedError
from solidale.core.models import Notification
from solidale.referrals.tests.factories import sent_referral
from solidale.tavolo.tests.factories import assigned_action

from ..models import AlertItem, AlertOutcome, AlertStatus, RuleSetting
from ..services import _upsert, alert_close, alerts_run, rule_configure
from .factories import accesses, old_case, refreshed

pytestmark = pytest.mark.django_db


def _items(rule: str) -> list[AlertItem]:
    return list(AlertItem.objects.filter(rule_key=rule))


def test_a_fragile_person_nobody_met_raises_one_item_for_the_social_worker(
    personas: Personas,
) -> None:
    case = old_case(personas, days=60)
    met = old_case(personas, accesses(personas, 1)[0].person, days=60)
    refreshed()
    alerts_run()
    alerts_run()  # the next day: the same open item, not a second one
    items = _items("cases.no_contact")
    assert [item.subject for item in items] == [f"cases.case:{case.pk}"]
    item = items[0]
    assert item.assignee == personas.social_worker
    assert "30 giorni" in item.reason
    assert item.url == reverse("cases:detail", args=[case.pk])
    assert met.pk != case.pk
    assert (
        Notification.objects.filter(user=personas.social_worker, kind="insights.alert").count() == 1
    )


def test_closing_needs_an_outcome_and_nothing_changes_without(personas: Personas) -> None:
    old_case(personas, days=60)
    refreshed()
    alerts_run()
    item = AlertItem.objects.get()
    for outcome, note in (("", "Telefonata fatta"), (AlertOutcome.CONTACTED, "  ")):
        with pytest.raises(DomainError):
            alert_close(actor=personas.social_worker, item=item, outcome=outcome, note=note)
    item.refresh_from_db()
    assert item.status == AlertStatus.OPEN
    with pytest.raises(PermissionDeniedError):
        alert_close(
            actor=personas.association_operator, item=item, outcome="contacted", note="Fatto"
        )
    alert_close(
        actor=personas.social_worker, item=item, outcome="contacted", note="Telefonata fatta"
    )
    item.refresh_from_db()
    assert (item.status, item.outcome, item.closed_by) == (
        AlertStatus.CLOSED,
        AlertOutcome.CONTACTED,
        personas.social_worker,
    )


def test_referral_and_tavolo_rules_reach_the_receiving_organization(personas: Personas) -> None:
    referral = sent_referral(personas)
    type(referral).objects.filter(pk=referral.pk).update(
        accept_due_at=timezone.now() - timedelta(days=2)
    )
    action = assigned_action(personas, deadline=timezone.localdate() + timedelta(days=1))
    type(action).objects.filter(pk=action.pk).update(
        deadline=timezone.localdate() - timedelta(days=3)
    )
    alerts_run()
    item = AlertItem.objects.get(rule_key="referrals.not_accepted")
    assert item.organization == personas.cooperative and item.assignee is None
    assert AlertItem.objects.filter(
        rule_key="tavolo.action_overdue", organization=personas.cooperative
    ).exists()
    assert Notification.objects.filter(user=personas.association_operator).exists()


def test_disabled_rules_do_not_run_and_thresholds_are_validated(personas: Personas) -> None:
    old_case(personas, days=60)
    refreshed()
    for bad in ("0", "abc", "5000"):
        with pytest.raises(DomainError):
            rule_configure(
                actor=personas.coordinator,
                rule_key="cases.no_contact",
                enabled=True,
                params={"days": bad},
            )
    assert not RuleSetting.objects.exists()
    with pytest.raises(PermissionDeniedError):
        rule_configure(
            actor=personas.social_worker, rule_key="cases.no_contact", enabled=False, params={}
        )
    rule_configure(
        actor=personas.coordinator, rule_key="cases.no_contact", enabled=True, params={"days": "90"}
    )
    alerts_run()
    assert not _items("cases.no_contact")  # 60 days without contact is under the 90 set
    rule_configure(
        actor=personas.coordinator, rule_key="cases.no_contact", enabled=False, params={"days": 7}
    )
    alerts_run()
    assert not _items("cases.no_contact")


def test_a_failing_rule_is_recorded_and_the_others_still_run(personas: Personas) -> None:
    def broken(params, today):
        raise RuntimeError("boom")

    alerts.register(alerts.AlertRule(key="zz.broken", title="x", description="x", evaluate=broken))
    try:
        old_case(personas, days=60)
        refreshed()
        run = alerts_run()
    finally:
        alerts._rules.pop("zz.broken")
    assert run.errors == {"zz.broken": "boom"}
    assert _items("cases.no_contact")


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_never_duplicate_an_open_item(personas: Personas) -> None:
    candidate = alerts.AlertCandidate(
        subject="test:1", title="Prova", reason="Perché", url="/", organization_id=None
    )
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def worker() -> None:
        barrier.wait()
        try:
            results.append(_upsert("cases.no_contact", candidate, timezone.localdate()))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert AlertItem.objects.filter(subject="test:1", status="open").count() == 1
    assert results.count(True) == 1


def test_inbox_pages_show_why_and_close_with_an_outcome(personas: Personas, login) -> None:
    case = old_case(personas, days=60)
    refreshed()
    alerts_run()
    item = AlertItem.objects.get()
    client = login(personas.social_worker)
    inbox = client.get(reverse("insights:alerts"))
    assert item.title in inbox.content.decode()
    detail = client.get(reverse("insights:alert_detail", args=[item.pk]))
    assert "da più di 30 giorni" in detail.content.decode()
    assert reverse("cases:detail", args=[case.pk]) in detail.content.decode()
    response = client.post(reverse("insights:alert_detail", args=[item.pk]), {"outcome": ""})
    assert response.status_code == 200
    assert AlertItem.objects.get().status == AlertStatus.OPEN
    response = client.post(
        reverse("insights:alert_detail", args=[item.pk]),
        {"outcome": "contacted", "note": "Visita domiciliare fatta"},
    )
    assert response.status_code == 302
    assert AlertItem.objects.get().status == AlertStatus.CLOSED
    assert (
        login(personas.association_operator)
        .get(reverse("insights:alert_detail", args=[item.pk]))
        .status_code
        == 404
    )


def test_the_rules_page_documents_every_rule_in_both_languages(personas: Personas, login) -> None:
    page = login(personas.viewer).get(reverse("insights:rules")).content.decode()
    for rule in alerts.registered():
        assert str(rule.title) in page
    assert "fragile" not in page or "English." in page
    assert "nobody in the network" in page.lower() or "English." in page
    client = login(personas.coordinator)
    response = client.post(
        reverse("insights:rule_edit", args=["cases.no_contact"]), {"enabled": "on", "days": "-3"}
    )
    assert response.status_code == 200 and not RuleSetting.objects.exists()
