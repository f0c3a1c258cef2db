"""The pages, end to end through the test client, as the personas use them."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from .. import services
from ..models import EventKind, HousingCase, Placement
from .factories import FAMILY_NAME, application, comune_household, housing_case, open_call, unit

pytestmark = pytest.mark.django_db


def test_the_case_list_shows_the_next_date_and_the_missing_plan(personas, login):
    housing_case(personas, access_in_days=12)
    page = login(personas.social_worker).get(reverse("housing:case_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Nucleo {FAMILY_NAME}" in text
    assert (
        "accesso dell&#x27;ufficiale giudiziario" in text.lower() or "ufficiale giudiziario" in text
    )
    assert "manca" in text


def test_opening_a_case_from_the_form(personas, login):
    household, head = comune_household(personas)
    client = login(personas.social_worker)
    response = client.post(
        reverse("housing:case_create"),
        {
            "household": household.pk,
            "person": head.pk,
            "situation": "eviction_arrears",
            "risk": "high",
            "isee": "6500,00",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    case = HousingCase.objects.get()
    assert case.isee == 6500


def test_recording_a_bailiff_access_keeps_the_next_date_in_view(personas, login):
    case = housing_case(personas, access_in_days=None)
    client = login(personas.social_worker)
    when = timezone.localdate() + timedelta(days=9)
    response = client.post(
        reverse("housing:event_add", args=[case.pk]),
        {"event-kind": EventKind.ACCESS, "event-on": when.isoformat()},
    )
    assert response.status_code == 302
    page = client.get(reverse("housing:case_detail", args=[case.pk])).content.decode()
    assert "Prossima scadenza" in page
    assert when.strftime("%d/%m/%Y") in page or when.strftime("%-d") in page


def test_a_bad_event_shows_the_error_next_to_the_field(personas, login):
    case = housing_case(personas, access_in_days=None)
    response = login(personas.social_worker).post(
        reverse("housing:event_add", args=[case.pk]),
        {
            "event-kind": EventKind.ACCESS,
            "event-on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "event-outcome": "executed",
        },
    )
    assert response.status_code == 400
    assert "id_event-outcome_error" in response.content.decode()
    assert case.events.filter(kind=EventKind.ACCESS).count() == 0


def test_the_alerts_page_lists_evictions_within_the_horizon(personas, login):
    housing_case(personas, access_in_days=50)
    client = login(personas.coordinator)
    assert f"Nucleo {FAMILY_NAME}" not in client.get(reverse("housing:alerts")).content.decode()
    assert (
        f"Nucleo {FAMILY_NAME}"
        in client.get(reverse("housing:alerts"), {"days": "60"}).content.decode()
    )


def test_the_agency_shares_a_task_on_a_referred_household(personas, login):
    case = housing_case(personas)
    services.housing_case_refer(
        actor=personas.social_worker, case=case, agency=personas.housing_agency
    )
    client = login(personas.housing_officer)
    response = client.post(
        reverse("housing:note_add", args=[case.pk]),
        {"note-kind": "task", "note-text": "Sopralluogo in via Roma", "note-due_on": ""},
    )
    assert response.status_code == 302
    assert (
        "Sopralluogo in via Roma"
        in client.get(reverse("housing:case_detail", args=[case.pk])).content.decode()
    )


def test_the_scoring_preview_and_submission_from_the_form(personas, login):
    call = open_call(personas)
    household, head = comune_household(personas, name="Anteprima")
    client = login(personas.social_worker)
    data = {
        "household": household.pk,
        "person": head.pk,
        "household_size": 3,
        "minors": 1,
        "over_65": 0,
        "isee": "4000",
        "real_estate_assets": "0",
        "movable_assets": "0",
        "residence_years": 7,
        "waiting_list_years": 0,
        "submitted_on": timezone.localdate().isoformat(),
        "doc_b-1": "Relazione sociale",
    }
    preview = client.post(
        reverse("housing:application_create", args=[call.pk]), {**data, "preview": "1"}
    )
    text = preview.content.decode()
    assert "Anteprima del punteggio" in text and "Relazione sociale" in text
    assert not call.applications.exists()
    response = client.post(reverse("housing:application_create", args=[call.pk]), data)
    assert response.status_code == 302
    assert call.applications.get().points == 2 + 1 + 3


def test_the_publication_export_has_protocols_and_no_names(personas, login):
    call = open_call(personas)
    application(personas, call)
    ranking = services.ranking_compute(
        actor=personas.coordinator, call=call, kind="provisional"
    ).ranking
    response = login(personas.housing_officer).get(
        reverse("housing:ranking_export", args=[ranking.pk])
    )
    content = response.content.decode()
    assert FAMILY_NAME not in content
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[1][1].endswith("/00001")


def test_the_payment_list_exports_xlsx_and_csv(personas, login):
    from .test_grants import _submit

    grant = _submit(personas)
    services.grant_approve(actor=personas.coordinator, grant=grant)
    client = login(personas.coordinator)
    xlsx = client.get(reverse("housing:payments_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=7).value == 3100
    csv_text = client.get(reverse("housing:payments_export", args=["csv"])).content.decode()
    assert "IT60X0542811101000000123456" in csv_text


def test_an_overlapping_placement_from_the_form_is_refused_with_the_reason(personas, login):
    flat = unit(personas)
    first, _ = comune_household(personas, name="Primi")
    second, _ = comune_household(personas, name="Secondi")
    today = timezone.localdate()
    services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=first,
        starts_on=today,
        ends_on=today + timedelta(days=10),
        cause="eviction",
    )
    response = login(personas.social_worker).post(
        reverse("housing:placement_create"),
        {
            "unit": flat.pk,
            "household": second.pk,
            "cause": "eviction",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "già occupata" in response.content.decode()
    assert Placement.objects.count() == 1


def test_the_monthly_occupancy_page(personas, login):
    flat = unit(personas)
    household, _ = comune_household(personas)
    today = timezone.localdate()
    services.placement_create(
        actor=personas.social_worker,
        unit=flat,
        household=household,
        starts_on=today,
        ends_on=today + timedelta(days=3),
        cause="eviction",
    )
    page = login(personas.social_worker).get(reverse("housing:occupancy"))
    assert page.status_code == 200
    assert flat.name in page.content.decode()


def test_the_timeline_provider_respects_the_agency_scope(personas):
    from ..providers import timeline

    case = housing_case(personas)
    ids = [case.person_id]
    assert timeline(personas.social_worker, ids)
    assert not list(timeline(personas.housing_officer, ids))
    services.housing_case_refer(
        actor=personas.social_worker, case=case, agency=personas.housing_agency
    )
    assert list(timeline(personas.housing_officer, ids))
    assert not list(timeline(personas.outsider, ids))


def test_the_alert_rule_raises_the_eviction_without_a_plan(personas):
    from ..providers import evictions_alert

    case = housing_case(personas, access_in_days=20)
    housing_case(personas, access_in_days=45, name="Lontani")
    candidates = list(evictions_alert({"days": 30}, timezone.localdate()))
    assert [c.subject for c in candidates] == [f"housing.case:{case.pk}"]
    assert candidates[0].assignee_id == personas.social_worker.pk


def test_a_municipal_variant_is_uploaded_as_a_new_rule_version(personas, login):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..models import RuleSet
    from ..services.erp import RULES_DIR

    definition = json.loads((RULES_DIR / "erp_lrt_2_2019_v2.json").read_text(encoding="utf-8"))
    definition.update(code="erp-massa", version=1, title="Variante comunale di Massa")
    upload = SimpleUploadedFile("massa.json", json.dumps(definition).encode(), "application/json")
    response = login(personas.coordinator).post(reverse("housing:ruleset_list"), {"file": upload})
    assert response.status_code == 302
    assert RuleSet.objects.get(code="erp-massa").title == "Variante comunale di Massa"
    broken = SimpleUploadedFile("x.json", b"{not json", "application/json")
    again = login(personas.coordinator).post(reverse("housing:ruleset_list"), {"file": broken})
    assert "JSON valido" in again.content.decode()
