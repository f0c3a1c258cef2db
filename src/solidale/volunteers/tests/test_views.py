"""The pages: a volunteer on a phone signs up, logs hours; the organization confirms them."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import Personas
from solidale.accounts.models import User

from ..models import HoursStatus, Signup, Volunteer
from ..services import hours_confirm, hours_log
from .factories import DISTRIBUTION, open_shift, signed_up, start, volunteer_record

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def test_my_shift_shows_the_current_shift_with_its_work_link(
    personas: Personas, login: Login
) -> None:
    signup = signed_up(personas, target="point:1")
    start(signup.shift, ago=timedelta(minutes=30))
    page = login(personas.volunteer).get(reverse("volunteers:my_shift"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sei di turno ora" in body
    assert "/prova/banco/point:1/" in body


def test_my_shift_lists_the_next_shifts_and_offers(personas: Personas, login: Login) -> None:
    signup = signed_up(personas)
    body = login(personas.volunteer).get(reverse("volunteers:my_shift")).content.decode()
    assert "Non sei di turno in questo momento" in body
    assert signup.shift.title in body


def test_a_volunteer_signs_up_from_the_shift_page(personas: Personas, login: Login) -> None:
    volunteer_record(personas, user=personas.volunteer)
    shift = open_shift(personas, capacity=1)
    client = login(personas.volunteer)
    listing = client.get(reverse("volunteers:shift_list"), {"open": "1"}).content.decode()
    assert shift.title in listing
    response = client.post(reverse("volunteers:shift_signup", args=[shift.pk]))
    assert response.status_code == 302
    assert Signup.objects.filter(shift=shift).count() == 1
    again = client.post(reverse("volunteers:shift_signup", args=[shift.pk]), follow=True)
    assert "già iscritto" in again.content.decode()
    assert Signup.objects.filter(shift=shift).count() == 1


def test_the_hours_form_shows_its_error_next_to_the_field(personas: Personas, login: Login) -> None:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    response = login(personas.volunteer).post(
        reverse("volunteers:hours_log", args=[signup.pk]), {"hours": "40"}
    )
    assert response.status_code == 400
    assert 'id="id_hours_error"' in response.content.decode()
    assert Signup.objects.get(pk=signup.pk).hours is None


def test_hours_are_logged_then_confirmed_from_the_pending_list(
    personas: Personas, login: Login
) -> None:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    client = login(personas.volunteer)
    client.post(reverse("volunteers:hours_log", args=[signup.pk]), {"hours": "3"})
    admin = login(personas.association_admin)
    pending = admin.get(reverse("volunteers:hours_pending")).content.decode()
    assert "Vera Volontaria" in pending
    admin.post(
        reverse("volunteers:hours_confirm", args=[signup.pk]),
        {"decision": "confirm", "next": "pending"},
    )
    assert Signup.objects.get(pk=signup.pk).hours_status == HoursStatus.CONFIRMED


def _served(personas: Personas) -> Signup:
    signup = signed_up(personas, hours=3)
    start(signup.shift, ago=timedelta(hours=4))
    hours_log(actor=personas.volunteer, signup=signup, hours="3")
    return hours_confirm(actor=personas.association_admin, signup=signup, confirm=True)


def test_the_hours_report_totals_the_year_and_downloads(personas: Personas, login: Login) -> None:
    _served(personas)
    client = login(personas.association_admin)
    year = timezone.localdate().year
    page = client.get(reverse("volunteers:hours_report"), {"year": year}).content.decode()
    assert "Vera Volontaria" in page
    assert "3,00" in page
    csv = client.get(reverse("volunteers:hours_download", args=["csv"]), {"year": year})
    assert "Vera Volontaria" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("volunteers:hours_download", args=["xlsx"]), {"year": year})

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == "Vera Volontaria"
    assert values[1][3] == 3.0


def test_the_certificate_is_a_pdf_for_the_volunteer_and_the_organization(
    personas: Personas, login: Login
) -> None:
    signup = _served(personas)
    for user in (personas.volunteer, personas.association_admin):
        response = login(user).get(reverse("volunteers:certificate", args=[signup.volunteer_id]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_a_volunteer_sees_only_their_own_record(personas: Personas, login: Login) -> None:
    own = volunteer_record(personas, user=personas.volunteer)
    other = volunteer_record(personas, name="Altra Persona")
    client = login(personas.volunteer)
    assert client.get(reverse("volunteers:volunteer_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("volunteers:volunteer_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("volunteers:volunteer_list")).status_code == 404


def test_the_registry_form_registers_a_volunteer(personas: Personas, login: Login) -> None:
    client = login(personas.association_admin)
    response = client.post(
        reverse("volunteers:volunteer_create"),
        {
            "full_name": "Nuova Volontaria",
            "skills": ["haccp", "driving"],
            "availability_days": ["0", "5"],
            "started_on": timezone.localdate().isoformat(),
            "insurance_until": (timezone.localdate() + timedelta(days=200)).isoformat(),
            "consent": "on",
        },
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(full_name="Nuova Volontaria")
    assert volunteer.skills == ["haccp", "driving"]
    assert volunteer.availability_days == [0, 5]
    refused = client.post(
        reverse("volunteers:volunteer_create"),
        {"full_name": "Senza Consenso", "started_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 200
    assert 'id="id_consent_error"' in refused.content.decode()


def test_the_shift_form_offers_the_targets_of_the_chosen_activity(
    personas: Personas, login: Login
) -> None:
    client = login(personas.association_admin)
    partial = client.get(
        reverse("volunteers:shift_create"),
        {"activity": DISTRIBUTION},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Punto di Marina" in partial
    assert "<html" not in partial
    starts = timezone.localtime() + timedelta(days=2)
    response = client.post(
        reverse("volunteers:shift_create"),
        {
            "activity": DISTRIBUTION,
            "target": "point:2",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "4",
            "required_skills": ["haccp"],
        },
    )
    assert response.status_code == 302


def test_the_shift_list_query_count_stays_flat(
    personas: Personas, login: Login, django_assert_max_num_queries: Callable
) -> None:
    volunteer_record(personas, user=personas.volunteer)
    for day in range(1, 8):
        open_shift(personas, starts_at=timezone.now() + timedelta(days=day))
    client = login(personas.volunteer)
    client.get(reverse("volunteers:shift_list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("volunteers:shift_list"))


def test_a_volunteer_not_yet_in_the_registry_is_told_so(personas: Personas, login: Login) -> None:
    page = login(personas.volunteer).get(reverse("volunteers:my_shift"))
    assert page.status_code == 200
    assert "non ti ha ancora iscritto" in page.content.decode()
    assert (
        login(personas.association_operator).get(reverse("volunteers:my_shift")).status_code == 404
    )
