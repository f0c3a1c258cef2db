"""The forecast through the real ``openmeteo-requests`` client on a recorded answer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.test import override_settings
from openmeteo_requests.Client import OpenMeteoRequestsError

from conftest import Personas

from .. import services
from ..forecast import FORECAST_URL, OpenMeteoSource, ReplaySession
from ..models import Forecast
from . import factories
from .forecast_recording import FIXTURE, build


def test_the_recorded_answer_is_what_the_documented_construction_builds() -> None:
    assert FIXTURE.read_bytes() == build()


@override_settings(SOLIDALE_WEATHER_LAT=44.04, SOLIDALE_WEATHER_LON=10.15)
def test_it_asks_for_the_town_and_decodes_the_daily_answer() -> None:
    session = ReplaySession(FIXTURE.read_bytes())
    days = OpenMeteoSource(session=session).daily()
    url, params = session.requests[0]
    assert url == FORECAST_URL
    assert params["latitude"] == 44.04 and params["longitude"] == 10.15
    assert params["format"] == "flatbuffers"
    assert params["daily"] == "temperature_2m_min,apparent_temperature_min,wind_speed_10m_max"
    assert [day.day for day in days][:2] == [date(2026, 12, 15), date(2026, 12, 16)]
    assert days[3].min_temperature == Decimal("-2.1")
    assert days[3].apparent_min_temperature == Decimal("-6.3")
    assert days[3].max_wind_speed == Decimal("31.7")


def test_an_error_answer_raises_and_stores_nothing() -> None:
    session = ReplaySession(b"", status_code=400)
    with pytest.raises(OpenMeteoRequestsError):
        OpenMeteoSource(session=session).daily()


@pytest.mark.django_db
def test_the_refresh_stores_the_days_and_proposes_an_activation(personas: Personas) -> None:
    factories.season(
        personas, starts_on=date(2026, 12, 1), ends_on=date(2027, 2, 28), name="Inverno 2026"
    )
    source = OpenMeteoSource(session=ReplaySession(FIXTURE.read_bytes()))
    with mock.patch("django.utils.timezone.localdate", return_value=date(2026, 12, 15)):
        assert services.forecast_refresh(source=source) == 7
    assert Forecast.objects.count() == 7
    proposal = services.Activation.objects.get()
    assert (proposal.starts_on, proposal.ends_on) == (date(2026, 12, 17), date(2026, 12, 19))
