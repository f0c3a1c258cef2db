"""The referral pages: sending, detail and actions, inbox and outbox, statistics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Personas
from solidale.network.models import ServiceStatus

from ..models import Referral, ReferralStatus
from ..providers import attention_items, timeline_entries
from ..services import referral_accept, referral_complete, referral_start
from .factories import FAMILY_NAME, PHONE, cooperative_service, open_case, sent_referral

pytestmark = pytest.mark.django_db


def _detail(referral: Referral) -> str:
    return reverse("referrals:detail", kwargs={"pk": referral.pk})


def test_the_social_worker_chooses_a_service_with_its_live_capacity(
    personas: Personas, login: Any
) -> None:
    case = open_case(personas)
    cooperative_service(personas)
    client = login(personas.social_worker)
    response = client.get(reverse("referrals:create"), {"case": case.pk})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Orientamento al lavoro" in content
    assert "4 liberi su 10" in content


def test_the_service_list_answers_an_htmx_filter_with_the_partial(
    personas: Personas, login: Any
) -> None:
    case = open_case(personas)
    cooperative_service(personas)
    client = login(personas.social_worker)
    response = client.get(
        reverse("referrals:create"), {"case": case.pk, "need": ""}, headers={"HX-Request": "true"}
    )
    content = response.content.decode()
    assert 'id="service-choices"' in content
    assert "<h1>" not in content


def test_sending_from_the_page_creates_the_referral(personas: Personas, login: Any) -> None:
    case = open_case(personas)
    service = cooperative_service(personas)
    client = login(personas.social_worker)
    response = client.post(
        reverse("referrals:create"),
        {
            "case": case.pk,
            "service": service.pk,
            "reason": "Ricerca lavoro",
            "urgency": "normal",
            "shared_fieldsets": ["identity"],
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _detail(referral)
    assert referral.shared_fieldsets == ["identity"]


def test_sending_to_an_inactive_service_shows_the_error_and_saves_nothing(
    personas: Personas, login: Any
) -> None:
    case = open_case(personas)
    closed = cooperative_service(personas, status=ServiceStatus.INACTIVE, name="Chiuso")
    client = login(personas.social_worker)
    response = client.post(
        reverse("referrals:create"),
        {"case": case.pk, "service": closed.pk, "reason": "Ricerca lavoro", "urgency": "normal"},
    )
    assert response.status_code == 400
    assert "non è attivo" in response.content.decode()
    assert not Referral.objects.exists()


def test_another_organization_cannot_send_from_the_comunes_case(
    personas: Personas, login: Any
) -> None:
    case = open_case(personas)
    client = login(personas.outsider)
    assert client.get(reverse("referrals:create"), {"case": case.pk}).status_code == 404


def test_the_receiver_sees_name_and_phone_only_from_acceptance(
    personas: Personas, login: Any
) -> None:
    referral = sent_referral(personas)
    client = login(personas.association_operator)
    before = client.get(_detail(referral)).content.decode()
    assert FAMILY_NAME not in before
    assert PHONE not in before
    assert "Accompagnamento nella ricerca" in before
    response = client.post(reverse("referrals:accept", kwargs={"pk": referral.pk}), {})
    assert response.status_code == 302
    after = client.get(_detail(referral)).content.decode()
    assert FAMILY_NAME in after
    assert PHONE in after


def test_the_receiver_sees_fewer_fields_when_the_sender_shared_fewer(
    personas: Personas, login: Any
) -> None:
    referral = sent_referral(personas, shared_fieldsets=["identity"])
    referral_accept(actor=personas.association_operator, referral=referral)
    client = login(personas.association_operator)
    content = client.get(_detail(referral)).content.decode()
    assert FAMILY_NAME in content
    assert PHONE not in content
    record = client.get(reverse("people:detail", args=[referral.person_id])).content.decode()
    assert FAMILY_NAME in record
    assert PHONE not in record


def test_after_completion_the_receiver_no_longer_sees_the_person(
    personas: Personas, login: Any
) -> None:
    referral = sent_referral(personas)
    operator = personas.association_operator
    referral_accept(actor=operator, referral=referral)
    referral_complete(actor=operator, referral=referral, outcome="met", note="Tutto bene")
    content = login(operator).get(_detail(referral)).content.decode()
    assert FAMILY_NAME not in content
    assert "bisogno soddisfatto" in content


def test_an_outsider_trying_to_accept_gets_404(personas: Personas, login: Any) -> None:
    referral = sent_referral(personas)
    client = login(personas.outsider)
    assert client.post(reverse("referrals:accept", kwargs={"pk": referral.pk})).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_sender_cannot_accept_its_own_referral(personas: Personas, login: Any) -> None:
    referral = sent_referral(personas)
    response = login(personas.social_worker).post(
        reverse("referrals:accept", kwargs={"pk": referral.pk})
    )
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_the_operator_who_lost_the_race_reads_who_handled_it(
    personas: Personas, login: Any
) -> None:
    referral = sent_referral(personas)
    referral_accept(actor=personas.association_operator, referral=referral)
    response = login(personas.association_admin).post(
        reverse("referrals:accept", kwargs={"pk": referral.pk}), follow=True
    )
    assert "già gestito da Olga Operatrice" in response.content.decode()


def test_a_decline_without_reason_shows_the_error_next_to_the_field(
    personas: Personas, login: Any
) -> None:
    referral = sent_referral(personas)
    response = login(personas.association_operator).post(
        reverse("referrals:decline", kwargs={"pk": referral.pk}), {"decline-note": "Pieni"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_decline-reason_error"' in content
    assert "Scegli il motivo del rifiuto" in content
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_message_posted_with_htmx_returns_the_thread(personas: Personas, login: Any) -> None:
    referral = sent_referral(personas)
    response = login(personas.association_operator).post(
        reverse("referrals:comment", kwargs={"pk": referral.pk}),
        {"body": "Possiamo vederla giovedì"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="thread"' in content
    assert "Possiamo vederla giovedì" in content
    assert "<h1>" not in content


def test_the_inbox_hides_names_before_acceptance_and_flags_overdue(
    personas: Personas, login: Any
) -> None:
    referral = sent_referral(personas)
    Referral.objects.filter(pk=referral.pk).update(
        accept_due_at=timezone.now() - timedelta(hours=1)
    )
    content = login(personas.association_operator).get(reverse("referrals:inbox")).content.decode()
    assert FAMILY_NAME not in content
    assert "riservato" in content
    assert "referral-overdue" in content
    assert "in ritardo" in content


def test_the_outbox_lists_what_the_organization_sent(personas: Personas, login: Any) -> None:
    sent_referral(personas)
    content = login(personas.social_worker).get(reverse("referrals:outbox")).content.decode()
    assert FAMILY_NAME in content
    assert "Orientamento al lavoro" in content
    assert "Orientamento al lavoro" not in (
        login(personas.outsider).get(reverse("referrals:inbox")).content.decode()
    )


def test_the_inbox_filters_by_status(personas: Personas, login: Any) -> None:
    referral = sent_referral(personas)
    referral_accept(actor=personas.association_operator, referral=referral)
    client = login(personas.association_operator)
    accepted = client.get(reverse("referrals:inbox"), {"status": "accepted"}).content.decode()
    declined = client.get(reverse("referrals:inbox"), {"status": "declined"}).content.decode()
    assert FAMILY_NAME in accepted
    assert "Nessun invio con questi filtri" in declined


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("box", "who"), [("inbox", "association_operator"), ("outbox", "social_worker")]
)
def test_inbox_and_outbox_cost_the_same_queries_as_they_grow(
    personas: Personas, login: Any, box: str, who: str
) -> None:
    case = open_case(personas)
    service = cooperative_service(personas)
    sent_referral(personas, source=case, service=service)
    client = login(getattr(personas, who))
    url = reverse(f"referrals:{box}")
    few = _queries(client, url)
    for _ in range(5):
        sent_referral(personas, source=case, service=service)
    assert _queries(client, url) == few


def test_the_statistics_show_a_table_and_a_chart(personas: Personas, login: Any) -> None:
    referral = sent_referral(personas)
    referral_accept(actor=personas.association_operator, referral=referral)
    response = login(personas.coordinator).get(reverse("referrals:stats"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content
    assert "<table" in content
    assert "Il Ponte" in content or "Cooperativa Sociale Il Ponte" in content
    assert FAMILY_NAME not in content


def test_the_statistics_are_closed_to_volunteers_and_citizens(
    personas: Personas, login: Any
) -> None:
    for who in ("volunteer", "citizen"):
        assert login(getattr(personas, who)).get(reverse("referrals:stats")).status_code == 404


def test_the_timeline_shows_the_outcome_to_the_sender(personas: Personas) -> None:
    referral = sent_referral(personas)
    operator = personas.association_operator
    referral_accept(actor=operator, referral=referral)
    referral_start(actor=operator, referral=referral)
    referral_complete(actor=operator, referral=referral, outcome="met", note="Assunta")
    entries = list(timeline_entries(personas.social_worker, [referral.person_id]))
    assert any("concluso" in entry.title and "Assunta" in entry.detail for entry in entries)
    assert list(timeline_entries(personas.outsider, [referral.person_id])) == []


def test_the_receivers_landing_page_lists_the_overdue_referral(personas: Personas) -> None:
    referral = sent_referral(personas)
    Referral.objects.filter(pk=referral.pk).update(
        accept_due_at=timezone.now() - timedelta(hours=1)
    )
    items = attention_items(personas.association_operator)
    assert [item.severity for item in items] == ["danger"]
    assert attention_items(personas.outsider) == []
