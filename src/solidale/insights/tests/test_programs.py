"""The program filter: figures of one program, honest about indicators without programs."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.core import indicators

from ..models import DailyFact, MonthlyFact
from ..selectors import filters_from, sections
from .factories import accesses, refreshed

pytestmark = pytest.mark.django_db

SOUP, PANTRY = "test.program:1", "test.program:2"


@pytest.fixture
def programs(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """A made-up area counting sessions per program: 4 for the soup kitchen (comune), 7 for
    the pantry (cooperative), and 2 that belong to no program."""

    def facts(start: date, end: date) -> list[indicators.Fact]:
        today = timezone.localdate()
        return [
            indicators.Fact(today, 4, None, personas.comune.pk, SOUP),
            indicators.Fact(today, 7, None, personas.cooperative.pk, PANTRY),
            indicators.Fact(today, 2, None, personas.cooperative.pk),
        ]

    sessions = indicators.Indicator(
        key="test.sessions",
        label="Sessioni",
        unit="sessioni",
        section="Prova",
        facts=facts,
        by_program=True,
    )
    monkeypatch.setitem(indicators._indicators, sessions.key, sessions)
    monkeypatch.setitem(
        indicators._programs,
        "test",
        lambda: [
            (SOUP, "Mensa di prova", personas.comune.pk),
            (PANTRY, "Dispensa di prova", personas.cooperative.pk),
        ],
    )
    accesses(personas, 3)
    refreshed()


def _figures(response_sections: list) -> dict[str, int]:
    return {f.key: f.value for s in response_sections for f in s.figures}


def test_the_refresh_keeps_the_program_of_each_fact(programs: None) -> None:
    stored = dict(
        DailyFact.objects.filter(indicator="test.sessions").values_list("program", "value")
    )
    assert stored == {SOUP: 4, PANTRY: 7, "": 2}
    monthly = MonthlyFact.objects.filter(indicator="test.sessions", program=PANTRY)
    assert [fact.value for fact in monthly] == [7]


def test_a_program_shows_only_its_figures_and_hides_what_is_not_counted_per_program(
    programs: None,
) -> None:
    today = timezone.localdate()
    everything = _figures(sections(filters_from({}, today=today), suppress=False))
    assert everything["test.sessions"] == 13 and everything["desk.accesses"] == 3
    soup = _figures(sections(filters_from({"program": SOUP}, today=today), suppress=False))
    assert soup["test.sessions"] == 4
    assert "desk.accesses" not in soup  # accesses are not counted per program: no fake zero


def test_the_dashboard_filters_by_program_and_explains_it(
    personas: Personas, programs: None, login
) -> None:
    client = login(personas.coordinator)
    page = client.get(reverse("insights:dashboard"))
    assert "Dispensa di prova" in page.content.decode()
    response = client.get(reverse("insights:dashboard"), {"program": PANTRY})
    assert _figures(response.context["sections"])["test.sessions"] == 7
    assert "desk.accesses" not in _figures(response.context["sections"])
    assert response.context["reached"] is None
    text = response.content.decode()
    assert "Programma: Dispensa di prova" in text
    assert "non sono attribuiti a un programma" in text
    assert "program=test.program%3A2" in text or "program=test.program:2" in text


def test_a_bad_program_is_a_field_error_and_changes_nothing(
    personas: Personas, programs: None, login
) -> None:
    client = login(personas.coordinator)
    response = client.get(reverse("insights:dashboard"), {"program": "test.program:99"})
    assert response.status_code == 200
    assert response.context["form"].errors["program"] == [
        "Programma non valido per l'organizzazione scelta."
    ]
    assert _figures(response.context["sections"])["test.sessions"] == 13
    api = client.get("/api/v1/insights/figures", {"program": "nope"})
    assert api.status_code == 400 and "program" in api.json()["error"]["fields"]


def test_the_program_filter_is_scoped_like_the_organization(
    personas: Personas, programs: None, login
) -> None:
    operator = login(personas.association_operator)  # of the cooperative
    page = operator.get(reverse("insights:organization"))
    choices = dict(page.context["form"].fields["program"].widget.choices)
    assert PANTRY in choices and SOUP not in choices
    other = operator.get(reverse("insights:organization"), {"program": SOUP})
    assert other.context["form"].errors["program"]
    api = operator.get("/api/v1/insights/figures", {"program": SOUP})
    assert api.status_code == 400
    own = operator.get("/api/v1/insights/figures", {"program": PANTRY}).json()
    assert {f["key"]: f["value"] for f in own["figures"]}["test.sessions"] == 7
    assert own["people_reached"] is None
    chosen = login(personas.coordinator).get(
        "/api/v1/insights/figures", {"organization": personas.comune.pk, "program": PANTRY}
    )
    assert chosen.status_code == 400
