from datetime import timedelta

import pytest
from django.utils import timezone

from solidale.core.errors import ConflictError, DomainError

from .. import services
from ..models import Placement, PlacementNight
from ..selectors import occupancy_month
from .factories import comune_household, unit

pytestmark = pytest.mark.django_db


def test_it_places_a_household_night_by_night(personas):
    household, _ = comune_household(personas)
    flat = unit(personas)
    today = timezone.localdate()
    placement = services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=household,
        starts_on=today,
        ends_on=today + timedelta(days=10),
        cause="eviction",
    )
    assert placement.nights.count() == 10


def test_it_refuses_a_second_household_in_the_same_unit_and_changes_nothing(personas):
    first, _ = comune_household(personas, name="Primi")
    second, _ = comune_household(personas, name="Secondi")
    flat = unit(personas)
    today = timezone.localdate()
    services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=first,
        starts_on=today,
        ends_on=today + timedelta(days=30),
        cause="eviction",
    )
    with pytest.raises(ConflictError):
        services.placement_create(
            actor=personas.social_worker,
            unit=flat,
            household=second,
            starts_on=today + timedelta(days=29),
            ends_on=today + timedelta(days=40),
            cause="eviction",
        )
    assert Placement.objects.count() == 1
    assert PlacementNight.objects.count() == 30
    # the departure day is free for the next household
    services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=second,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=40),
        cause="eviction",
    )


def test_closing_frees_the_unit_and_extension_needs_free_nights(personas):
    first, _ = comune_household(personas, name="Primi")
    second, _ = comune_household(personas, name="Secondi")
    flat = unit(personas)
    today = timezone.localdate()
    placement = services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=first,
        starts_on=today,
        ends_on=today + timedelta(days=30),
        cause="eviction",
    )
    services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=second,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=60),
        cause="ordinance",
    )
    with pytest.raises(ConflictError):
        services.placement_extend(
            actor=personas.social_worker, placement=placement, ends_on=today + timedelta(days=35)
        )
    assert Placement.objects.get(pk=placement.pk).ends_on == today + timedelta(days=30)
    services.placement_close(
        actor=personas.social_worker,
        placement=placement,
        closed_on=today + timedelta(days=5),
        note="Alloggio ERP assegnato",
    )
    assert placement.nights.count() == 5


def test_a_placement_longer_than_three_years_is_refused(personas):
    household, _ = comune_household(personas)
    today = timezone.localdate()
    with pytest.raises(DomainError):
        services.placement_create(
            actor=personas.social_worker,
            unit=unit(personas),
            household=household,
            starts_on=today,
            ends_on=today + timedelta(days=4 * 365),
            cause="eviction",
        )


def test_the_monthly_view_counts_occupied_nights(personas):
    household, _ = comune_household(personas)
    flat = unit(personas)
    first = timezone.localdate().replace(day=1)
    services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=household,
        starts_on=first,
        ends_on=first + timedelta(days=10),
        cause="eviction",
    )
    days, rows = occupancy_month(user=personas.social_worker, year=first.year, month=first.month)
    assert rows[0].occupied == 10
    assert rows[0].rate == round(1000 / len(days))
    assert occupancy_month(user=personas.outsider, year=first.year, month=first.month)[1] == []
