from __future__ import annotations

import pytest

from solidale.core import duty

from .factories import duty_activities


@pytest.fixture(autouse=True)
def activities(monkeypatch: pytest.MonkeyPatch) -> list[duty.Activity]:
    """Two duty activities registered for the tests (the real ones come from other apps)."""
    registered = dict(duty._activities)
    registered.update({activity.key: activity for activity in duty_activities()})
    monkeypatch.setattr(duty, "_activities", registered)
    return duty_activities()
