"""Open data: small cells suppressed, no cell recoverable from the totals, frozen releases."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from conftest import Personas
from solidale.core.errors import ConflictError, DomainError

from ..models import MonthlyFact, OpenDataRelease
from ..opendata import TOTAL, last_closed_month, publish, suppress_row
from .factories import neighbourhood, refreshed

pytestmark = pytest.mark.django_db


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 40), min_size=1))
def test_no_suppressed_cell_can_be_recovered_from_the_total(cells: dict[str, int]) -> None:
    shown, total = suppress_row(cells, counts_people=True)
    hidden = [key for key, value in shown.items() if value is None]
    assert all(not 0 < value < 5 for value in shown.values() if value is not None)
    assert len(hidden) != 1 or total is None
    assert total is None or total == sum(cells.values())


def test_rows_without_people_are_published_as_they_are() -> None:
    assert suppress_row({"a": 2, "b": 10}, counts_people=False) == ({"a": 2, "b": 10}, 12)


def test_a_closed_month_is_published_once_and_frozen(personas: Personas, login) -> None:
    area = neighbourhood()
    month = last_closed_month(timezone.localdate())
    refreshed()
    MonthlyFact.objects.create(
        indicator="desk.accesses", month=month, neighbourhood_id=area.pk, value=3
    )
    MonthlyFact.objects.create(indicator="desk.accesses", month=month, value=20)
    release = publish(actor=personas.coordinator, month=month)
    cells = {(c["indicator"], c["neighbourhood"]): c["value"] for c in release.data["cells"]}
    assert cells[("desk.accesses", area.slug)] is None
    assert cells[("desk.accesses", "non_attribuito")] is None  # secondary suppression
    assert cells[("desk.accesses", TOTAL)] == 23
    with pytest.raises(ConflictError):
        publish(actor=personas.coordinator, month=month)
    with pytest.raises(TypeError):
        release.save()
    with pytest.raises(DomainError):
        publish(actor=personas.coordinator, month=timezone.localdate())
    anonymous = login(personas.citizen)
    anonymous.logout()
    page = anonymous.get(reverse("insights:open_data"))
    assert page.status_code == 200
    data = anonymous.get(reverse("insights:open_data_file", args=[month.year, month.month, "json"]))
    assert json.loads(data.content)["small_cell_threshold"] == 5
    csv = anonymous.get(reverse("insights:open_data_file", args=[month.year, month.month, "csv"]))
    assert b"desk.accesses" in csv.content
    assert anonymous.get(reverse("insights:open_data_schema")).status_code == 200


def test_publishing_needs_a_refresh_after_the_month_closed(personas: Personas) -> None:
    month = last_closed_month(timezone.localdate()) - timedelta(days=40)
    with pytest.raises(DomainError):
        publish(actor=personas.coordinator, month=month.replace(day=1))
    assert not OpenDataRelease.objects.exists()
