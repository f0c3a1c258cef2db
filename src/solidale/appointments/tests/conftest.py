from __future__ import annotations

from typing import Any

import pytest

from solidale.desk.models import Office

from .factories import comune_person, open_office


@pytest.fixture
def office(personas: Any) -> Office:
    return open_office(personas)


@pytest.fixture
def person(personas: Any) -> Any:
    return comune_person(personas, phone="333 4182907", email="giuseppina@example.invalid")
