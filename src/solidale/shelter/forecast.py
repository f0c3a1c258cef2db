"""The daily forecast for the town, from Open-Meteo through ``openmeteo-requests``.

:class:`OpenMeteoSource` is the real source: it asks the forecast API for the daily
minimum temperature, minimum apparent temperature (cold perceived with the wind) and
maximum wind speed at the coordinates in settings (``SOLIDALE_WEATHER_LAT``,
``SOLIDALE_WEATHER_LON``), answered in Open-Meteo's FlatBuffers format and decoded by the
library. Tests give the same client a session that replays a recorded response, so the
decoding path is the one used in production and no test reaches the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

import openmeteo_requests
from django.conf import settings
from openmeteo_sdk.Aggregation import Aggregation
from openmeteo_sdk.Variable import Variable
from openmeteo_sdk.WeatherApiResponse import WeatherApiResponse

FORECAST_URL = "https://api.open-meteo.com/v1/forecast"
DAILY = ("temperature_2m_min", "apparent_temperature_min", "wind_speed_10m_max")
#: How each requested daily variable is recognized in the answer (variable, aggregation).
_WANTED = {
    (Variable.temperature, Aggregation.minimum): "min_temperature",
    (Variable.apparent_temperature, Aggregation.minimum): "apparent_min_temperature",
    (Variable.wind_speed, Aggregation.maximum): "max_wind_speed",
}


@dataclass(frozen=True)
class DailyForecast:
    day: date
    min_temperature: Decimal
    apparent_min_temperature: Decimal
    max_wind_speed: Decimal


class ForecastSource(Protocol):
    def daily(self) -> list[DailyForecast]: ...


def coordinates() -> tuple[float, float]:
    return (
        float(settings.SOLIDALE_WEATHER_LAT),
        float(settings.SOLIDALE_WEATHER_LON),
    )


def request_params() -> dict[str, Any]:
    latitude, longitude = coordinates()
    return {
        "latitude": latitude,
        "longitude": longitude,
        "daily": ",".join(DAILY),
        "timezone": getattr(settings, "TIME_ZONE", "Europe/Rome"),
        "forecast_days": 7,
    }


def _rounded(value: float) -> Decimal:
    return Decimal(str(round(float(value), 1)))


def parse_daily(response: WeatherApiResponse) -> list[DailyForecast]:
    """The days of a decoded response, in local dates of the town."""
    daily = response.Daily()
    if daily is None:
        return []
    series: dict[str, list[float]] = {}
    for index in range(daily.VariablesLength()):
        variable = daily.Variables(index)
        if variable is None:
            continue
        name = _WANTED.get((variable.Variable(), variable.Aggregation()))
        if name is not None:
            series[name] = [variable.Values(j) for j in range(variable.ValuesLength())]
    if len(series) != len(_WANTED):
        raise ValueError("The forecast lacks one of the requested daily variables.")
    offset = response.UtcOffsetSeconds()
    days = []
    for position, moment in enumerate(range(daily.Time(), daily.TimeEnd(), daily.Interval())):
        day = datetime.fromtimestamp(moment + offset, tz=UTC).date()
        days.append(
            DailyForecast(
                day=day,
                min_temperature=_rounded(series["min_temperature"][position]),
                apparent_min_temperature=_rounded(series["apparent_min_temperature"][position]),
                max_wind_speed=_rounded(series["max_wind_speed"][position]),
            )
        )
    return days


class OpenMeteoSource:
    """The real forecast: one request through the ``openmeteo-requests`` client."""

    def __init__(self, session: Any = None) -> None:
        self.client = openmeteo_requests.Client(session=session)

    def daily(self) -> list[DailyForecast]:
        responses = self.client.weather_api(FORECAST_URL, params=request_params())
        return parse_daily(responses[0])


class _Answer:
    def __init__(self, content: bytes, status_code: int) -> None:
        self.content = content
        self.status_code = status_code

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise OSError(f"HTTP {self.status_code}")

    def json(self) -> dict[str, Any]:
        return {"error": True, "reason": f"HTTP {self.status_code}"}


class ReplaySession:
    """A stand-in for the HTTP session that answers with a recorded response.

    Tests and the demo give it to :class:`OpenMeteoSource`, so the recorded bytes go
    through the library's own decoding; it remembers the requests it was sent.
    """

    def __init__(self, content: bytes, status_code: int = 200) -> None:
        self.answer = _Answer(content, status_code)
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def get(self, url: str, params: dict[str, Any], **kwargs: Any) -> _Answer:
        self.requests.append((url, dict(params)))
        return self.answer

    def close(self) -> None:
        return None


def default_source() -> ForecastSource:
    return OpenMeteoSource()
