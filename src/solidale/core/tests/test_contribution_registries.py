"""The registries the domain apps contribute to: alert rules, indicators, duty."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from solidale.core import alerts, duty, indicators


def test_an_alert_rule_needs_a_default_for_every_tunable_parameter():
    with pytest.raises(ValueError):
        alerts.register(
            alerts.AlertRule(
                key="test.no_default",
                title="t",
                description="d",
                evaluate=lambda params, today: [],
                parameters={"days": "giorni"},
            )
        )
    assert alerts.get("test.no_default") is None


def test_contacts_merge_every_provider(monkeypatch):
    monkeypatch.setattr(indicators, "_contacts", {})
    indicators.register_contacts(
        "test.a", lambda start, end: [indicators.Contact(1, start, None, "a")]
    )
    indicators.register_contacts("test.b", lambda start, end: [indicators.Contact(2, end, 5, "b")])
    found = {
        (contact.person_id, contact.kind)
        for contact in indicators.contacts_between(date(2026, 1, 1), date(2026, 1, 31))
    }
    assert found == {(1, "a"), (2, "b")}


def test_on_duty_asks_the_provider_and_honours_the_target(monkeypatch):
    now = timezone.now()
    shift = duty.Duty(
        shift_id=7,
        activity="food.distribution",
        organization_id=3,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        target="food.point:3",
    )

    def provider(user: object, activity: str, at: datetime) -> list[duty.Duty]:
        return (
            [shift] if activity == shift.activity and shift.starts_at <= at < shift.ends_at else []
        )

    monkeypatch.setattr(duty, "_provider", [provider])
    user = SimpleNamespace(is_authenticated=True)
    assert duty.on_duty(user, "food.distribution") == shift
    assert duty.on_duty(user, "food.distribution", target="food.point:3") == shift
    assert duty.on_duty(user, "food.distribution", target="food.point:4") is None
    assert duty.on_duty(user, "shelter.outreach") is None
    assert duty.on_duty(user, "food.distribution", at=now + timedelta(hours=2)) is None
    assert duty.on_duty(SimpleNamespace(is_authenticated=False), "food.distribution") is None


def test_the_menu_groups_entries_into_drop_downs_and_keeps_lone_entries_plain(monkeypatch):
    from solidale.core import navigation

    monkeypatch.setattr(navigation, "_entries", [])
    navigation.register("Oggi in mensa", "core:home", {"volunteer"}, order=5)
    navigation.register("Tessere", "core:accessibility", {"volunteer", "viewer"}, 10, "Cibo")
    navigation.register("Magazzino", "core:hello", {"volunteer"}, order=11, group="Cibo")
    navigation.register("Letti", "core:notifications", {"volunteer"}, order=20, group="Freddo")

    menu = navigation.menu_for("volunteer")
    assert [item.label for item in menu] == ["Oggi in mensa", "Cibo", "Letti"]
    food = menu[1]
    assert isinstance(food, navigation.NavGroup)
    assert [entry.label for entry in food.entries] == ["Tessere", "Magazzino"]
    assert isinstance(menu[2], navigation.NavEntry)
    assert [item.label for item in navigation.menu_for("viewer")] == ["Tessere"]
