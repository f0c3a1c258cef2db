from datetime import timedelta

import pytest
from django.utils import timezone

from ..models import Application
from .factories import comune_household, housing_case, open_call, unit

pytestmark = pytest.mark.django_db
API = "/api/v1/housing"


def test_the_score_preview_returns_points_with_their_reasons(personas, login):
    call = open_call(personas)
    response = login(personas.housing_officer).post(
        f"{API}/calls/{call.pk}/score-preview",
        {
            "household_size": 2,
            "isee": "3000",
            "residence_years": 6,
            "conditions": [{"code": "b-1", "document": "Relazione"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == sum(item["points"] for item in body["items"])
    assert {
        "code": "b-1",
        "description": body["items"][1]["description"],
        "article": "L.R. 2/2019, All. B, b-1",
        "points": 3,
        "document": "Relazione",
    } in body["items"]


def test_an_excluded_preview_explains_why(personas, login):
    call = open_call(personas)
    body = (
        login(personas.social_worker)
        .post(
            f"{API}/calls/{call.pk}/score-preview",
            {"household_size": 2, "isee": "20000", "residence_years": 6},
            content_type="application/json",
        )
        .json()
    )
    assert body["excluded"] and body["total"] == 0
    assert body["exclusions"][0]["code"] == "A-2.c"


def test_an_application_outside_the_period_answers_400_and_changes_nothing(personas, login):
    call = open_call(personas)
    household, head = comune_household(personas)
    response = login(personas.social_worker).post(
        f"{API}/calls/{call.pk}/applications",
        {
            "household_id": household.pk,
            "applicant_id": head.pk,
            "household_size": 3,
            "isee": "3000",
            "residence_years": 6,
            "submitted_on": (call.closes_on + timedelta(days=2)).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "submitted_on": [response.json()["error"]["message"]]
    } or "submitted_on" in str(response.json())
    assert not Application.objects.exists()


def test_cases_list_with_the_next_date(personas, login):
    case = housing_case(personas, access_in_days=14)
    body = login(personas.social_worker).get(f"{API}/cases").json()
    assert body[0]["id"] == case.pk
    assert body[0]["next_on"] == (timezone.localdate() + timedelta(days=14)).isoformat()
    assert login(personas.housing_officer).get(f"{API}/cases").json() == []


def test_an_overlapping_placement_answers_409(personas, login):
    flat = unit(personas)
    first, _ = comune_household(personas, name="Primi")
    second, _ = comune_household(personas, name="Secondi")
    client = login(personas.social_worker)
    today = timezone.localdate()
    payload = {
        "unit_id": flat.pk,
        "cause": "eviction",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=5)).isoformat(),
    }
    assert (
        client.post(
            f"{API}/placements",
            {**payload, "household_id": first.pk},
            content_type="application/json",
        ).status_code
        == 201
    )
    refused = client.post(
        f"{API}/placements", {**payload, "household_id": second.pk}, content_type="application/json"
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "conflict"


def test_a_grant_with_an_impossible_isee_answers_400(personas, login):
    from .factories import grant_rules

    grant_rules()
    household, head = comune_household(personas)
    response = login(personas.social_worker).post(
        f"{API}/grants",
        {
            "kind": "rent",
            "household_id": household.pk,
            "applicant_id": head.pk,
            "year": 2026,
            "isee": "-1",
            "annual_income": "1000",
            "annual_rent": "500",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
