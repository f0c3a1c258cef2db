"""The referrals API: the same lifecycle, scoping and errors as the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import Personas

from ..models import Referral, ReferralStatus
from .factories import FAMILY_NAME, PHONE, cooperative_service, open_case, sent_referral

pytestmark = pytest.mark.django_db
BASE = "/api/v1/referrals"


def _post(client: Any, path: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(path, json.dumps(payload or {}), content_type="application/json")


def test_the_whole_lifecycle_through_the_api(personas: Personas, login: Any) -> None:
    case = open_case(personas)
    service = cooperative_service(personas)
    comune = login(personas.social_worker)
    created = _post(
        comune,
        BASE,
        {"case_id": case.pk, "service_id": service.pk, "reason": "Lavoro", "need_code": "work"},
    )
    assert created.status_code == 201, created.content
    referral_id = created.json()["id"]
    assert created.json()["status"] == "sent"

    operator = login(personas.association_operator)
    inbox = operator.get(f"{BASE}/inbox").json()
    assert [item["id"] for item in inbox["items"]] == [referral_id]
    assert inbox["items"][0]["person"] is None
    before = operator.get(f"{BASE}/{referral_id}").json()
    assert before["person"] is None
    assert _post(operator, f"{BASE}/{referral_id}/accept").json()["status"] == "accepted"
    after = operator.get(f"{BASE}/{referral_id}").json()
    assert after["person"]["family_name"] == FAMILY_NAME
    assert after["person"]["phone"] == PHONE
    assert _post(operator, f"{BASE}/{referral_id}/start", {"note": "Colloquio"}).status_code == 200
    comment = _post(operator, f"{BASE}/{referral_id}/comments", {"body": "Primo colloquio fatto"})
    assert comment.status_code == 201
    done = _post(operator, f"{BASE}/{referral_id}/complete", {"outcome": "met", "note": "Assunta"})
    assert done.json()["status"] == "completed"
    assert done.json()["person"] is None

    outbox = login(personas.social_worker).get(f"{BASE}/outbox").json()
    assert outbox["items"][0]["outcome"] == "met"
    assert outbox["items"][0]["person"]["family_name"] == FAMILY_NAME


def test_a_decline_without_reason_answers_400_with_the_field(
    personas: Personas, login: Any
) -> None:
    referral = sent_referral(personas)
    response = _post(login(personas.association_operator), f"{BASE}/{referral.pk}/decline")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_an_outsider_accepting_gets_404(personas: Personas, login: Any) -> None:
    referral = sent_referral(personas)
    response = _post(login(personas.outsider), f"{BASE}/{referral.pk}/accept")
    assert response.status_code == 404
    assert FAMILY_NAME not in response.content.decode()


def test_the_second_accept_answers_409(personas: Personas, login: Any) -> None:
    referral = sent_referral(personas)
    assert (
        _post(login(personas.association_operator), f"{BASE}/{referral.pk}/accept").status_code
        == 200
    )
    response = _post(login(personas.association_admin), f"{BASE}/{referral.pk}/accept")
    assert response.status_code == 409
    assert "già gestito da" in response.json()["error"]["message"]


def test_sending_to_an_inactive_service_answers_400(personas: Personas, login: Any) -> None:
    case = open_case(personas)
    closed = cooperative_service(personas, status="inactive")
    response = _post(
        login(personas.social_worker),
        BASE,
        {"case_id": case.pk, "service_id": closed.pk, "reason": "Lavoro"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"service": [response.json()["error"]["message"]]}
    assert not Referral.objects.exists()


def test_an_association_lists_none_of_another_associations_referrals(
    personas: Personas, login: Any
) -> None:
    sent_referral(personas)
    client = login(personas.outsider)
    assert client.get(f"{BASE}/inbox").json()["items"] == []
    assert client.get(f"{BASE}/outbox").json()["items"] == []
