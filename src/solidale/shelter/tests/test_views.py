"""The pages: what each persona sees, bad input kept in the form, and query counts."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.accounts.models import User
from solidale.people.services import person_create

from .. import beds as board
from .. import services
from ..forecast import DailyForecast
from ..models import Encounter, Stay
from . import factories

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def test_the_coordinator_approves_a_proposal_from_the_overview(
    personas: Personas, login: Login
) -> None:
    factories.season(personas)
    services.forecast_store(
        [
            DailyForecast(
                day=timezone.localdate() + timedelta(days=offset),
                min_temperature=Decimal("-2"),
                apparent_min_temperature=Decimal("-5"),
                max_wind_speed=Decimal("20"),
            )
            for offset in range(3)
        ]
    )
    proposal = services.forecast_evaluate()
    assert proposal is not None
    client = login(personas.coordinator)
    page = client.get(reverse("shelter:home"))
    assert "Attivazione proposta" in page.content.decode()
    response = client.post(
        reverse("shelter:activation_decide", kwargs={"pk": proposal.pk}), {"decision": "approve"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "active"


def test_the_bed_board_lists_every_bed_in_a_fixed_number_of_queries(
    personas: Personas, login: Login
) -> None:
    factories.facility(personas, beds=6)
    factories.facility(personas, name="Asilo Il Mantello", beds=6)
    client = login(personas.association_operator)
    client.get(reverse("shelter:board"))
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("shelter:board"))
    assert response.status_code == 200
    assert response.content.decode().count('class="bed-cell') == 12
    factories.facility(personas, name="Terza struttura", beds=20)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("shelter:board"))
    assert len(more) == len(few)


def test_assigning_a_taken_bed_answers_with_the_error_next_to_the_field(
    personas: Personas, login: Login
) -> None:
    bed = factories.first_bed(factories.facility(personas))
    board.bed_assign(
        actor=personas.association_operator, bed=bed, night=factories.tonight(), alias="Primo"
    )
    client = login(personas.association_admin)
    response = client.post(
        reverse("shelter:stay_assign"),
        {
            "night": factories.tonight().isoformat(),
            "bed": bed.pk,
            "alias": "Secondo",
            "guest": "man",
        },
    )
    assert response.status_code == 400
    assert Stay.objects.count() == 1


def test_an_encounter_without_position_keeps_what_was_written(
    personas: Personas, login: Login
) -> None:
    factories.season(personas)
    outing = factories.outing(personas)
    client = login(personas.association_operator)
    url = reverse("shelter:round_detail", kwargs={"pk": outing.pk})
    payload = {
        "key": str(uuid.uuid4()),
        "met_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "alias": "Il Biondo",
        "description": "giaccone rosso vicino al binario 1",
    }
    response = client.post(url, payload)
    assert response.status_code == 400
    body = response.content.decode()
    assert "giaccone rosso vicino al binario 1" in body and "Manca la posizione" in body
    assert payload["key"] in body
    assert not Encounter.objects.exists()
    payload.update(latitude="44.0365", longitude="10.1402")
    assert client.post(url, payload).status_code == 302
    assert client.post(url, payload).status_code == 302
    assert Encounter.objects.count() == 1


def test_the_report_page_and_pdf_show_the_night(personas: Personas, login: Login) -> None:
    plan = factories.season(personas)
    factories.activation(personas, plan)
    bed = factories.first_bed(factories.facility(personas))
    board.bed_assign(
        actor=personas.association_operator, bed=bed, night=factories.tonight(), alias="Ospite"
    )
    client = login(personas.viewer)
    night = factories.tonight().isoformat()
    page = client.get(reverse("shelter:report"), {"night": night})
    assert page.status_code == 200
    assert "Posti occupati 1 su 4" in page.content.decode()
    assert "Ospite" not in page.content.decode()
    pdf = client.get(reverse("shelter:report_pdf"), {"night": night})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_morning_report_is_sent_once_to_the_network(personas: Personas) -> None:
    from solidale.core.models import Notification

    from ..report import report_send

    plan = factories.season(personas)
    factories.activation(personas, plan)
    night = factories.tonight()
    assert report_send(night=night) > 0
    assert report_send(night=night) == 0
    assert (
        Notification.objects.filter(
            user=personas.association_operator, kind="shelter.report"
        ).count()
        == 1
    )


def test_outsiders_get_404_on_the_board(personas: Personas, login: Login) -> None:
    factories.facility(personas)
    assert login(personas.outsider).get(reverse("shelter:board")).status_code == 404


def test_a_guest_is_transferred_and_identified_from_the_board(
    personas: Personas, login: Login
) -> None:
    first = factories.facility(personas)
    second = factories.facility(personas, name="Asilo Il Mantello")
    stay = board.bed_assign(
        actor=personas.association_operator,
        bed=factories.first_bed(first),
        night=factories.tonight(),
        alias="Il Biondo",
    )
    client = login(personas.coordinator)
    night = factories.tonight().isoformat()
    target = factories.first_bed(second)
    response = client.post(
        reverse("shelter:stay_transfer"), {"night": night, "stay": stay.pk, "bed": target.pk}
    )
    assert response.status_code == 302
    moved = Stay.objects.get(bed=target)
    person = person_create(
        actor=personas.desk_operator, data={"given_name": "Ivo", "family_name": "Biondi"}
    )
    response = client.post(
        reverse("shelter:stay_identify"), {"night": night, "stay": moved.pk, "person": person.pk}
    )
    assert response.status_code == 302
    moved.refresh_from_db()
    assert moved.person == person
