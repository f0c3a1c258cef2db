"""The results report: HTML and PDF for a quarter or a year, small counts suppressed."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import Personas

from .factories import accesses, neighbourhood, refreshed

pytestmark = pytest.mark.django_db


def test_the_report_shows_key_figures_map_and_pdf(personas: Personas, login) -> None:
    accesses(personas, 6, area=neighbourhood())
    accesses(personas, 2, area=neighbourhood("Ronchi"))
    refreshed()
    client = login(personas.coordinator)
    page = client.get(reverse("insights:report"), {"period": "year"})
    assert page.status_code == 200
    report = page.context["report"]
    assert dict(report.map_rows) == {"Romagnano": 6, "Ronchi": None}
    assert b"<polygon" in page.content
    pdf = client.get(reverse("insights:report_pdf"), {"period": "quarter"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_bad_periods_fall_back_with_a_message(personas: Personas, login) -> None:
    page = login(personas.coordinator).get(reverse("insights:report"), {"period": "month"})
    assert page.status_code == 200
    assert "Scegli trimestre o anno." in page.content.decode()
    assert login(personas.association_operator).get(reverse("insights:report")).status_code == 403


def test_svg_coordinates_are_never_localized(personas: Personas, login) -> None:
    accesses(personas, 6, area=neighbourhood())
    refreshed()
    client = login(personas.coordinator)
    for url in (reverse("insights:dashboard"), reverse("insights:report")):
        page = client.get(url, {"period": "year"} if "report" in url else {}).content.decode()
        assert not re.search(r'(cx|cy|x|y|width)="\d+,\d', page)
