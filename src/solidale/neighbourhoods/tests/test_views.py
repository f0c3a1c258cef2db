"""The pages: the public form with its spam guards, tracking, the public map, profiles."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from conftest import Personas
from solidale.accounts.models import User
from solidale.core import indicators

from ..forms import form_token
from ..models import Report
from ..services import report_set_status
from .factories import (
    INSIDE,
    OUTSIDE,
    category,
    centro,
    elderly_report,
    jpeg_with_gps,
    published,
    streetlight_report,
)

pytestmark = pytest.mark.django_db
CREATE = reverse("neighbourhoods:report_create")


def _form(**extra: object) -> dict[str, object]:
    centro()
    return {
        "category": category("illuminazione").pk,
        "description": "Lampione spento all'angolo con la piazza",
        "latitude": INSIDE[0],
        "longitude": INSIDE[1],
        "address": "",
        "contact_preference": "none",
        "started": form_token(time.time() - 30),
        "website": "",
        **extra,
    }


def test_an_anonymous_citizen_sends_a_report_and_gets_a_tracking_code(client: Client) -> None:
    response = client.post(CREATE, _form())
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?code={report.tracking_code}")
    page = client.get(response["Location"])
    assert report.tracking_code in page.content.decode()
    assert "ricevuta" in page.content.decode()


def test_the_photo_is_stored_without_metadata(client: Client, personas: Personas) -> None:
    photo = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    client.post(CREATE, {**_form(), "photo": photo})
    report = Report.objects.get()
    assert b"Telefono Segreto" not in bytes(report.photo or b"")
    url = reverse("neighbourhoods:report_photo", args=[report.pk])
    assert client.get(url).status_code == 404  # not public before moderation
    published(report, personas.coordinator)
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"


def test_a_non_image_photo_is_refused_next_to_the_field(client: Client) -> None:
    fake = SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(CREATE, {**_form(), "photo": fake})
    assert response.status_code == 400
    assert "immagine valida" in response.content.decode()
    assert not Report.objects.exists()


def test_a_position_outside_the_town_is_refused(client: Client) -> None:
    response = client.post(CREATE, _form(latitude=OUTSIDE[0], longitude=OUTSIDE[1]))
    assert response.status_code == 400
    assert "fuori dal territorio" in response.content.decode()
    assert not Report.objects.exists()


def test_the_honeypot_stops_bots(client: Client) -> None:
    response = client.post(CREATE, _form(website="http://spam.example"))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_a_form_sent_too_fast_is_refused(client: Client) -> None:
    response = client.post(CREATE, _form(started=form_token()))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_a_forged_timestamp_is_refused(client: Client) -> None:
    response = client.post(CREATE, _form(started="12345"))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_reports_are_rate_limited(client: Client) -> None:
    for _i in range(5):
        assert client.post(CREATE, _form()).status_code == 302
    response = client.post(CREATE, _form())
    assert response.status_code == 400
    assert "Troppe richieste" in response.content.decode()
    assert Report.objects.count() == 5


def test_a_logged_in_citizen_sees_their_reports(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    client = login(personas.citizen)
    client.post(CREATE, _form())
    report = Report.objects.get()
    assert report.reporter == personas.citizen
    page = client.get(reverse("neighbourhoods:my_reports")).content.decode()
    assert report.tracking_code in page


def test_the_public_map_never_shows_social_reports(client: Client, personas: Personas) -> None:
    public = published(streetlight_report(), personas.coordinator)
    private = elderly_report()
    page = client.get(reverse("neighbourhoods:report_public_list")).content.decode()
    assert reverse("neighbourhoods:report_public_detail", args=[public.pk]) in page
    assert "Zanobetti" not in page and "Anziano" not in page
    assert (
        client.get(reverse("neighbourhoods:report_public_detail", args=[private.pk])).status_code
        == 404
    )
    assert client.get(reverse("neighbourhoods:report_photo", args=[private.pk])).status_code == 404


def test_the_public_list_query_count_does_not_grow(
    client: Client, personas: Personas, django_assert_max_num_queries: object
) -> None:
    for i in range(8):
        published(streetlight_report(latitude=INSIDE[0] + 0.001 * i), personas.coordinator)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get(reverse("neighbourhoods:report_public_list")).status_code == 200


def test_tracking_a_sensitive_report_shows_the_status_only(
    client: Client, personas: Personas
) -> None:
    from ..services import report_take_in_charge

    report = report_take_in_charge(actor=personas.desk_operator, report=elderly_report())
    page = client.get(
        reverse("neighbourhoods:report_track"), {"code": report.tracking_code}
    ).content.decode()
    assert "presa in carico" in page
    assert "Zanobetti" not in page and "1112223" not in page


def test_an_unknown_code_is_said_plainly(client: Client) -> None:
    page = client.get(reverse("neighbourhoods:report_track"), {"code": "SEG-NOPE"}).content.decode()
    assert "Nessuna segnalazione" in page


def test_the_reporter_reopens_from_the_tracking_page(client: Client, personas: Personas) -> None:
    report = report_set_status(
        actor=personas.desk_operator, report=streetlight_report(), status="resolved"
    )
    url = reverse("neighbourhoods:report_track")
    page = client.get(url, {"code": report.tracking_code}).content.decode()
    assert "Riapri" in page
    response = client.post(url, {"code": report.tracking_code, "reason": "Di nuovo al buio"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "in_progress"


def test_the_public_profile_lists_open_reports_and_events(
    client: Client, personas: Personas
) -> None:
    from .factories import event

    report = published(streetlight_report(), personas.coordinator)
    upcoming = event(personas)
    page = client.get(
        reverse("neighbourhoods:neighbourhood_detail", args=["centro"])
    ).content.decode()
    assert reverse("neighbourhoods:report_public_detail", args=[report.pk]) in page
    assert upcoming.title in page
    assert "Indicatori per gli operatori" not in page


def test_the_staff_profile_suppresses_small_cells(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    neighbourhood = centro()

    def facts(start: date, end: date) -> list[indicators.Fact]:
        return [
            indicators.Fact(end, 3, neighbourhood.pk, None),
            indicators.Fact(end - timedelta(days=1), 9, None, None),
        ]

    indicators.register(indicators.Indicator("test.small", "Piccolo", "casi", "Test", facts))
    try:
        streetlight_report()
        for i in range(5):
            streetlight_report(latitude=INSIDE[0] + 0.001 * (i + 1))
        page = (
            login(personas.viewer)
            .get(reverse("neighbourhoods:neighbourhood_staff", args=["centro"]))
            .content.decode()
        )
    finally:
        indicators._indicators.pop("test.small")
    assert 'data-indicator="test.small">&lt; 5<' in page
    assert 'data-indicator="neighbourhoods.reports">6<' in page


def test_citizens_do_not_see_the_staff_profile(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    centro()
    response = login(personas.citizen).get(
        reverse("neighbourhoods:neighbourhood_staff", args=["centro"])
    )
    assert response.status_code == 403


def test_the_desk_takes_a_sensitive_report_in_charge_from_the_page(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    report = elderly_report()
    client = login(personas.desk_operator)
    page = client.get(reverse("neighbourhoods:report_manage", args=[report.pk])).content.decode()
    assert "Zanobetti" in page
    client.post(reverse("neighbourhoods:report_take_charge", args=[report.pk]), {"note": ""})
    report.refresh_from_db()
    assert report.access_id is not None and report.status == "assigned"


def test_another_organization_gets_404_on_a_sensitive_report(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    report = elderly_report()
    response = login(personas.association_operator).get(
        reverse("neighbourhoods:report_manage", args=[report.pk])
    )
    assert response.status_code == 404
