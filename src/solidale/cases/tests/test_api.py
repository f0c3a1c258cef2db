"""The cases API: same services, scoping and audit as the pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from .. import services
from ..models import Case
from .factories import comune_person, open_case, second_social_worker

pytestmark = pytest.mark.django_db


def test_a_social_worker_takes_charge_through_the_api(personas, login) -> None:
    person = comune_person(personas)
    response = login(personas.social_worker).post(
        "/api/v1/cases",
        {
            "person_id": person.pk,
            "area": "elderly",
            "responsible_id": personas.social_worker.pk,
            "opening_reason": "Solitudine e fragilità",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["team"][0]["role"] == "responsible"
    assert Case.objects.filter(person=person, area="elderly").exists()


def test_the_api_refuses_a_partner_opening_a_case(personas, login) -> None:
    person = comune_person(personas)
    response = login(personas.association_operator).post(
        "/api/v1/cases",
        {
            "person_id": person.pk,
            "area": "adults",
            "responsible_id": personas.social_worker.pk,
            "opening_reason": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_outsider_gets_404_on_a_case(personas, login) -> None:
    case = open_case(personas)
    assert login(personas.outsider).get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert login(personas.outsider).get("/api/v1/cases").json()["count"] == 0


def test_reserved_notes_are_filtered_by_the_same_rule(personas, login) -> None:
    case = open_case(personas)
    services.note_add(
        actor=personas.social_worker, case=case, kind="interview", text="Riservata", reserved=True
    )
    services.note_add(actor=personas.social_worker, case=case, kind="phone", text="Aperta")
    other = second_social_worker(personas)
    open_case(personas, person=comune_person(personas, family_name="Altri"), responsible=other)
    url = f"/api/v1/cases/{case.pk}/notes"
    texts = {n["text"] for n in login(personas.social_worker).get(url).json()}
    assert texts == {"Riservata", "Aperta"}
    assert {n["text"] for n in login(other).get(url).json()} == {"Aperta"}
    assert {n["text"] for n in login(personas.coordinator).get(url).json()} == {"Aperta"}


def test_an_intervention_above_the_threshold_is_approved_by_another_coordinator(
    personas, login
) -> None:
    case = open_case(personas)
    created = login(personas.social_worker).post(
        f"/api/v1/cases/{case.pk}/interventions",
        {
            "code": "A1.04",
            "provider_id": personas.comune.pk,
            "start_on": timezone.localdate().isoformat(),
            "amount": "800.00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "requested"
    url = f"/api/v1/cases/{case.pk}/interventions/{created.json()['id']}/approve"
    refused = login(personas.social_worker).post(
        url, {"approve": True}, content_type="application/json"
    )
    assert refused.status_code == 403
    approved = login(personas.coordinator).post(
        url, {"approve": True}, content_type="application/json"
    )
    assert approved.json()["status"] == "approved"


def test_a_negative_amount_is_a_field_error(personas, login) -> None:
    case = open_case(personas)
    response = login(personas.social_worker).post(
        f"/api/v1/cases/{case.pk}/interventions",
        {
            "code": "A1.04",
            "provider_id": personas.comune.pk,
            "start_on": timezone.localdate().isoformat(),
            "amount": "-10",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "amount" in response.json()["error"]["fields"]


def test_the_plan_refuses_a_review_before_the_opening(personas, login) -> None:
    case = open_case(personas)
    response = login(personas.social_worker).put(
        f"/api/v1/cases/{case.pk}/plan",
        {"stage": "preliminary", "review_on": "2000-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "review_on" in response.json()["error"]["fields"]
    ok = login(personas.social_worker).put(
        f"/api/v1/cases/{case.pk}/plan",
        {"stage": "framework", "framework": "Quadro"},
        content_type="application/json",
    )
    assert ok.json()["stage"] == "framework"
    assert login(personas.social_worker).get(f"/api/v1/cases/{case.pk}/plan").status_code == 200
