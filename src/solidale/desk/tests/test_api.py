import json

import pytest
from django.test import Client
from django.utils import timezone

from solidale.desk.models import Access, OnlineRequest
from solidale.desk.services import online_request_set_status
from solidale.people.tests.factories import make_person, person_data
from solidale.people.tests.test_api import token_client

from .factories import make_access, make_online_request

pytestmark = pytest.mark.django_db


def send(client: Client, url: str, body: dict, method: str = "post"):
    return getattr(client, method)(
        url, data=json.dumps(body, default=str), content_type="application/json"
    )


def test_an_access_is_recorded_and_read_through_the_api(personas) -> None:
    client = token_client(personas.desk_operator)
    person = make_person(personas.desk_operator)
    response = send(
        client,
        "/api/v1/desk/accesses",
        {
            "person_id": person.pk,
            "channel": "phone",
            "needs": [{"code": "food", "urgency": "high"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["needs"] == [{"code": "food", "name": "Alimentazione", "urgency": "high"}]
    detail = client.get(f"/api/v1/desk/accesses/{body['id']}")
    assert detail.json()["person_id"] == person.pk
    listing = client.get("/api/v1/desk/accesses", {"channel": "phone"})
    assert listing.json()["count"] == 1


def test_an_access_for_a_new_person_goes_through_the_duplicate_check(personas) -> None:
    client = token_client(personas.desk_operator)
    data = person_data()
    response = send(
        client, "/api/v1/desk/accesses", {"new_person": data, "needs": [{"code": "work"}]}
    )
    assert response.status_code == 201
    again = send(client, "/api/v1/desk/accesses", {"new_person": data, "needs": [{"code": "work"}]})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_codice_fiscale"
    assert Access.objects.count() == 1


def test_bad_access_input_gets_a_clear_error_and_saves_nothing(personas) -> None:
    client = token_client(personas.desk_operator)
    person = make_person(personas.desk_operator)
    response = send(
        client,
        "/api/v1/desk/accesses",
        {"person_id": person.pk, "needs": [{"code": "astrology"}]},
    )
    assert response.status_code == 400
    assert "needs" in response.json()["error"]["fields"]
    past = (timezone.localdate().replace(year=2020)).isoformat()
    response = send(
        client,
        "/api/v1/desk/accesses",
        {"person_id": person.pk, "needs": [{"code": "food"}], "follow_up_on": past},
    )
    assert "follow_up_on" in response.json()["error"]["fields"]
    assert not Access.objects.exists()


def test_an_access_is_updated_and_outsiders_get_404(personas) -> None:
    access = make_access(personas.desk_operator)
    client = token_client(personas.social_worker)
    response = send(client, f"/api/v1/desk/accesses/{access.pk}", {"outcome": "referral"}, "patch")
    assert response.json()["outcome"] == "referral"
    outsider = token_client(personas.outsider)
    assert outsider.get(f"/api/v1/desk/accesses/{access.pk}").status_code == 404
    assert (
        send(
            outsider, f"/api/v1/desk/accesses/{access.pk}", {"outcome": "information"}, "patch"
        ).status_code
        == 404
    )
    assert outsider.get("/api/v1/desk/accesses").json()["count"] == 0


def test_anyone_sends_a_request_and_reads_only_its_status_by_code(personas) -> None:
    client = Client()
    response = send(
        client,
        "/api/v1/desk/requests",
        {
            "category": "housing",
            "text": "Sfratto tra due settimane, due bambini piccoli.",
            "contact_preference": "phone",
            "contact_phone": "+39 333 1234567",
            "consent": True,
        },
    )
    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    online_request = OnlineRequest.objects.get(tracking_code=code)
    online_request_set_status(
        actor=personas.desk_operator,
        online_request=online_request,
        status="in_triage",
        internal_notes="RISERVATO-INTERNO",
    )
    status = client.get(f"/api/v1/desk/requests/status/{code}")
    assert status.json()["status"] == "in_triage"
    text = status.content.decode()
    assert "RISERVATO-INTERNO" not in text and "333" not in text and "Sfratto" not in text
    assert client.get("/api/v1/desk/requests/status/SOL-0000000000").status_code == 404


def test_the_public_api_refuses_a_filled_honeypot_and_missing_consent(db) -> None:
    body = {"category": "food", "text": "Ho bisogno di un pacco alimentare.", "consent": True}
    assert send(Client(), "/api/v1/desk/requests", body | {"website": "x"}).status_code == 400
    assert send(Client(), "/api/v1/desk/requests", body | {"consent": False}).status_code == 400
    assert not OnlineRequest.objects.exists()


def test_the_public_api_is_rate_limited(db, settings) -> None:
    settings.SOLIDALE_RATE_LIMIT_PUBLIC = "1/3600"
    body = {"category": "food", "text": "Ho bisogno di un pacco alimentare.", "consent": True}
    assert send(Client(), "/api/v1/desk/requests", body).status_code == 201
    assert send(Client(), "/api/v1/desk/requests", body).status_code == 429


def test_staff_list_and_answer_requests_others_cannot(personas) -> None:
    online_request = make_online_request()
    client = token_client(personas.coordinator)
    assert client.get("/api/v1/desk/requests").json()["count"] == 1
    response = send(
        client,
        f"/api/v1/desk/requests/{online_request.pk}/answer",
        {"status": "answered", "answer": "La chiamiamo lunedì."},
    )
    assert response.json()["status"] == "answered"
    partner = token_client(personas.association_admin)
    assert partner.get(f"/api/v1/desk/requests/{online_request.pk}").status_code == 403
    assert Client().get("/api/v1/desk/requests").status_code == 401
