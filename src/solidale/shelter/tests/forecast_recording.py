"""How ``fixtures/openmeteo_massa.bin`` was made: an Open-Meteo forecast answer, byte for byte
in the API's FlatBuffers format (no network here, so it is built rather than downloaded).

The answer is a stream of size-prefixed messages (4 bytes little-endian length, then one
``WeatherApiResponse`` table), as ``openmeteo_requests.Client`` reads it. The tables
follow the published schema (``openmeteo_sdk``: WeatherApiResponse → daily
VariablesWithTime → VariableWithValues); the slot numbers below are those the generated
readers use. Run ``python -m solidale.shelter.tests.forecast_recording`` to rewrite the
file; ``test_forecast`` checks that the stored bytes equal what this builds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import flatbuffers
from openmeteo_sdk.Aggregation import Aggregation
from openmeteo_sdk.Unit import Unit
from openmeteo_sdk.Variable import Variable

FIXTURE = Path(__file__).parent / "fixtures" / "openmeteo_massa.bin"
#: The first day of the recording (local midnight in Rome, +01:00 in winter).
FIRST_DAY = datetime(2026, 12, 14, 23, 0, tzinfo=UTC)
UTC_OFFSET = 3600
#: Seven days at Massa: mild, then three nights of frost, then milder again.
MIN_TEMPERATURE = (4.2, 1.3, -0.8, -2.1, -1.4, 2.6, 5.0)
APPARENT_MIN = (1.0, -2.2, -4.9, -6.3, -5.5, -0.4, 2.1)
WIND_MAX = (12.4, 18.0, 25.3, 31.7, 22.9, 10.2, 8.8)


def _variable(
    builder: flatbuffers.Builder,
    variable: int,
    aggregation: int,
    unit: int,
    values: tuple[float, ...],
) -> int:
    builder.StartVector(4, len(values), 4)
    for value in reversed(values):
        builder.PrependFloat32(value)
    vector = builder.EndVector()
    builder.StartObject(13)
    builder.PrependUOffsetTRelativeSlot(3, vector, 0)  # values
    builder.PrependUint8Slot(0, variable, 0)
    builder.PrependUint8Slot(1, unit, 0)
    builder.PrependInt16Slot(5, 2 if variable != Variable.apparent_temperature else 0, 0)
    builder.PrependUint8Slot(6, aggregation, 0)
    return int(builder.EndObject())


def build() -> bytes:
    builder = flatbuffers.Builder(1024)
    variables = [
        _variable(
            builder, Variable.temperature, Aggregation.minimum, Unit.celsius, MIN_TEMPERATURE
        ),
        _variable(
            builder, Variable.apparent_temperature, Aggregation.minimum, Unit.celsius, APPARENT_MIN
        ),
        _variable(
            builder, Variable.wind_speed, Aggregation.maximum, Unit.kilometres_per_hour, WIND_MAX
        ),
    ]
    builder.StartVector(4, len(variables), 4)
    for offset in reversed(variables):
        builder.PrependUOffsetTRelative(offset)
    vector = builder.EndVector()
    start = int(FIRST_DAY.timestamp())
    builder.StartObject(4)
    builder.PrependInt64Slot(0, start, 0)
    builder.PrependInt64Slot(1, start + 86400 * len(MIN_TEMPERATURE), 0)
    builder.PrependInt32Slot(2, 86400, 0)
    builder.PrependUOffsetTRelativeSlot(3, vector, 0)
    daily = builder.EndObject()
    timezone = builder.CreateString("Europe/Rome")
    abbreviation = builder.CreateString("GMT+1")
    builder.StartObject(15)
    builder.PrependFloat32Slot(0, 44.04, 0)
    builder.PrependFloat32Slot(1, 10.14, 0)
    builder.PrependFloat32Slot(2, 65.0, 0)
    builder.PrependFloat32Slot(3, 0.52, 0)
    builder.PrependInt32Slot(6, UTC_OFFSET, 0)
    builder.PrependUOffsetTRelativeSlot(7, timezone, 0)
    builder.PrependUOffsetTRelativeSlot(8, abbreviation, 0)
    builder.PrependUOffsetTRelativeSlot(10, daily, 0)
    builder.Finish(builder.EndObject())
    message = bytes(builder.Output())
    return len(message).to_bytes(4, "little") + message


if __name__ == "__main__":
    FIXTURE.write_bytes(build())
