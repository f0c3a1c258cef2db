"""The demo seed: registries linked to the demo logins, open and past shifts, duty now."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from solidale.accounts.models import User
from solidale.core import duty
from solidale.demo.domain_seeds.s88_volunteers import IN_PROGRESS

from ..models import HoursStatus, Shift, Signup, Volunteer

pytestmark = pytest.mark.django_db


def test_the_demo_links_volunteers_and_puts_someone_on_duty_now() -> None:
    call_command("seed", "--no-progress", "--demo-persons", "30", stdout=StringIO())
    vera = User.objects.get(email="volontario@ilponte.demo")
    record = Volunteer.objects.get(user=vera)
    assert record.organization.short_name == "Il Ponte"
    now = timezone.now()
    assert Shift.objects.filter(
        organization=record.organization, starts_at__gt=now, signed_count=0
    ).exists()
    assert Signup.objects.filter(volunteer=record, shift__ends_at__lt=now, hours=None).exists()
    assert Signup.objects.filter(hours_status=HoursStatus.CONFIRMED).count() > 20
    assert Signup.objects.filter(hours_status=HoursStatus.LOGGED).exists()
    registered = {activity.key for activity in duty.activities()}
    for key, activity in IN_PROGRESS.items():
        if activity not in registered:
            continue
        domain = {"bancoalimentare": "bancoapuano", "carita": "ilmantello"}.get(key, key)
        user = User.objects.get(email=f"volontario2@{domain}.demo")
        found = duty.on_duty(user, activity)
        assert found is not None, key
        assert found.starts_at < now < found.ends_at
