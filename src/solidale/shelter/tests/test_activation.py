"""The season plan, the forecast thresholds and the activations."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import Personas
from solidale.core.errors import ConflictError, DomainError, PermissionDeniedError
from solidale.core.models import Notification

from .. import services
from ..forecast import DailyForecast
from ..models import Activation, ActivationStatus
from . import factories

pytestmark = pytest.mark.django_db


def _forecast(*minimums: float, apparent: float = 5.0) -> list[DailyForecast]:
    today = timezone.localdate()
    return [
        DailyForecast(
            day=today + timedelta(days=offset),
            min_temperature=Decimal(str(value)),
            apparent_min_temperature=Decimal(str(apparent)),
            max_wind_speed=Decimal("10"),
        )
        for offset, value in enumerate(minimums)
    ]


def test_it_proposes_an_activation_for_enough_consecutive_cold_nights(personas: Personas) -> None:
    factories.season(personas)
    services.forecast_store(_forecast(3, -1, -2, 4))
    activation = services.forecast_evaluate()
    assert activation is not None
    assert activation.status == ActivationStatus.PROPOSED
    assert activation.starts_on == timezone.localdate() + timedelta(days=1)
    assert activation.ends_on == timezone.localdate() + timedelta(days=2)
    assert "-2.0" in activation.reason
    assert Notification.objects.filter(
        user=personas.coordinator, kind="shelter.activation_proposed"
    ).exists()


def test_it_does_not_propose_for_a_single_cold_night(personas: Personas) -> None:
    factories.season(personas)
    services.forecast_store(_forecast(3, -1, 2, 4))
    assert services.forecast_evaluate() is None


def test_apparent_temperature_with_wind_counts_as_cold(personas: Personas) -> None:
    factories.season(personas)
    services.forecast_store(_forecast(2, 2, 2, apparent=-4))
    assert services.forecast_evaluate() is not None


def test_it_never_piles_up_proposals(personas: Personas) -> None:
    factories.season(personas)
    services.forecast_store(_forecast(-1, -1, -1))
    assert services.forecast_evaluate() is not None
    assert services.forecast_evaluate() is None
    assert Activation.objects.count() == 1


def test_approval_notifies_every_organization_on_duty(personas: Personas) -> None:
    factories.season(personas)
    services.forecast_store(_forecast(-1, -1))
    activation = services.forecast_evaluate()
    assert activation is not None
    services.activation_approve(actor=personas.coordinator, activation=activation)
    assert activation.status == ActivationStatus.ACTIVE
    notified = set(
        Notification.objects.filter(kind="shelter.activation_opened").values_list(
            "user_id", flat=True
        )
    )
    assert {personas.association_operator.pk, personas.association_admin.pk} <= notified
    assert personas.outsider.pk not in notified
    with pytest.raises(ConflictError):
        services.activation_decline(actor=personas.coordinator, activation=activation)


def test_only_the_coordinator_activates(personas: Personas) -> None:
    plan = factories.season(personas)
    night = factories.tonight()
    with pytest.raises(PermissionDeniedError):
        services.activation_open(
            actor=personas.social_worker, season=plan, starts_on=night, ends_on=night
        )


def test_nights_outside_the_plan_window_are_refused(personas: Personas) -> None:
    plan = factories.season(personas)
    with pytest.raises(DomainError) as error:
        services.activation_open(
            actor=personas.coordinator,
            season=plan,
            starts_on=plan.ends_on,
            ends_on=plan.ends_on + timedelta(days=3),
        )
    assert error.value.field == "starts_on"
    assert not Activation.objects.exists()


def test_two_activations_never_cover_the_same_night(personas: Personas) -> None:
    plan = factories.season(personas)
    factories.activation(personas, plan)
    with pytest.raises(ConflictError):
        factories.activation(personas, plan)


def test_extend_and_close_notify_and_trim_the_nights(personas: Personas) -> None:
    plan = factories.season(personas)
    activation = factories.activation(personas, plan)
    services.activation_extend(
        actor=personas.coordinator,
        activation=activation,
        ends_on=activation.ends_on + timedelta(days=2),
    )
    with pytest.raises(DomainError):
        services.activation_extend(
            actor=personas.coordinator, activation=activation, ends_on=activation.starts_on
        )
    services.activation_close(actor=personas.coordinator, activation=activation)
    activation.refresh_from_db()
    assert activation.status == ActivationStatus.CLOSED
    assert activation.ends_on == factories.tonight()
    assert Notification.objects.filter(
        user=personas.association_operator, kind="shelter.activation_closed"
    ).exists()


def test_a_plan_refuses_a_window_that_ends_before_it_starts(personas: Personas) -> None:
    today = timezone.localdate()
    with pytest.raises(DomainError):
        factories.season(personas, starts_on=today, ends_on=today - timedelta(days=1))
