"""Demo cruscotto: the summary tables computed from every app's demo data, the first daily
run of the alert rules (so the inbox has items to close), last month's open data published
and a SIUSS flow of this month's provisions. Runs last: it reads what the others seeded."""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from solidale.accounts.models import Role
from solidale.core.errors import ConflictError
from solidale.insights import opendata, services, siuss

if TYPE_CHECKING:
    from solidale.demo.city import City

#: A valid codice fiscale for the demo operator who sends the SIUSS flow (fictional).
DEMO_OPERATOR_CF = "RSSMRA70A01F023N"


def _coordinator(city: City) -> Any:
    return next(
        user for user, org, role in city.users if org == "comune" and role == Role.COORDINATOR
    )


def seed_demo(*, city: City, rng: random.Random) -> None:
    today = timezone.localdate()
    refresh = services.refresh_request(
        actor=None, start=date((today - timedelta(days=400)).year, 1, 1), end=today
    )
    services.refresh_run(refresh.pk)
    services.alerts_run(today=today)
    coordinator = _coordinator(city)
    coordinator.act_as(coordinator.memberships.active().first())
    # A month already published by an earlier seed of the same database stays as it is.
    with contextlib.suppress(ConflictError):
        opendata.publish(actor=coordinator, month=opendata.last_closed_month(today))
    siuss.flow_create(
        actor=coordinator,
        start=today.replace(day=1),
        end=today,
        operator_cf=DEMO_OPERATOR_CF,
        purpose="Trasmissione mensile al Casellario dell'assistenza (demo)",
    )
