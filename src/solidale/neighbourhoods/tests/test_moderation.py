"""Moderation: a public report appears publicly only once staff published it, with the
description they checked and the photo only if they chose to."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.urls import reverse

from conftest import Personas
from solidale.accounts.models import User
from solidale.core.errors import DomainError
from solidale.core.models import Notification

from ..models import Report
from ..photos import photo_clean
from ..providers import attention_items
from ..services import report_publish
from .factories import centro, elderly_report, jpeg_upload, streetlight_report

pytestmark = pytest.mark.django_db
OPEN311 = "/neighbourhoods/open311/v2"
NAMED = "Il lampione è spento davanti a casa di Gino Bartolacci, al civico 12"
EDITED = "Il lampione è spento davanti al civico 12"


def _public_outputs(client: Client, report: Report) -> str:
    """Everything anyone can read without logging in, concatenated."""
    pages = [
        reverse("neighbourhoods:report_public_list"),
        reverse("neighbourhoods:neighbourhood_detail", args=[centro().slug]),
        f"{OPEN311}/requests.json",
        f"{OPEN311}/requests.xml",
        f"{OPEN311}/requests.json?service_request_id={report.tracking_code}",
    ]
    return "\n".join(client.get(url).content.decode() for url in pages)


def test_a_new_report_is_not_public_until_published(client: Client, personas: Personas) -> None:
    report = streetlight_report(
        reporter=personas.citizen, photo=photo_clean(jpeg_upload()), description=NAMED
    )
    assert not report.is_published
    detail = reverse("neighbourhoods:report_public_detail", args=[report.pk])
    everything = _public_outputs(client, report)
    assert detail not in everything  # neither in the list nor in the map markers
    assert report.tracking_code not in everything and "Bartolacci" not in everything
    assert client.get(detail).status_code == 404
    assert client.get(reverse("neighbourhoods:report_photo", args=[report.pk])).status_code == 404
    for fmt in ("json", "xml"):
        answer = client.get(f"{OPEN311}/requests/{report.tracking_code}.{fmt}")
        assert answer.status_code == 404
    root = ElementTree.fromstring(client.get(f"{OPEN311}/requests.xml").content)
    assert root.findall("request") == []
    tracking = client.get(reverse("neighbourhoods:report_track"), {"code": report.tracking_code})
    assert "In attesa di verifica" in tracking.content.decode()
    assert detail not in tracking.content.decode()


def test_the_moderated_description_replaces_the_original_publicly(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    client = Client()  # anonymous, while ``login`` logs its own client in
    report = streetlight_report(
        reporter=personas.citizen, photo=photo_clean(jpeg_upload()), description=NAMED
    )
    staff = login(personas.coordinator)
    answer = staff.post(
        reverse("neighbourhoods:report_publish", args=[report.pk]),
        {"public_description": EDITED},
    )
    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.is_published and not report.show_photo
    assert report.description == NAMED and report.public_description == EDITED
    detail = reverse("neighbourhoods:report_public_detail", args=[report.pk])
    everything = _public_outputs(client, report) + client.get(detail).content.decode()
    assert detail in everything and EDITED in everything
    assert "Bartolacci" not in everything
    (row,) = client.get(f"{OPEN311}/requests/{report.tracking_code}.json").json()
    assert row["description"] == EDITED and row["media_url"] is None
    root = ElementTree.fromstring(
        client.get(f"{OPEN311}/requests/{report.tracking_code}.xml").content
    )
    assert root.findtext("request/description") == EDITED
    assert not root.findtext("request/media_url")
    photo = reverse("neighbourhoods:report_photo", args=[report.pk])
    assert client.get(photo).status_code == 404  # withheld from the public…
    assert staff.get(photo).status_code == 200  # …still there for staff
    manage = staff.get(reverse("neighbourhoods:report_manage", args=[report.pk]))
    assert NAMED in manage.content.decode() and EDITED in manage.content.decode()


def test_the_photo_is_public_when_the_moderator_chooses(client: Client, personas: Personas) -> None:
    report = streetlight_report(photo=photo_clean(jpeg_upload()))
    report_publish(
        actor=personas.coordinator,
        report=report,
        public_description=report.description,
        show_photo=True,
    )
    assert client.get(reverse("neighbourhoods:report_photo", args=[report.pk])).status_code == 200
    (row,) = client.get(f"{OPEN311}/requests/{report.tracking_code}.json").json()
    assert row["media_url"].endswith(f"/segnalazioni/{report.pk}/foto/")


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("Lampione spento, il mio codice fiscale è RSSMRA80A01F023X", "codice fiscale"),
        ("Lampione spento, chiamatemi al 333 4445556 quando passate", "telefono"),
        ("Lampione spento, scrivete a gino.bartolacci@example.invalid", "e-mail"),
    ],
)
def test_personal_data_in_the_description_is_held(personas: Personas, text: str, what: str) -> None:
    report = streetlight_report(description=text)
    assert not report.is_published
    assert what in report.moderation_note
    with pytest.raises(DomainError) as refused:
        report_publish(
            actor=personas.coordinator, report=report, public_description=text, show_photo=False
        )
    assert refused.value.field == "public_description"
    report.refresh_from_db()
    assert not report.is_published and report.public_description == ""
    clean = streetlight_report(latitude=report.latitude + 0.01)  # type: ignore[operator]
    assert clean.moderation_note == ""


def test_the_reporter_is_told_when_published(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    report = streetlight_report(reporter=personas.citizen)
    report_publish(
        actor=personas.coordinator, report=report, public_description=EDITED, show_photo=False
    )
    notice = Notification.objects.get(user=personas.citizen, title__contains="pubblicata")
    assert report.tracking_code in notice.title
    page = login(personas.citizen).get(
        reverse("neighbourhoods:report_track"), {"code": report.tracking_code}
    )
    text = page.content.decode()
    assert "In attesa di verifica" not in text
    assert reverse("neighbourhoods:report_public_detail", args=[report.pk]) in text


def test_only_the_responsible_staff_publish(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    report = streetlight_report(description=NAMED)
    outsider = login(personas.association_operator)
    answer = outsider.post(
        reverse("neighbourhoods:report_publish", args=[report.pk]),
        {"public_description": EDITED},
    )
    assert answer.status_code == 404
    with pytest.raises(DomainError):
        report_publish(
            actor=personas.citizen, report=report, public_description=EDITED, show_photo=False
        )
    report.refresh_from_db()
    assert not report.is_published
    with pytest.raises(DomainError):
        report_publish(
            actor=personas.coordinator,
            report=elderly_report(),
            public_description=EDITED,
            show_photo=False,
        )


def test_a_report_is_published_once(personas: Personas) -> None:
    report = streetlight_report()
    report_publish(
        actor=personas.coordinator, report=report, public_description=EDITED, show_photo=False
    )
    with pytest.raises(DomainError):
        report_publish(
            actor=personas.desk_operator,
            report=report,
            public_description="Un altro testo abbastanza lungo",
            show_photo=False,
        )
    report.refresh_from_db()
    assert report.public_description == EDITED


def test_the_queue_counts_and_the_attention_item(
    personas: Personas, login: Callable[[User], Client]
) -> None:
    held = streetlight_report(description="Lampione spento, chiamate il 333 4445556")
    plain = streetlight_report(latitude=held.latitude + 0.01)  # type: ignore[operator]
    elderly_report()
    page = login(personas.desk_operator).get(reverse("neighbourhoods:report_moderation"))
    text = page.content.decode()
    assert page.status_code == 200
    assert held.tracking_code in text and plain.tracking_code in text
    assert 'data-count="total">2<' in text and 'data-count="personal_data">1<' in text
    (item,) = [
        i
        for i in attention_items(personas.desk_operator)
        if i.url == reverse("neighbourhoods:report_moderation")
    ]
    assert "2" in item.title and item.severity == "danger"
    other = login(personas.association_operator).get(reverse("neighbourhoods:report_moderation"))
    assert held.tracking_code not in other.content.decode()
    assert not [
        i
        for i in attention_items(personas.association_operator)
        if i.url == reverse("neighbourhoods:report_moderation")
    ]
    report_publish(
        actor=personas.desk_operator, report=plain, public_description=EDITED, show_photo=False
    )
    again = login(personas.desk_operator).get(reverse("neighbourhoods:report_moderation"))
    assert plain.tracking_code not in again.content.decode()
